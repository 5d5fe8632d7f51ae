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


@hookimpl
def kesos_register_case_types() -> list[Any]:
    from .workflow import REHABILITASI_SOSIAL

    return [REHABILITASI_SOSIAL]


@hookimpl
def kesos_register_blueprints() -> list[Any]:
    from .api import blp

    return [blp]


@hookimpl
def kesos_register_console() -> Any:
    from .console import contribution

    return contribution()


@hookimpl
def kesos_register_permissions() -> dict[str, list[str]]:
    # Who reads a case's notes (Perbup Balangan 61/2017 Pasal 29 huruf b) is the kernel's rule
    # (`cases.notes.read` or assignment to the case): an auditor reads the metadata only.
    return {
        "rehabilitasi.kasus.read": ["tenant_admin", "officer", "peksos", "tks", "auditor"],
        "rehabilitasi.kasus.write": ["tenant_admin", "officer", "peksos", "tks"],
    }


@hookimpl
def kesos_register_reports() -> list[Any]:
    from . import reports

    return [reports.yearly_report()]


@hookimpl
def kesos_overdue_deadlines(session: Any, tenant: Any, today: Any, limit: int) -> Any:
    from .dasbor import overdue

    return overdue(session, today, limit)


@hookimpl
def kesos_case_due_dates(tenant: Any) -> Any:
    from .dasbor import jatuh_tempo

    return jatuh_tempo(tenant)


@hookimpl
def kesos_daily(session: Any, tenant: Any, day: Any) -> None:
    from core.sdk import get_kernel

    from .jobs import flag_overdue_evaluations

    flag_overdue_evaluations(session, get_kernel(), tenant, day)


@hookimpl
def kesos_load_demo(session: Any, tenant: Any, staff: dict[str, Any]) -> None:
    from . import demo

    demo.load(session, tenant, staff)


@hookimpl
def kesos_case_checklist(session: Any, case: Any, profile: Any) -> list[dict[str, Any]] | None:
    from .checklist import checklist

    return checklist(session, case, profile)


@hookimpl
def kesos_case_actions(session: Any, case: Any, profile: Any) -> list[Any] | None:
    from .console import case_actions

    return case_actions(case)


@hookimpl
def kesos_person_exported(session: Any, tenant: Any, person: Any) -> dict[str, Any] | None:
    from .privasi import ekspor

    return ekspor(session, person)
