"""The LKS service's console pages (kesos_register_console), mounted at /konsol/<tenant>/lks.

The desk of the Dinas Sosial (applications with their due date and overdue mark, the documents
checklist, declaring complete, issuing the tanda pendaftaran, foreign LKS with their permits
and sanctions ladder) and the LKS operator's own registration, uploads and reports. Each view
calls the same service and checks the same permission as its API route (api.py, api_asing.py),
and sees what the API's scope lets the user see: an operator's other-LKS ids answer 404.
"""
from __future__ import annotations

import uuid
from typing import Any

from pathlib import Path

from flask import Blueprint, Response, render_template, request, url_for

from core.sdk import (
    ConsoleContribution,
    ConsoleForm,
    InvalidInput,
    MenuEntry,
    accepts_upload,
    advance_case,
    console_submit,
    current_roles,
    current_tenant,
    current_user,
    has_permission,
    kernel,
    require,
    session,
)

from . import asing, cetak, dokumen, pendaftaran
from .access import get_lembaga, lingkup
from .console_forms import LembagaFormSchema, to_boxes
from .models import Lembaga
from .schemas import LaporanFormSchema, LengkapSchema, PendaftaranQuerySchema, TerbitkanSchema, UnggahSchema
from .workflow import STAGE_LABELS

bp = Blueprint("lks_konsol", __name__, template_folder="templates")
PER_PAGE = 50
TRANSLATIONS = Path(__file__).resolve().parent / "translations"  # the plugin's own catalogue


def N_(text: str) -> str:
    """A text for the plugin's catalogue, translated where it is shown (the menu)."""
    return text


def contribution() -> ConsoleContribution:
    return ConsoleContribution(
        title=N_("Pendaftaran dan Perizinan LKS"),
        menu=[
            MenuEntry(N_("Permohonan pendaftaran"), "lks_konsol.daftar_pendaftaran", "lks.read"),
            MenuEntry(N_("Daftarkan LKS"), "lks_konsol.formulir_pendaftaran", "lks.ajukan"),
            MenuEntry(N_("LKS Asing"), "lks_konsol.daftar_asing", "lks.read"),
        ],
        blueprints=[bp],
        translations=TRANSLATIONS,
    )


def _scope() -> Any:
    return lingkup(session(), current_user().id, current_roles())


def _slug() -> str:
    return current_tenant().slug


# -- applications ----------------------------------------------------------------------------------


def _halaman() -> int:
    try:
        return max(1, int(request.args.get("halaman", "1")))
    except ValueError:
        return 1


@bp.get("/pendaftaran")
@require("lks.read")
def daftar_pendaftaran() -> Response:
    """The list of GET /lks/pendaftaran, with its filters (stage, overdue)."""
    wanted = {k: v for k, v in request.args.items() if k in ("stage", "terlambat") and v.strip()}
    filters = ConsoleForm(PendaftaranQuerySchema(), wanted)
    halaman = _halaman()
    rows: list[dict[str, Any]] = []
    more = False
    status = 200
    if filters.validate():
        stmt = pendaftaran.query(_scope(), filters.data.get("stage"), filters.data.get("terlambat"))
        found = session().execute(stmt.limit(PER_PAGE + 1).offset((halaman - 1) * PER_PAGE)).all()
        more = len(found) > PER_PAGE
        rows = [pendaftaran.out(*row) for row in found[:PER_PAGE]]
    else:
        status = 422
    page = render_template(
        "lks_konsol/pendaftaran.html", rows=rows, filters=filters, stages=STAGE_LABELS, halaman=halaman, more=more,
        args={k: v for k, v in wanted.items()},
    )
    return Response(page, status)


def _form_page(form: ConsoleForm) -> str:
    return render_template("lks_konsol/daftar.html", form=form, kode_tenant=current_tenant().kode_wilayah)


