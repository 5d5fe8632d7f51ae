"""The console in a real browser: Debian's Chromium driven by Playwright against the app
served on a loopback port, on a temporary SQLite database holding the demo (as `kesos demo`).

No browser is downloaded (it cannot be on a closed network): Chromium is launched from its
Debian path. Missing locally → the tests skip saying how to install it; under CI=true → they
fail (CI installs it: .ci/run).
"""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from core import migrate
from core.app import create_app
from core.config import load_settings
from core.demo import load_demo
from core.kernel import set_process_kernel

CHROMIUM = Path(os.environ.get("KESOS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTEFACTS = Path(__file__).resolve().parent / "artefacts"
REPO_TENANTS = Path(__file__).resolve().parents[2] / "tenants"
TABLET = {"width": 1024, "height": 768}


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"Chromium tidak terpasang: apt-get install chromium chromium-driver ({CHROMIUM} tidak ada)"
    if os.environ.get("CI", "").strip().lower() in ("true", "1"):
        pytest.fail(f"{reason} — di CI uji peramban wajib berjalan")
    pytest.skip(reason)


@dataclass
class Served:
    url: str
    app: Any
    kernel: Any


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory, migration_dirs: dict[str, Path]) -> Iterator[Served]:
    _require_chromium()
    root = tmp_path_factory.mktemp("browser")
    tenants = root / "tenants"
    shutil.copytree(REPO_TENANTS, tenants)
    url = f"sqlite:///{root / 'kesos.db'}"
    migrate.upgrade(url, migration_dirs)
    settings = load_settings(environ={}, instance_dir=root / "instance", tenants_dir=tenants, database_url=url, migration_database_url=url)
    app = create_app(settings)
    kernel = app.extensions["kesos"]
    load_demo(kernel)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="kesos-browser-server", daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_port}", app, kernel)
    finally:
        server.shutdown()
        thread.join(10)
        kernel.db.dispose()


@pytest.fixture(scope="session")
def browser(served: Served) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, served: Served) -> Iterator[Any]:
    """A fresh browser profile (no cookies) at a tablet's size; console errors are collected —
    a page breaking the Content-Security-Policy (an inline script) or missing an asset fails
    the test."""
    context = browser.new_context(base_url=served.url, viewport=TABLET, locale="id-ID")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []

    def _console(msg: Any) -> None:
        # An error page (403, a refused login's 401) is reported as a failed resource: not a
        # fault. A missing asset of the console, a CSP violation or a script error is.
        url = (msg.location or {}).get("url", "")
        if msg.type == "error" and ("Failed to load resource" not in msg.text or "/konsol/aset/" in url):
            errors.append(f"{msg.text} ({url})")

    tab.on("console", _console)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert errors == [], f"browser console errors: {errors}"


@pytest.fixture(autouse=True)
def _process_kernel(served: Served) -> Iterator[None]:
    # Other tests of this process make their own app the process kernel; these pages' requests
    # (served in another thread) belong to the served app.
    set_process_kernel(served.kernel)
    yield


def screenshot(tab: Any, name: str) -> None:
    """A test artefact (tests/browser/artefacts/, not committed): what the page looked like."""
    ARTEFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)
