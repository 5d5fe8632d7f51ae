"""The tenant's dashboard as JSON: the same figures the console draws as charts (core/dashboard.py)."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from core.api.common import current_tenant, current_user, has_permission, kernel, require, session, tenant_blueprint
from core.dashboard import MAX_MONTHS, dashboard

blp = tenant_blueprint("dasbor", __name__, "dasbor", "Dasbor: kasus per layanan dan tahap, per bulan, tenggat terlambat, beban kerja")
BLUEPRINTS = [blp]


class DashboardQuerySchema(Schema):
    bulan = fields.Integer(
        load_default=12,
        validate=validate.Range(min=1, max=MAX_MONTHS, error=f"Jumlah bulan harus antara 1 dan {MAX_MONTHS}."),
        metadata={"description": "berapa bulan terakhir (WIB) pada grafik kasus baru dan ditutup"},
    )


class StageCountSchema(Schema):
    code = fields.String()
    label = fields.String()
    terbuka = fields.Integer()
    ditutup = fields.Integer()


class CaseTypeCountsSchema(Schema):
    plugin = fields.String()
    case_type = fields.String()
    label = fields.String()
    terbuka = fields.Integer()
    ditutup = fields.Integer()
    tahap = fields.List(fields.Nested(StageCountSchema))


class MonthCountSchema(Schema):
    bulan = fields.String(metadata={"description": "YYYY-MM"})
    label = fields.String()
    baru = fields.Integer(metadata={"description": "kasus dibuka pada bulan itu"})
    ditutup = fields.Integer(metadata={"description": "kasus ditutup pada bulan itu"})


class OverdueCountSchema(Schema):
    plugin = fields.String()
    jumlah = fields.Integer()


class OverdueItemSchema(Schema):
    case_id = fields.UUID()
    kode = fields.String(metadata={"description": "label singkat kasus, tanpa data pribadi"})
    plugin = fields.String()
    case_type = fields.String()
    jenis_kasus = fields.String()
    tahap = fields.String()
    tahap_label = fields.String()
    jenis = fields.String(metadata={"description": "apa yang terlambat"})
    jatuh_tempo = fields.Date(metadata={"description": "hari terakhir yang masih tepat waktu"})
    hari_terlambat = fields.Integer()
    satuan = fields.String(metadata={"description": "'hari kerja' atau 'hari'"})
    citation = fields.String()


class CaseloadSchema(Schema):
    user_id = fields.UUID()
    nama = fields.String()
    peran = fields.List(fields.String())
    kasus_terbuka = fields.Integer()


class CaseloadsSchema(Schema):
    rows = fields.List(fields.Nested(CaseloadSchema), data_key="petugas")
    jumlah_petugas = fields.Integer()
    jumlah_penugasan = fields.Integer()
    lengkap = fields.Boolean(metadata={"description": "false: hanya baris Anda sendiri (tanpa izin dasbor.beban_kerja)"})


class DashboardSchema(Schema):
    tanggal = fields.Date()
    bulan = fields.Integer()
    per_jenis = fields.List(fields.Nested(CaseTypeCountsSchema))
    per_bulan = fields.List(fields.Nested(MonthCountSchema))
    terlambat_jumlah = fields.Integer()
    terlambat_per_layanan = fields.List(fields.Nested(OverdueCountSchema))
    terlambat = fields.List(fields.Nested(OverdueItemSchema))
    beban_kerja = fields.Nested(CaseloadsSchema)


@blp.get("")
@require("cases.read")
@blp.arguments(DashboardQuerySchema, location="query")
@blp.response(200, DashboardSchema)
def show_dashboard(query: dict[str, Any]) -> Any:
    """Dasbor kabupaten/kota: kasus per layanan dan tahap, kasus baru dan ditutup per bulan,
    tenggat yang terlambat, dan beban kerja Peksos/TKS (per nama hanya untuk izin
    dasbor.beban_kerja; peran lain melihat baris sendiri dan totalnya)."""
    own = None if has_permission("dasbor.beban_kerja") else current_user().id
    d = dashboard(session(), kernel(), current_tenant(), months=query["bulan"], caseload_of=own)
    return {
        **{k: getattr(d, k) for k in ("tanggal", "bulan", "per_jenis", "terlambat_jumlah", "terlambat_per_layanan", "terlambat", "beban_kerja")},
        "per_bulan": [{"bulan": m.bulan.strftime("%Y-%m"), "label": m.label, "baru": m.baru, "ditutup": m.ditutup} for m in d.per_bulan],
    }
