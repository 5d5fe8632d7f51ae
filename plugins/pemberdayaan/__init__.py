"""Pemberdayaan sosial (PP 39/2012 Pasal 15–27): the plugin's face.

Only @hookimpl functions live here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from core.sdk import ProfileSource, hookimpl

HERE = Path(__file__).parent


@hookimpl
def kesos_register_profiles() -> ProfileSource:
    from .schemas import PemberdayaanProfileSchema

    return ProfileSource(schema=PemberdayaanProfileSchema, directories=(HERE / "profiles",), default_profile="pp-39-2012")


@hookimpl
def kesos_register_migrations() -> Path:
    return HERE / "migrations"


@hookimpl
def kesos_register_models() -> list[type]:
    from .models import Anggota, Stimulan

    return [Anggota, Stimulan]


@hookimpl
def kesos_register_case_types() -> list[Any]:
    from .workflow import PEMBERDAYAAN_SOSIAL

    return [PEMBERDAYAAN_SOSIAL]


@hookimpl
def kesos_register_blueprints() -> list[Any]:
    from .api import blp

    return [blp]


@hookimpl
def kesos_register_permissions() -> dict[str, list[str]]:
    return {
        "pemberdayaan.read": ["tenant_admin", "officer", "peksos", "tks", "auditor"],
        "pemberdayaan.write": ["tenant_admin", "officer", "peksos", "tks"],
        "pemberdayaan.stimulan": ["tenant_admin", "officer"],
    }


@hookimpl
def kesos_register_reports() -> list[Any]:
    from .reports import yearly_report

    return [yearly_report()]


@hookimpl
def kesos_load_demo(session: Any, tenant: Any, staff: dict[str, Any]) -> None:
    from . import demo

    demo.load(session, tenant, staff)


@hookimpl
def kesos_person_exported(session: Any, tenant: Any, person: Any) -> dict[str, Any] | None:
    from .privasi import ekspor

    return ekspor(session, person)


@hookimpl
def kesos_person_anonymising(session: Any, tenant: Any, person: Any) -> None:
    from .privasi import simpan_stimulan

    simpan_stimulan(session, person)
