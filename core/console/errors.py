"""Error pages of the console: the kernel's error handlers (core/app.py) hand every error of a
console request here instead of answering JSON. A 401 becomes the login page (coming back
here afterwards); everything else an HTML page in the current language, with the service's
message — and a refusal's article — as the service gave it."""
from __future__ import annotations

import logging
from typing import Any

from flask import Response, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import escape

log = logging.getLogger(__name__)


def _titles() -> dict[int, str]:
    return {
        400: _("Permintaan tidak dapat diproses"),
        403: _("Akses ditolak"),
        404: _("Halaman tidak ditemukan"),
        405: _("Cara membuka halaman ini tidak diizinkan"),
        409: _("Bertentangan dengan data yang ada"),
        412: _("Data telah diubah orang lain"),
        413: _("Kiriman terlalu besar"),
        422: _("Data tidak dapat diterima"),
        429: _("Terlalu banyak percobaan"),
        503: _("Layanan sedang tidak tersedia"),
    }


def _generic_messages() -> dict[str, str]:
    """The kernel's fixed texts, which say nothing a service decided, in the page's language
    (keyed by the kernel's own Indonesian text: a service's specific message is kept as is)."""
    return {
        "Data tidak ditemukan.": _("Halaman atau data yang Anda cari tidak ada."),
        "Metode HTTP ini tidak diizinkan untuk alamat ini.": _("Halaman ini tidak dapat dibuka dengan cara itu."),
        "Badan permintaan melebihi batas ukuran.": _("Kiriman melebihi batas ukuran."),
        "Anda tidak berwenang melakukan tindakan ini.": _("Anda tidak berwenang melakukan tindakan ini."),
        "Terjadi kesalahan pada server; tidak ada data yang tersimpan.": _(
            "Terjadi kesalahan pada server; tidak ada data yang tersimpan."
        ),
        "Basis data sedang tidak dapat dihubungi; tidak ada data yang tersimpan. Coba lagi beberapa saat lagi.": _(
            "Basis data sedang tidak dapat dihubungi; tidak ada data yang tersimpan. Coba lagi beberapa saat lagi."
        ),
    }


def safe_next(target: str | None) -> str | None:
    """Only a path of this site (never `//elsewhere` or `https://elsewhere`): no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def login_redirect() -> Response:
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("konsol.masuk", next=safe_next(target)))  # type: ignore[return-value]


def error_page(status: int, body: dict[str, Any]) -> Response:
    if status == 401:
        return login_redirect()
    code = body.get("code", "")
    given = body.get("message") or ""
    message = _generic_messages().get(given) or given or _("Terjadi kesalahan.")
    title = _titles().get(status) or (_("Terjadi kesalahan") if status >= 500 else _("Permintaan tidak dapat diproses"))
    try:
        html = render_template(
            "konsol/galat.html",
            status=status, title=title, message=message, citation=body.get("citation"), errors=body.get("errors") or {},
            code=code,
            # A server-side failure (the database gone, a half-failed transaction) must not fail
            # again while drawing the menu: such a page is drawn without what needs the database.
            bare=status >= 500,
        )
    except Exception:  # the error page itself failed: still tell the user, in plain HTML
        log.exception("console error page failed")
        html = f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(message)}</p>"
    return make_response(html, status)
