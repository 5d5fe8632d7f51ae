"""The console's own blueprint, `konsol`, at /konsol (its views in core/console/views/)."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

from core.api.common import public

STATIC = Path(__file__).resolve().parent / "static"

bp = Blueprint("konsol", __name__, url_prefix="/konsol", template_folder="templates")


@bp.get("/aset/<path:filename>")
@public  # the login page's stylesheet and script: before anyone has logged in
def aset(filename: str) -> Response:
    return send_from_directory(STATIC, filename, max_age=3600)
