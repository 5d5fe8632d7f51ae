"""Perlindungan sosial (PP 39/2012 Pasal 28–36): the plugin's face.

Only @hookimpl functions live here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from core.sdk import ProfileSource, hookimpl

HERE = Path(__file__).parent


@hookimpl
def kesos_register_profiles() -> ProfileSource:
    from .schemas import PerlindunganProfileSchema

    return ProfileSource(schema=PerlindunganProfileSchema, directories=(HERE / "profiles",), default_profile="pp-39-2012")


@hookimpl
def kesos_register_migrations() -> Path:
    return HERE / "migrations"


@hookimpl
def kesos_register_models() -> list[type]:
    from .models import Kegiatan, Kejadian, Penyaluran, Terdampak

    return [Kejadian, Terdampak, Penyaluran, Kegiatan]


@hookimpl
def kesos_register_case_types() -> list[Any]:
    from .workflow import CASE_TYPES

    return list(CASE_TYPES)


@hookimpl
def kesos_register_blueprints() -> list[Any]:
    from .api import blp

    return [blp]


@hookimpl
def kesos_register_permissions() -> dict[str, list[str]]:
    return {
        "perlindungan.read": ["tenant_admin", "officer", "peksos", "tks", "auditor"],
        "perlindungan.write": ["tenant_admin", "officer", "peksos", "tks"],
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
def kesos_register_importers() -> list[Any]:
    from .impor import TERDAMPAK

    return [TERDAMPAK]


@hookimpl
def kesos_person_exported(session: Any, tenant: Any, person: Any) -> dict[str, Any] | None:
    from .privasi import ekspor

    return ekspor(session, person)


@hookimpl
def kesos_person_anonymising(session: Any, tenant: Any, person: Any) -> None:
    from .privasi import simpan_penyaluran

    simpan_penyaluran(session, person)
