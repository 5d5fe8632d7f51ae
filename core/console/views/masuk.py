"""Logging in and out, choosing a tenant, choosing a language."""
from __future__ import annotations

from typing import Any

from flask import Response, g, make_response, redirect, render_template, request, url_for
from flask import session as cookie

from core.api.common import kernel, public, session
from core.console.auth import EXPIRED_KEY, end_session, start_session
from core.console.blueprint import bp
from core.console.csrf import renew_csrf_token
from core.console.errors import safe_next
from core.console.forms import Form
from core.console.i18n import LANGUAGES
from core.console.i18n import SESSION_KEY as LANGUAGE_KEY
from core.console.layout import tenant_choices
from core.errors import NotFound
from core.staff.lockout import AccountLocked, LockoutPolicy
from core.staff.schemas import LoginSchema
from core.staff.services import LoginFailed, login


def _policy() -> LockoutPolicy:
    return LockoutPolicy.of(kernel().settings)


def _login_page(form: Form, status: int = 200, retry_after: int | None = None) -> Response:
    expired = bool(cookie.pop(EXPIRED_KEY, False))
    html = render_template("konsol/masuk.html", form=form, next=safe_next(request.values.get("next")), expired=expired)
    response = make_response(html, status)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


@bp.route("/masuk", methods=["GET", "POST"])
@public
def masuk() -> Response:
    form = Form(LoginSchema()) if request.method == "GET" else Form.from_request(LoginSchema())
    if request.method == "GET":
        if g.user is not None:
            return redirect(url_for("konsol.index"))  # type: ignore[return-value]
        return _login_page(form)
    if not form.validate():
        return _login_page(form, 422)
    s = session()
    try:
        issued = login(s, form.data["username"], form.data["password"], kernel().settings.token_ttl_hours, policy=_policy())
    except LoginFailed as exc:
        s.commit()  # the failure counts towards the lockout although this request fails (as the API)
        form.errors["password"] = [exc.message]
        return _login_page(form, 401)
    except AccountLocked as exc:
        s.commit()
        form.errors["username"] = [exc.message]
        return _login_page(form, 429, exc.retry_after)
    start_session(issued)
    renew_csrf_token()
    return redirect(safe_next(request.form.get("next")) or url_for("konsol.index"), 303)  # type: ignore[return-value]


@bp.post("/keluar")
def keluar() -> Response:
    end_session(session())
    renew_csrf_token()
    return redirect(url_for("konsol.masuk"), 303)  # type: ignore[return-value]


@bp.post("/bahasa")
@public
def bahasa() -> Response:
    chosen = request.form.get("bahasa", "")
    if chosen in LANGUAGES:
        cookie[LANGUAGE_KEY] = chosen
    return redirect(safe_next(request.form.get("next")) or url_for("konsol.index"), 303)  # type: ignore[return-value]


@bp.get("/")
def index() -> Response:
    """After login: straight to the only tenant, or the chooser when there are several."""
    choices = tenant_choices(g.user)
    if len(choices) == 1 and not g.user.is_platform_admin:
        return redirect(url_for("konsol.beranda", tenant=choices[0].slug))  # type: ignore[return-value]
    return make_response(render_template("konsol/pilih_tenant.html", choices=choices))


@bp.route("/<path:rest>", methods=["GET", "POST"])
@public
def tidak_ada(rest: str) -> Any:
    # An unknown console address gets the console's 404 page, not the API's JSON.
    raise NotFound()

