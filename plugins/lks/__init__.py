"""LKS pendaftaran & perizinan (PP 39/2012 Pasal 57–68): the plugin's face.

Only @hookimpl functions live here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from core.sdk import ProfileSource, hookimpl

HERE = Path(__file__).parent


@hookimpl
def kesos_register_profiles() -> ProfileSource:
    from .schemas import LksProfileSchema

    return ProfileSource(schema=LksProfileSchema, directories=(HERE / "profiles",), default_profile="pp-39-2012")


@hookimpl
def kesos_register_migrations() -> Path:
    return HERE / "migrations"


@hookimpl
def kesos_register_models() -> list[type]:
    from .models import MODELS

    return list(MODELS)


@hookimpl
def kesos_register_case_types() -> list[Any]:
    from .workflow import PENDAFTARAN_LKS

    return [PENDAFTARAN_LKS]


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
    from .access import PERMISSIONS

    return PERMISSIONS


@hookimpl
def kesos_case_opened(session: Any, case: Any, profile: Any) -> None:
    from .pendaftaran import on_opened

    on_opened(session, case, profile)


@hookimpl
def kesos_case_advanced(session: Any, case: Any, event: Any, profile: Any) -> None:
    from .pendaftaran import on_advanced

    on_advanced(session, case, event, profile)


@hookimpl
def kesos_overdue_deadlines(session: Any, tenant: Any, today: Any, limit: int) -> Any:
    from core.sdk import get_kernel

    from .dasbor import overdue

    return overdue(session, get_kernel(), tenant, today, limit)


@hookimpl
def kesos_case_due_dates(tenant: Any) -> Any:
    from .dasbor import jatuh_tempo

    return jatuh_tempo(tenant)


@hookimpl
def kesos_daily(session: Any, tenant: Any, day: Any) -> None:
    from core.sdk import get_kernel

    from .jobs import daily

    daily(session, get_kernel(), tenant, day)


@hookimpl
def kesos_load_demo(session: Any, tenant: Any, staff: dict[str, Any]) -> None:
    from . import demo

    demo.load(session, tenant, staff)