@bp.get("/pendaftaran/baru")
@require("lks.ajukan")
def formulir_pendaftaran() -> Response:
    form = ConsoleForm(LembagaFormSchema(), {"kode_wilayah": current_tenant().kode_wilayah, "wilayah_kerja": current_tenant().kode_wilayah})
    return Response(_form_page(form))


@bp.post("/pendaftaran")
@require("lks.ajukan")
def ajukan() -> Response:
    """POST /lks/pendaftaran with a new LKS (Pasal 57): the service records, links an operator
    to it, and refers one working beyond this kabupaten/kota."""

    def action(body: dict[str, Any]) -> str:
        try:
            case = pendaftaran.ajukan(session(), kernel(), current_tenant(), body, _scope(), current_user().id)
        except InvalidInput as exc:
            raise InvalidInput(to_boxes(exc.errors or {}), exc.message) from None
        return url_for("lks_konsol.permohonan", tenant=_slug(), case_id=case.id)

    return console_submit(ConsoleForm.from_request(LembagaFormSchema()), action, _form_page)


def _permohonan_page(case_id: uuid.UUID, failed: dict[str, ConsoleForm] | None = None) -> str:
    case, p = pendaftaran.get_pendaftaran(session(), case_id, _scope())
    d = pendaftaran.detail(session(), kernel(), current_tenant(), case, p)
    forms = {"unggah": ConsoleForm(UnggahSchema()), "lengkap": ConsoleForm(LengkapSchema()), "terbitkan": ConsoleForm(TerbitkanSchema())}
    forms.update(failed or {})
    return render_template(
        "lks_konsol/permohonan.html", d=d, forms=forms, stages=STAGE_LABELS,
        can_ajukan=has_permission("lks.ajukan"), can_proses=has_permission("lks.proses"),
    )


@bp.get("/pendaftaran/<uuid:case_id>")
@require("lks.read")
def permohonan(case_id: uuid.UUID) -> Response:
    return Response(_permohonan_page(case_id))


@bp.post("/pendaftaran/<uuid:case_id>/dokumen")
@require("lks.ajukan")
@accepts_upload(files=1)
def unggah(case_id: uuid.UUID) -> Response:
    """POST /lks/pendaftaran/<id>/dokumen: one attachment of Pasal 57 ayat (3)."""
    case, p = pendaftaran.get_pendaftaran(session(), case_id, _scope())

    def action(data: dict[str, Any]) -> str:
        berkas = dokumen.Berkas.of(request.files.get("berkas"))
        pendaftaran.unggah(session(), kernel(), current_tenant(), case, p, data["jenis"], berkas, current_user().id)
        return url_for("lks_konsol.permohonan", tenant=_slug(), case_id=case_id) + "#persyaratan"

    return console_submit(ConsoleForm.from_request(UnggahSchema()), action, lambda f: _permohonan_page(case_id, {"unggah": f}))


def _advance(case_id: uuid.UUID, to_stage: str, schema: Any, form_name: str) -> Response:
    case, _ = pendaftaran.get_pendaftaran(session(), case_id, _scope())
    # The version the page was shown at: a move made meanwhile by someone else is refused (412),
    # as the API's If-Match refuses it.
    try:
        version = int(request.form.get("versi", case.version))
    except ValueError:
        version = -1

    def action(data: dict[str, Any]) -> str:
        values = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items() if v is not None}
        advance_case(session(), kernel(), current_tenant(), case, to_stage=to_stage, data=values, expected_version=version, actor_id=current_user().id)
        return url_for("lks_konsol.permohonan", tenant=_slug(), case_id=case_id)

    return console_submit(ConsoleForm.from_request(schema), action, lambda f: _permohonan_page(case_id, {form_name: f}))


@bp.post("/pendaftaran/<uuid:case_id>/lengkap")
@require("lks.proses")
def lengkap(case_id: uuid.UUID) -> Response:
    """POST /lks/pendaftaran/<id>/lengkap: the 14 working days of Pasal 58 start."""
    return _advance(case_id, "lengkap", LengkapSchema(), "lengkap")


