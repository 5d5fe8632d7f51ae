"""The rehabilitasi service's console pages (kesos_register_console), mounted at
/konsol/<tenant>/rehabilitasi, linked from the kernel's case page (kesos_case_actions).

The work a Peksos does on a rehabilitation case beyond moving it with a note: recording the
activities of the current stage (Perbup Balangan 61/2017 Pasal 19–25), drawing up the plan
(Pasal 21), entering terminasi with what Pasal 24 ayat (2) requires, monitoring (Pasal 41) and
evaluation (Pasal 42). Each view calls the same service and checks the same permission as its
API route (api.py; terminasi is the kernel's advance, `cases.write`), and a refusal shows its
article. Other tenants' cases and other case types answer 404, as in the API.
"""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from sqlalchemy import select

from core.sdk import (
    CONSOLE_VERSION_FIELD,
    CaseAction,
    ConsoleContribution,
    ConsoleForm,
    InvalidInput,
    Person,
    RuleViolation,
    advance_case,
    can_read_notes,
    case_profile,
    console_page_version,
    console_submit,
    current_roles,
    current_tenant,
    current_user,
    get_owned,
    kernel,
    local_today,
    require,
    session,
)

from . import rules, services
from .console_forms import (
    FREE_BUTIR,
    KegiatanFormSchema,
    RencanaForm,
    RencanaFormSchema,
    TerminasiFormSchema,
    butir_codes,
    jadwal_text,
    kegiatan_boxes,
    pemantauan_boxes,
    pemantauan_schema,
    rename_errors,
    rencana_boxes,
    terminasi_boxes,
)
from .models import Rencana
from .schemas import KODE_TEMU_BAHAS, EvaluasiCreateSchema
from .workflow import REHABILITASI_SOSIAL

bp = Blueprint("rehabilitasi_konsol", __name__, template_folder="templates")
TRANSLATIONS = Path(__file__).resolve().parent / "translations"  # the plugin's own catalogue
WRITE = "rehabilitasi.kasus.write"  # the API's permission for activities, plan, monitoring, evaluation
MOVE = "cases.write"  # the kernel's permission for moving a case (POST /cases/<id>/advance)


def N_(text: str) -> str:
    """A text for the plugin's catalogue, translated where it is shown."""
    return text


# The outcomes of TerminasiSchema (schemas.HASIL_TERMINASI), as the page says them.
HASIL_LABEL = {
    "berhasil": N_("Berhasil"),
    "sebagian_berhasil": N_("Sebagian berhasil"),
    "tidak_berhasil": N_("Tidak berhasil"),
    "dirujuk": N_("Dirujuk ke layanan lain"),
    "mengundurkan_diri": N_("Mengundurkan diri"),
    "meninggal_dunia": N_("Meninggal dunia"),
}


def contribution() -> ConsoleContribution:
    return ConsoleContribution(title=N_("Rehabilitasi Sosial"), blueprints=[bp], translations=TRANSLATIONS)


def case_actions(case: Any) -> list[CaseAction] | None:
    """The links of the kernel's case page (kesos_case_actions): the write pages while the case
    is open; the terminasi form when terminasi is the case's next stage (the generic move form
    then leaves it out: it cannot send what Pasal 24 ayat (2) requires)."""
    if case.case_type != rules.CASE_TYPE:
        return None
    if case.status != "open":
        return []
    slug = current_tenant().slug

    def url(endpoint: str) -> str:
        return url_for(f"rehabilitasi_konsol.{endpoint}", tenant=slug, case_id=case.id)

    actions = [
        CaseAction(N_("Catat kegiatan tahap ini"), url("kegiatan"), permission=WRITE),
        CaseAction(N_("Rencana pemecahan masalah"), url("rencana"), permission=WRITE),
        CaseAction(N_("Catat pemantauan"), url("pemantauan"), permission=WRITE),
        CaseAction(N_("Catat evaluasi"), url("evaluasi"), permission=WRITE),
    ]
    if "terminasi" in REHABILITASI_SOSIAL.allowed_targets(case.stage):
        actions.append(CaseAction(N_("Masuk tahap Terminasi"), url("terminasi"), tahap="terminasi", permission=MOVE))
    return actions


