"""Rehabilitasi sosial (PP 39/2012 Pasal 4–8; Perbup Balangan 61/2017): the plugin's face.

Only @hookimpl functions live here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from core.sdk import ProfileSource, hookimpl

HERE = Path(__file__).parent


@hookimpl
def kesos_register_profiles() -> ProfileSource:
    from .schemas import RehabilitasiProfileSchema

    return ProfileSource(schema=RehabilitasiProfileSchema, directories=(HERE / "profiles",), default_profile="pp-39-2012")


@hookimpl
def kesos_register_migrations() -> Path:
    return HERE / "migrations"


@hookimpl
def kesos_register_models() -> list[type]:
    from . import models

    return [models.Kegiatan, models.Rencana, models.Pemantauan, models.Evaluasi, models.Peringatan]
