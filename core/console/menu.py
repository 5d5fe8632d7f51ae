"""What a plugin contributes to the console through `kesos_register_console` (core/hookspecs.py).

Plain data only: this module is re-exported by core.sdk, so it imports nothing of the console.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MenuEntry:
    """One link of the navigation menu of a tenant that has the plugin enabled.

    `label` is Indonesian, translated through the console's catalogue when it has the text;
    `endpoint` is a Flask endpoint of one of the plugin's console blueprints (its `tenant` is
    filled in); the entry shows only to users holding `permission` in the tenant (None: anyone
    with a role there)."""

    label: str
    endpoint: str
    permission: str | None = None


@dataclass(frozen=True)
class ConsoleContribution:
    """A plugin's part of the console: its name as people know it, its menu entries, and its
    Flask blueprints, mounted at /konsol/<tenant>/<plugin> and answering 404 for a tenant that
    has the plugin disabled (as its API routes do)."""

    title: str
    menu: Sequence[MenuEntry] = ()
    blueprints: Sequence[Any] = field(default_factory=tuple)  # flask.Blueprint
    # The plugin's own catalogue (a pathlib.Path holding <lang>/LC_MESSAGES/messages.mo), merged
    # with the console's: a plugin's texts do not belong in the kernel's catalogue.
    translations: Any = None


@dataclass(frozen=True)
class CaseAction:
    """A link from the console's case page to a plugin's own page for that case
    (`kesos_case_actions`): `label` Indonesian (translated through the catalogues when they have
    the text), `url` already built. With `tahap`, it is the form that moves the case to that
    stage, and the generic move form leaves the stage out; with `permission`, it shows only to
    users holding it."""

    label: str
    url: str
    tahap: str | None = None
    permission: str | None = None