# -- shared ------------------------------------------------------------------------------------


def _kasus(case_id: uuid.UUID) -> tuple[Any, Any]:
    case = services.get_kasus(session(), case_id)  # 404 for another tenant's id or another type
    return case, case_profile(session(), kernel(), current_tenant(), case)


def _case_url(case_id: uuid.UUID) -> str:
    return url_for("konsol.kasus_detail", tenant=current_tenant().slug, case_id=case_id)


def _detail(case: Any) -> dict[str, Any]:
    """What the API's GET /rehabilitasi/kasus/<id> answers, its notes only for those allowed
    (Perbup Balangan 61/2017 Pasal 29 huruf b)."""
    notes = can_read_notes(session(), case, current_user().id, current_roles(), kernel().plugins.permissions)
    return services.kasus_detail(session(), case, notes)


def _head(case: Any, profile: Any) -> dict[str, Any]:
    person = get_owned(session(), Person, case.person_id) if case.person_id else None
    return {
        "case": case, "nama": person.nama if person else "", "tahap": services.STAGE_LABEL.get(case.stage, case.stage),
        "profil": profile.title, "url": _case_url(case.id),
    }


def _labels(profile: Any, name: str) -> dict[str, str]:
    return {item["kode"]: item["label"] for item in profile.value(name) or []}


def _render(template: str, case: Any, profile: Any, **context: Any) -> str:
    return render_template(f"rehabilitasi_konsol/{template}", k=_head(case, profile), **context)


# -- kegiatan (Perbup Balangan 61/2017 Pasal 19–25) ----------------------------------------------


def _kegiatan_page(case_id: uuid.UUID, form: ConsoleForm | None = None) -> str:
    case, profile = _kasus(case_id)
    per_tahap = profile.value("kegiatan_tahapan") or {}
    pilihan = per_tahap.get(case.stage) or []
    kode_label = {item["kode"]: item["label"] for items in per_tahap.values() for item in items or []}
    form = form or ConsoleForm(KegiatanFormSchema(), {"tanggal": local_today().isoformat()})
    return _render(
        "kegiatan.html", case, profile, form=form, pilihan=pilihan, detail=_detail(case), kode_label=kode_label,
        stage_label=services.STAGE_LABEL,
        temu_bahas=not pilihan or any(item["kode"] == KODE_TEMU_BAHAS for item in pilihan),
    )


@bp.get("/kasus/<uuid:case_id>/kegiatan")
@require(WRITE)
def kegiatan(case_id: uuid.UUID) -> Response:
    return Response(_kegiatan_page(case_id))


@bp.post("/kasus/<uuid:case_id>/kegiatan")
@require(WRITE)
def catat_kegiatan(case_id: uuid.UUID) -> Response:
    """POST /rehabilitasi/kasus/<id>/kegiatan: an activity of the current stage."""

    def action(body: dict[str, Any]) -> str:
        case = services.get_kasus(session(), case_id)
        try:
            services.add_kegiatan(session(), kernel(), current_tenant(), case, body, current_user().id)
        except (RuleViolation, InvalidInput) as exc:
            rename_errors(exc, kegiatan_boxes)
            raise
        return _case_url(case_id)

    return console_submit(ConsoleForm.from_request(KegiatanFormSchema()), action, lambda f: _kegiatan_page(case_id, f))


# -- rencana (Pasal 21) ------------------------------------------------------------------------


def _existing_plan(case: Any) -> Rencana | None:
    return session().scalar(select(Rencana).where(Rencana.case_id == case.id))


