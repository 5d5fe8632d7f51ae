"""The Dockerfile, without a Docker engine: a multi-stage build whose first stage makes the
wheels and whose final stage runs as a non-root user with no compilers and no source tree; every
path it copies exists and is in the build context; and the wheel built from exactly that context
carries everything the processes need (migrations, profiles, templates, wsgi.py)."""
from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from core.config import PROJECT_ROOT
from tests.deploy.dockerfile import Stage, context_files, ignore_rules, in_context, parse_dockerfile

BUILD_TOOLS = ("build-essential", "gcc", "g++", "make", "libpq-dev", "python3-dev", "cargo", "rustc")
PLUGINS = ("rehabilitasi", "lks", "jaminan", "pemberdayaan", "perlindungan")


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return parse_dockerfile()


def test_two_stages_on_the_same_slim_python(stages: list[Stage]) -> None:
    assert [(s.base, s.name) for s in stages] == [("python:3.11-slim-bookworm", "build"), ("python:3.11-slim-bookworm", None)]


def test_the_first_stage_builds_the_wheels_of_kesos_and_its_dependencies(stages: list[Stage]) -> None:
    runs = [i.args for i in stages[0].all("RUN")]
    assert "pip wheel --wheel-dir /wheels ." in runs
    assert not any("[dev]" in r or "[bench]" in r for r in runs)


def test_every_path_the_dockerfile_copies_exists_and_is_in_the_context(stages: list[Stage]) -> None:
    rules = ignore_rules()
    copied = []
    for stage in stages:
        for copy in stage.all("COPY") + stage.all("ADD"):
            args = [a for a in copy.args.split() if not a.startswith("--")]
            assert not copy.args.startswith("--from"), "the final stage takes the wheels by a mount, not a copy"
            copied += args[:-1]
    assert copied, "the Dockerfile copies nothing"
    for source in copied:
        assert (PROJECT_ROOT / source).exists(), f"COPY {source}: no such path"
        assert in_context(source, rules), f"COPY {source}: excluded by .dockerignore"


def test_the_context_holds_what_the_build_needs_and_nothing_else() -> None:
    files = context_files()
    rules = ignore_rules()
    for needed in ("pyproject.toml", "README.md", "wsgi.py", "core/migrations/env.py", "core/staff/common_passwords.txt"):
        assert needed in files, needed
    source = sorted(p.relative_to(PROJECT_ROOT).as_posix() for top in ("core", "plugins")
                    for p in (PROJECT_ROOT / top).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert [f for f in source if f not in files] == []
    assert {f.split("/")[0] for f in files} == {"pyproject.toml", "README.md", "wsgi.py", "core", "plugins"}
    for kept_out in (".git", ".venv", "tests", "instance", "tenants", "bench", "docs", "helm", "core/__pycache__/app.cpython-311.pyc"):
        assert not in_context(kept_out, rules), kept_out


def test_the_final_stage_runs_as_a_numeric_non_root_user_without_build_tools(stages: list[Stage]) -> None:
    final = stages[-1]
    [user] = final.all("USER")
    uid, _, gid = user.args.partition(":")
    assert uid.isdigit() and int(uid) == 10001 and gid == "10001"  # numeric: runAsNonRoot can check it
    runs = " ".join(i.args for i in final.all("RUN"))
    assert "--uid 10001" in runs and "--gid 10001" in runs
    installed = " ".join(re.findall(r"apt-get install[^&;]*", runs))
    assert not any(tool in installed.split() for tool in BUILD_TOOLS), installed
    assert "pip install --no-index --find-links=/wheels kesos" in runs
    assert "--mount=type=bind,from=build,source=/wheels,target=/wheels" in runs  # /wheels never a layer
    assert final.all("COPY") == [] and final.all("ADD") == []  # no source tree in the image
    assert [i.args for i in final.all("WORKDIR")] == ["/app"]
    assert final.all("HEALTHCHECK") == []  # Kubernetes probes instead


def test_the_final_stage_sets_the_production_environment(stages: list[Stage]) -> None:
    env = dict(pair.split("=", 1) for i in stages[-1].all("ENV") for pair in i.args.split())
    assert {k: env.get(k) for k in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "KESOS_ENV", "KESOS_TENANTS_DIR", "KESOS_INSTANCE_DIR")} == {
        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1", "KESOS_ENV": "production",
        "KESOS_TENANTS_DIR": "/etc/kesos/tenants", "KESOS_INSTANCE_DIR": "/tmp/kesos",
    }
    assert [i.args for i in stages[-1].all("EXPOSE")] == ["8000"]


def test_the_default_command_is_gunicorn_with_the_config_module_that_exists(stages: list[Stage]) -> None:
    [cmd] = stages[-1].all("CMD")
    assert cmd.exec_form() == ["gunicorn", "-c", "python:core.gunicorn_conf", "wsgi:app"]  # exec form: SIGTERM reaches gunicorn
    assert importlib.util.find_spec("core.gunicorn_conf") is not None
    assert (PROJECT_ROOT / "wsgi.py").is_file()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """The wheel of kesos built as the Dockerfile's first stage builds it: from a copy of the
    build context only, with pip's isolated build (setuptools from the index)."""
    base = tmp_path_factory.mktemp("wheel")
    context, out = base / "context", base / "wheels"
    for relative in context_files():
        target = context / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_ROOT / relative, target)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(context)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [built] = out.glob("kesos-*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_carries_every_file_of_the_packages_and_wsgi(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    # Everything the processes may read: all but the notes beside vendored files (*.md, licences).
    source = sorted(p.relative_to(PROJECT_ROOT).as_posix() for top in ("core", "plugins")
                    for p in (PROJECT_ROOT / top).rglob("*")
                    if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".md" and "LICENSE" not in p.name)
    assert [f for f in source if f not in names] == []  # migrations, profiles, templates, static, password list
    assert "wsgi.py" in names
    for needed in ("core/migrations/env.py", "core/migrations/script.py.mako", "core/staff/common_passwords.txt"):
        assert needed in names, needed
    assert any(n.startswith("core/migrations/versions/") and n.endswith(".py") for n in names)
    for plugin in PLUGINS:
        assert any(n.startswith(f"plugins/{plugin}/migrations/") and n.endswith(".py") for n in names), plugin
        assert any(n.startswith(f"plugins/{plugin}/profiles/") and n.endswith(".yaml") for n in names), plugin
    assert not any(n.startswith(("tests/", "bench/", "tenants/")) for n in names)


def test_the_wheel_declares_the_command_and_every_plugin(wheel: zipfile.ZipFile) -> None:
    [entry_points] = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "kesos = core.cli:main" in text
    for plugin in PLUGINS:
        assert f"{plugin} = plugins.{plugin}" in text
