"""Probes: /healthz (the process is alive), /readyz (database and, when configured, Redis)."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify
from sqlalchemy import text

from core.api.common import kernel
from core.jobs import ping_redis

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    k = kernel()
    checks: dict[str, str] = {}
    try:
        with k.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 — a probe reports, it does not raise
        checks["database"] = f"gagal: {type(exc).__name__}"
    if k.settings.redis_url:
        try:
            ping_redis(k.settings.redis_url)
            checks["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["redis"] = f"gagal: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return jsonify({"status": "ok" if ready else "tidak_siap", "checks": checks}), 200 if ready else 503
