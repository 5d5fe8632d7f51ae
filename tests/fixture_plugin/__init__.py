"""A fixture plugin that exercises the whole kernel contract (every hook), used by the tests.

Only @hookimpl functions live here, as in every plugin.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from core.sdk import (
    Case,
    CaseType,
    ProfileSource,
    Report,
    ReportContext,
    RuleViolation,
    Stage,
    hookimpl,
    record_audit,
)

HERE = Path(__file__).parent


@hookimpl
def kesos_register_case_types() -> list[CaseType]:
    from . import rules, schemas

    return [
        CaseType(
            name="fixture_kasus",
            plugin="fixture",
            label="Kasus Uji",
            stages=(Stage("daftar", "Pendaftaran"), Stage("tangani", "Penanganan"), Stage("selesai", "Selesai")),
            order_parameter="tahapan",
            subject_types=("person",),
            data_schema=schemas.FixtureCaseDataSchema,
            advance_schemas={"selesai": schemas.FixtureCloseSchema},
            on_open=(rules.usia_minimum,),
            guards={"selesai": (rules.catatan_penutup,)},
            final_stages=("selesai",),
        )
    ]


@hookimpl
def kesos_register_blueprints() -> list[Any]:
    from .api import blp

    return [blp]


@hookimpl
def kesos_register_console() -> Any:
    from core.sdk import ConsoleContribution, MenuEntry

    from .console import bp

    return ConsoleContribution(
        title="Layanan Uji", menu=[MenuEntry("Catatan uji", "fixture_konsol.catatan", "fixture.notes.read")], blueprints=[bp]
    )


@hookimpl
def kesos_register_profiles() -> ProfileSource:
    from .schemas import FixtureProfileSchema

    return ProfileSource(schema=FixtureProfileSchema, directories=(HERE / "profiles",), default_profile="fixture-nasional")


@hookimpl
def kesos_register_migrations() -> Path:
    return HERE / "migrations"


@hookimpl
def kesos_register_models() -> list[type]:
    from .models import FixtureNote

    return [FixtureNote]


@hookimpl
def kesos_register_permissions() -> dict[str, list[str]]:
    return {"fixture.notes.read": ["officer", "tenant_admin"], "fixture.notes.write": ["officer"]}


def _count_cases(ctx: ReportContext) -> dict[str, Any]:
    rows = ctx.session.execute(select(Case.stage, func.count()).where(Case.plugin == "fixture").group_by(Case.stage)).all()
    return {"per_tahap": {stage: n for stage, n in rows}, "profil": ctx.profile.id if ctx.profile else None}


@hookimpl
def kesos_register_reports() -> list[Report]:
    return [Report(name="fixture.ringkasan", plugin="fixture", title="Ringkasan kasus uji", build=_count_cases)]


@hookimpl
def kesos_register_importers() -> list[Any]:
    from .importer import NOTES

    return [NOTES]


@hookimpl
def kesos_referral_received(session: Any, tenant: Any, referral: Any, case: Any) -> dict[str, Any]:
    _note(session, f"rujukan dari {referral.dari_plugin}: {referral.alasan}")
    return {"catatan": "diterima", "subjek": case.subject_type}


@hookimpl
def kesos_startup(app: Any) -> None:
    app.config["FIXTURE_STARTED"] = True


@hookimpl
def kesos_plugin_toggled(session: Any, tenant: Any, plugin: str, enabled: bool) -> None:
    record_audit(session, "fixture.toggled", "plugin", plugin, {"enabled": enabled})


def _note(session: Any, isi: str, day: date | None = None) -> None:
    from .models import FixtureNote

    session.add(FixtureNote(tanggal=day or date.today(), isi=isi))


@hookimpl
def kesos_case_opened(session: Any, case: Any, profile: Any) -> None:
    _note(session, f"kasus dibuka dengan profil {profile.id}")


@hookimpl
def kesos_case_advanced(session: Any, case: Any, event: Any, profile: Any) -> None:
    if event.data.get("catatan") == "tolak-oleh-hook":
        raise RuleViolation("ditolak_hook", "Ditolak oleh plugin uji.", profile.citation("tahapan"))
    _note(session, f"kasus pindah ke {event.to_stage}")


@hookimpl
def kesos_case_summary(case: Any) -> str | None:
    return f"Kasus uji di tahap {case.stage}" if case.plugin == "fixture" else None


@hookimpl
def kesos_daily(session: Any, tenant: Any, day: date) -> None:
    _note(session, f"harian {day.isoformat()}", day)


@hookimpl
def kesos_load_demo(session: Any, tenant: Any, staff: dict[str, Any]) -> None:
    from sqlalchemy import select as _select

    from .models import FixtureNote

    if session.scalar(_select(FixtureNote.id).where(FixtureNote.isi == "data demo")) is None:
        _note(session, "data demo")


@hookimpl
def kesos_report_generated(session: Any, tenant: Any, report: str, result: dict[str, Any]) -> None:
    _note(session, f"laporan {report} selesai")


def _fixture_cases(session: Any, person: Any) -> list[Any]:
    return list(session.scalars(select(Case).where(Case.plugin == "fixture", Case.person_id == person.id).order_by(Case.opened_at)))


@hookimpl
def kesos_person_exported(session: Any, tenant: Any, person: Any) -> dict[str, Any] | None:
    cases = _fixture_cases(session, person)
    return {"kasus_uji": [{"id": c.id, "keterangan": c.data.get("keterangan", "")} for c in cases]} if cases else None


@hookimpl
def kesos_person_anonymising(session: Any, tenant: Any, person: Any) -> None:
    # A case opened with keterangan "simpan" stands for a record the law says to keep.
    if any(c.data.get("keterangan") == "simpan" for c in _fixture_cases(session, person)):
        raise RuleViolation("uji_wajib_disimpan", "Kasus uji ini wajib disimpan.", "Peraturan Uji Pasal 1")
    _note(session, f"anonimisasi {person.id}")


@hookimpl
def kesos_overdue_deadlines(session: Any, tenant: Any, today: date, limit: int) -> Any:
    # The fixture's deadline: a case is registered (leaves "daftar") on the working day it was
    # opened, so one still in "daftar" after that day (WIB) is overdue, counted in hari kerja.
    from datetime import datetime, timedelta, timezone

    from core.sdk import OverdueDeadline, OverdueDeadlines

    wib = timezone(timedelta(hours=7))
    late = (Case.plugin == "fixture", Case.status == "open", Case.stage == "daftar",
            Case.opened_at < datetime(today.year, today.month, today.day, tzinfo=wib))
    jumlah = session.scalar(select(func.count()).select_from(Case).where(*late))
    oldest = session.execute(select(Case.id, Case.opened_at).where(*late).order_by(Case.opened_at, Case.id).limit(limit))
    return OverdueDeadlines("fixture", jumlah, tuple(
        OverdueDeadline(cid, "Pendaftaran kasus uji belum diproses", opened.astimezone(wib).date(), True, "Peraturan Uji Pasal 2")
        for cid, opened in oldest
    ))
