"""Start and stop a production process of this checkout (gunicorn, `kesos worker`, `kesos
scheduler`) for a test: its own session (process group), its output in a file, every wait bounded
by a deadline."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core.config import PROJECT_ROOT

BIN = Path(sys.executable).parent  # the venv's gunicorn and kesos
POLL = 0.1  # seconds between two looks at something that is not there yet


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_environ(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This machine's environment without any Kesos setting, plus a SQLite instance and a
    tenants directory of the test's own."""
    inherited = ("KESOS_", "DATABASE_URL", "MIGRATION_DATABASE_URL", "REDIS_URL", "SECRET_KEY")
    env = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    for d in ("instance", "tenants"):
        (tmp_path / d).mkdir(exist_ok=True)
    env.update(
        PYTHONUNBUFFERED="1", PYTHONPATH=str(PROJECT_ROOT),  # tests' own jobs importable by a worker
        KESOS_INSTANCE_DIR=str(tmp_path / "instance"), KESOS_TENANTS_DIR=str(tmp_path / "tenants"),
    )
    env.update(extra)
    return env


def wait_for(check: Callable[[], Any], deadline: float, what: str, proc: subprocess.Popen[bytes] | None = None,
             log: Path | None = None) -> Any:
    """Poll `check` until it returns something truthy; fail after `deadline` seconds, or at
    once when `proc` has exited, showing the end of `log`."""
    end = time.monotonic() + deadline
    while True:
        result = check()
        if result:
            return result
        tail = log.read_text(errors="replace")[-3000:] if log is not None and log.exists() else ""
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"{what}: the process exited with {proc.returncode}:\n{tail}")
        if time.monotonic() > end:
            raise AssertionError(f"{what}: not within {deadline} s:\n{tail}")
        time.sleep(POLL)


@contextmanager
def running(cmd: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The process, killed with its whole group afterwards if the test left it running."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)
