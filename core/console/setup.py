"""Mount the console on the app: languages, the `konsol` blueprint, the plugins' console
blueprints (gated per tenant like their API routes), CSRF checks and the layout context."""
from __future__ import annotations

from flask import Flask, request
from flask_babel import refresh

from core.api.common import upload_limit
from core.console.csrf import check_csrf
from core.console.formatting import register_filters
from core.console.i18n import init_babel
from core.console.layout import CONSOLE_BLUEPRINTS, CONTRIBUTIONS, context, is_console_request
from core.console.menu import ConsoleContribution
from core.kernel import Kernel
from core.plugins import PluginConflict

PLUGIN_PREFIX = "/konsol/<tenant>/{plugin}"


def register_console(app: Flask, kernel: Kernel) -> None:
    from core.console import views  # noqa: F401  (attaches the routes to bp)
    from core.console.blueprint import bp

    init_babel(app, [c.translations for c in kernel.plugins.console.values() if getattr(c, "translations", None)])
    register_filters(app)
    app.register_blueprint(bp)
    names = {bp.name}
    contributions: dict[str, ConsoleContribution] = {}
    plugin_of: dict[str, str] = app.config["KESOS_PLUGIN_BLUEPRINTS"]
    for plugin, contribution in kernel.plugins.console.items():
        if not isinstance(contribution, ConsoleContribution):
            raise PluginConflict(f"plugin {plugin}: kesos_register_console harus mengembalikan ConsoleContribution")
        contributions[plugin] = contribution
        for blp in contribution.blueprints:
            app.register_blueprint(blp, url_prefix=PLUGIN_PREFIX.format(plugin=plugin) + (blp.url_prefix or ""))
            names.add(blp.name)
            plugin_of[blp.name] = plugin  # the request cycle answers 404 where the plugin is disabled
    app.config[CONSOLE_BLUEPRINTS] = frozenset(names)
    app.config[CONTRIBUTIONS] = contributions

    @app.before_request
    def _csrf() -> None:
        # Flask-Babel caches the locale on `g`, which outlives one request when an application
        # context was already pushed (a CLI command, a test): choose it afresh for each request.
        refresh()
        if request.blueprint in app.config[CONSOLE_BLUEPRINTS]:
            # An upload form's limit (accepts_upload) before the CSRF check reads the body.
            files = getattr(app.view_functions.get(request.endpoint or ""), "__kesos_upload_files__", None)
            if files:
                request.max_content_length = upload_limit(files)
            check_csrf()

    app.context_processor(context)


__all__ = ["is_console_request", "register_console"]