def _plan_values(rencana: Rencana | None) -> dict[str, str]:
    if rencana is None:
        return {}
    return {
        "kebutuhan_prioritas": "\n".join(rencana.kebutuhan_prioritas),
        "bentuk": "\n".join(rencana.bentuk),
        "sumber_dana": rencana.sumber_dana,
        "pendekatan": "\n".join(rencana.pendekatan or []),
        "metode": "\n".join(rencana.metode or []),
        "teknik": "\n".join(rencana.teknik or []),
        "rujukan": "\n".join(r["tujuan"] for r in rencana.rujukan),
        "jadwal": jadwal_text(rencana.jadwal),
    }


def _rencana_page(case_id: uuid.UUID, form: ConsoleForm | None = None) -> str:
    case, profile = _kasus(case_id)
    rencana = _existing_plan(case)
    form = form or RencanaForm(RencanaFormSchema(), _plan_values(rencana))
    groups = [
        (name, legend, profile.value(param) or [], profile.citation(param))
        for name, legend, param in (
            ("bentuk", N_("Bentuk rehabilitasi sosial"), "bentuk_rehabilitasi"),
            ("pendekatan", N_("Pendekatan pekerjaan sosial"), "pendekatan"),
            ("metode", N_("Metode pekerjaan sosial"), "metode"),
            ("teknik", N_("Teknik pekerjaan sosial"), "teknik"),
        )
    ]
    return _render(
        "rencana.html", case, profile, form=form, ada=rencana is not None, groups=[g for g in groups if g[2]],
        sumber_dana=profile.value("sumber_dana") or [],
    )


@bp.get("/kasus/<uuid:case_id>/rencana")
@require(WRITE)
def rencana(case_id: uuid.UUID) -> Response:
    return Response(_rencana_page(case_id))


@bp.post("/kasus/<uuid:case_id>/rencana")
@require(WRITE)
def simpan_rencana(case_id: uuid.UUID) -> Response:
    """PUT /rehabilitasi/kasus/<id>/rencana: the plan drawn up or revised."""

    def action(body: dict[str, Any]) -> str:
        case = services.get_kasus(session(), case_id)
        # The form shows a referral's destination only: the institution and note a referral was
        # given through the API stay with it while its destination is kept.
        existing = _existing_plan(case)
        kept = {r["tujuan"]: r for r in (existing.rujukan if existing else [])}
        for r in body["rujukan"]:
            before = kept.get(r["tujuan"], {})
            if before.get("organization_id"):
                r["organization_id"] = uuid.UUID(before["organization_id"])
            if before.get("catatan"):
                r["catatan"] = before["catatan"]
        try:
            services.save_rencana(session(), kernel(), current_tenant(), case, body, current_user().id)
        except (RuleViolation, InvalidInput) as exc:
            rename_errors(exc, rencana_boxes)
            raise
        return _case_url(case_id)

    return console_submit(RencanaForm.from_request(RencanaFormSchema()), action, lambda f: _rencana_page(case_id, f))


# -- terminasi (Pasal 24 ayat (2)) -------------------------------------------------------------


def _terminasi_page(case_id: uuid.UUID, form: ConsoleForm | None = None) -> str:
    case, profile = _kasus(case_id)
    syarat = profile.value("syarat_terminasi") or []
    return _render(
        "terminasi.html", case, profile, form=form or ConsoleForm(TerminasiFormSchema()), hasil=HASIL_LABEL,
        syarat=syarat, syarat_citation=profile.citation("syarat_terminasi") if syarat else None,
        version=request.form.get(CONSOLE_VERSION_FIELD) if form is not None else case.version,
    )


@bp.get("/kasus/<uuid:case_id>/terminasi")
@require(MOVE)
def terminasi(case_id: uuid.UUID) -> Response:
    return Response(_terminasi_page(case_id))