@bp.post("/pendaftaran/<uuid:case_id>/terbitkan")
@require("lks.proses")
def terbitkan(case_id: uuid.UUID) -> Response:
    """POST /lks/pendaftaran/<id>/terbitkan: the numbered tanda pendaftaran."""
    return _advance(case_id, "terdaftar", TerbitkanSchema(), "terbitkan")


@bp.get("/pendaftaran/<uuid:case_id>/tanda-pendaftaran")
@require("lks.read")
def tanda_pendaftaran(case_id: uuid.UUID) -> Response:
    """The printable letter the API renders (cetak.py), with the same strict policy."""
    from .api import _html

    case, p = pendaftaran.get_pendaftaran(session(), case_id, _scope())
    return _html(cetak.tanda_pendaftaran(session(), kernel(), current_tenant(), case, p))


@bp.get("/dokumen/<uuid:dokumen_id>/berkas")
@require("lks.read")
def berkas(dokumen_id: uuid.UUID) -> Response:
    d = dokumen.get_dokumen(session(), dokumen_id, _scope())
    response = Response(dokumen.buka(kernel(), d), content_type=d.media_type, direct_passthrough=True)
    response.headers["Content-Disposition"] = f'attachment; filename="{d.nama_berkas}"'
    return response


# -- foreign LKS ---------------------------------------------------------------------------------


@bp.get("/asing")
@require("lks.read")
def daftar_asing() -> Response:
    """GET /lks/asing, each with its permits and where it stands on the sanctions ladder."""
    from .lembaga import query as lembaga_query

    halaman = _halaman()
    stmt = lembaga_query(_scope()).where(Lembaga.asing.is_(True))
    found = session().execute(stmt.limit(PER_PAGE + 1).offset((halaman - 1) * PER_PAGE)).all()
    # the whole page's permits, reports and breaches in a fixed number of queries (asing.details)
    items = asing.details(session(), kernel(), current_tenant(), [(org, lembaga) for org, lembaga, _s, _n in found[:PER_PAGE]])
    return Response(render_template(
        "lks_konsol/asing.html", items=items, izin_labels=asing.IZIN_LABELS, halaman=halaman, more=len(found) > PER_PAGE,
    ))


def _asing_page(organization_id: uuid.UUID, form: ConsoleForm | None = None) -> str:
    org, lembaga = get_lembaga(session(), organization_id, _scope(), asing=True)
    item = asing.detail(session(), kernel(), current_tenant(), org, lembaga)
    return render_template(
        "lks_konsol/asing_lembaga.html", item=item, izin_labels=asing.IZIN_LABELS,
        form=form or ConsoleForm(LaporanFormSchema()), can_ajukan=has_permission("lks.ajukan"),
    )


@bp.get("/asing/<uuid:organization_id>")
@require("lks.read")
def lembaga_asing(organization_id: uuid.UUID) -> Response:
    return Response(_asing_page(organization_id))


@bp.post("/asing/<uuid:organization_id>/laporan")
@require("lks.ajukan")
@accepts_upload(files=1)
def laporan(organization_id: uuid.UUID) -> Response:
    """POST /lks/asing/<id>/laporan: the periodic report of Pasal 62 with its document."""
    org, lembaga = get_lembaga(session(), organization_id, _scope(), asing=True)

    def action(data: dict[str, Any]) -> str:
        berkas = dokumen.Berkas.of(request.files.get("berkas"))
        asing.laporkan(session(), kernel(), current_tenant(), org, lembaga, data, berkas, current_user().id)
        return url_for("lks_konsol.lembaga_asing", tenant=_slug(), organization_id=organization_id) + "#laporan"

    return console_submit(ConsoleForm.from_request(LaporanFormSchema()), action, lambda f: _asing_page(organization_id, f))

