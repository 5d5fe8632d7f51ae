"""The web console: server-rendered pages in Bahasa Indonesia (English available) for the
people who never open the API, on the same services and permission checks as the API.

`core.console.setup.register_console(app, kernel)` mounts it at /konsol; `core.console.menu` holds
what plugins contribute (re-exported by core.sdk). Kept import-light on purpose: core.sdk imports
the menu module, and every plugin imports core.sdk.
"""