@bp.post("/kasus/<uuid:case_id>/terminasi")
@require(MOVE)
def masuk_terminasi(case_id: uuid.UUID) -> Response:
    """POST /cases/<id>/advance to terminasi with the version the page was drawn from (If-Match)
    and the data of TerminasiSchema; the Perbup's `syarat_terminasi` guard judges it."""

    def action(data: dict[str, Any]) -> str:
        case = services.get_kasus(session(), case_id)
        try:
            with console_page_version() as version:
                advance_case(
                    session(), kernel(), current_tenant(), case, to_stage="terminasi", data=data,
                    expected_version=version, actor_id=current_user().id,
                )
        except (RuleViolation, InvalidInput) as exc:
            rename_errors(exc, terminasi_boxes)
            raise
        return _case_url(case_id)

    return console_submit(ConsoleForm.from_request(TerminasiFormSchema()), action, lambda f: _terminasi_page(case_id, f))


# -- pemantauan (Pasal 40–41) and evaluasi (Pasal 42) ---------------------------------------------


def _pemantauan_page(case_id: uuid.UUID, form: ConsoleForm | None = None) -> str:
    case, profile = _kasus(case_id)
    codes = butir_codes(profile)
    labels = _labels(profile, "butir_pemantauan") or {FREE_BUTIR: N_("Catatan pemantauan")}
    form = form or ConsoleForm(pemantauan_schema(codes), {"tanggal": local_today().isoformat()})
    listed = bool(profile.value("butir_pemantauan"))
    return _render(
        "pemantauan.html", case, profile, form=form, butir=[(c, labels[c]) for c in codes], listed=listed,
        citation=profile.citation("butir_pemantauan") if listed else None, detail=_detail(case),
    )


@bp.get("/kasus/<uuid:case_id>/pemantauan")
@require(WRITE)
def pemantauan(case_id: uuid.UUID) -> Response:
    return Response(_pemantauan_page(case_id))


@bp.post("/kasus/<uuid:case_id>/pemantauan")
@require(WRITE)
def catat_pemantauan(case_id: uuid.UUID) -> Response:
    """POST /rehabilitasi/kasus/<id>/pemantauan: every monitoring item of the profile filled."""
    case, profile = _kasus(case_id)
    codes = butir_codes(profile)

    def action(body: dict[str, Any]) -> str:
        try:
            services.add_pemantauan(session(), kernel(), current_tenant(), case, body, current_user().id)
        except (RuleViolation, InvalidInput) as exc:
            rename_errors(exc, pemantauan_boxes(codes))
            raise
        return url_for("rehabilitasi_konsol.pemantauan", tenant=current_tenant().slug, case_id=case_id) + "#tercatat"

    return console_submit(ConsoleForm.from_request(pemantauan_schema(codes)), action, lambda f: _pemantauan_page(case_id, f))


def _evaluasi_page(case_id: uuid.UUID, form: ConsoleForm | None = None) -> str:
    case, profile = _kasus(case_id)
    form = form or ConsoleForm(EvaluasiCreateSchema(), {"tanggal": local_today().isoformat()})
    interval = profile.value("evaluasi_interval_bulan")
    return _render(
        "evaluasi.html", case, profile, form=form, detail=_detail(case), interval=interval,
        citation=profile.citation("evaluasi_interval_bulan") if interval else None,
    )


@bp.get("/kasus/<uuid:case_id>/evaluasi")
@require(WRITE)
def evaluasi(case_id: uuid.UUID) -> Response:
    return Response(_evaluasi_page(case_id))


@bp.post("/kasus/<uuid:case_id>/evaluasi")
@require(WRITE)
def catat_evaluasi(case_id: uuid.UUID) -> Response:
    """POST /rehabilitasi/kasus/<id>/evaluasi: it also settles the overdue-evaluation warnings."""

    def action(body: dict[str, Any]) -> str:
        case = services.get_kasus(session(), case_id)
        services.add_evaluasi(session(), kernel(), current_tenant(), case, body, current_user().id)
        return url_for("rehabilitasi_konsol.evaluasi", tenant=current_tenant().slug, case_id=case_id) + "#tercatat"

    return console_submit(ConsoleForm.from_request(EvaluasiCreateSchema()), action, lambda f: _evaluasi_page(case_id, f))
