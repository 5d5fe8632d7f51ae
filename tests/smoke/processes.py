"""Start, watch and stop the processes of a production deployment on this machine, as the Helm
chart runs them: the migration job, gunicorn, an RQ worker and the cron scheduler.

Each process gets a session (process group) of its own: stopping it means the whole group
(gunicorn's workers, RQ's work horse) and nothing else on the machine. Everything written —
logs, tenants dir, documents — stays under one temporary directory.
"""
from __future__ import annotations

import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.pg import PgDatabase

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the venv's gunicorn, rq and kesos
STOP_DEADLINE = 30.0  # seconds a process may take to exit on SIGTERM before it is killed
TAIL_CHARS = 4000


def _random_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def production_environ(db: PgDatabase, redis_url: str, queue: str, workdir: Path) -> dict[str, str]:
    """The environment every Kesos process of the deployment shares, as the chart's ConfigMap
    and Secret give it: production mode, the app role, real random keys, a queue of our own (so
    parallel runs on one Redis never take each other's jobs) and directories of our own. The
    table owner's URL is not in it: only the migration job gets that (`Deployment.migrate`)."""
    inherited = ("KESOS_", "DATABASE_URL", "MIGRATION_DATABASE_URL", "REDIS_URL", "SECRET_KEY")
    env = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    for d in ("tenants", "instance", "berkas"):
        (workdir / d).mkdir(parents=True, exist_ok=True)
    env.update({
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",  # the log tails shown on failure are complete
        "KESOS_ENV": "production",
        "KESOS_LOG_FORMAT": "json",  # as the chart's values set them
        "KESOS_LOG_LEVEL": "INFO",
        "SECRET_KEY": secrets.token_urlsafe(48),
        # Production refuses the development keys that encrypt NIKs (core/crypto.py).
        "KESOS_DATA_KEYS": f"smoke:{_random_key()}",
        "KESOS_DATA_KEY_ID": "smoke",
        "KESOS_BLIND_INDEX_KEY": _random_key(),
        "DATABASE_URL": db.app_url,
        "KESOS_APP_DB_ROLE": db.app_role,
        "REDIS_URL": redis_url,
        "KESOS_QUEUE": queue,
        "KESOS_TENANTS_DIR": str(workdir / "tenants"),
        "KESOS_INSTANCE_DIR": str(workdir / "instance"),
        "KESOS_STORAGE_DIR": str(workdir / "berkas"),
    })
    return env


# -- the commands, exactly as the chart's containers run them (helm/kesos/templates) -------------


def web_command(port: int) -> tuple[list[str], dict[str, str]]:
    """gunicorn and the settings it reads (core/gunicorn_conf.py): on loopback, two workers."""
    return [str(BIN / "gunicorn"), "-c", "python:core.gunicorn_conf", "wsgi:app"], {
        "KESOS_WEB_BIND": f"127.0.0.1:{port}", "KESOS_WEB_WORKERS": "2",
    }


WORKER = [str(BIN / "kesos"), "worker"]  # RQ's worker with its scheduler, on KESOS_QUEUE
SCHEDULER = [str(BIN / "kesos"), "scheduler"]  # RQ cron under a leader lock (core/scheduler.py)


# -- one-off commands (the migration job) and long-running services ------------------------------


def run_kesos(args: list[str], env: dict[str, str], timeout: float = 300.0) -> str:
    """Run `kesos ARGS` to completion; its output, or an AssertionError that shows it."""
    # check=False: a failure is reported below with the command's own output.
    done = subprocess.run([str(BIN / "kesos"), *args], check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"`kesos {' '.join(args[:2])}` keluar dengan kode {done.returncode}:\n{output[-TAIL_CHARS:]}"
    return output


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Service:
    name: str
    proc: subprocess.Popen[bytes]
    log: Path
    signals: list[str] = field(default_factory=list)  # what it took to stop it

    @property
    def pgid(self) -> int:
        return self.proc.pid  # start_new_session: the leader's pid is the group's id

    def tail(self, chars: int = TAIL_CHARS) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError as exc:
            return f"(log tidak terbaca: {exc})"


def start(name: str, cmd: list[str], env: dict[str, str], workdir: Path) -> Service:
    log = workdir / f"{name}.log"
    with open(log, "wb") as out:  # the child holds its own copy of the descriptor
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    return Service(name, proc, log)


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of group `pgid`: a worker or work horse outliving its master
    would still hold database connections and Redis locks."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (comm) state ppid pgrp …": comm may hold spaces, so split after its ')'.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # exited while we looked
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(stat.parent.name))
    return members


def stop(service: Service, deadline: float = STOP_DEADLINE) -> None:
    """SIGTERM to the group, as Kubernetes does to a pod; SIGKILL if it outlives the deadline.
    Idempotent: a service already stopped is left alone."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not group_members(service.pgid) and service.proc.poll() is not None:
            return
        try:
            os.killpg(service.pgid, sig)
        except ProcessLookupError:
            pass
        service.signals.append(sig.name)
        if wait_until(lambda: service.proc.poll() is not None and not group_members(service.pgid), deadline):
            return


def wait_until(condition: Callable[[], Any], deadline: float, every: float = 0.2) -> Any:
    """Poll `condition` until it is truthy (its value) or `deadline` seconds pass (None)."""
    end = time.monotonic() + deadline
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= end:
            return None
        time.sleep(every)


def http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None
