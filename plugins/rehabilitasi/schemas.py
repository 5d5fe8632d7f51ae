"""Schemas of the rehabilitasi plugin: its regulation-profile parameters and its API bodies."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.sdk import CaseSchema

# The seven stages are fixed by the law itself (PP 39/2012 Pasal 7 ayat (2); Perbup Balangan
# 61/2017 Pasal 18 ayat (1)); a profile may relabel them but not reorder or replace them.
STAGES = (
    "pendekatan_awal",
    "pengungkapan_pemahaman_masalah",
    "penyusunan_rencana",
    "pemecahan_masalah",
    "resosialisasi",
    "terminasi",
    "bimbingan_lanjut",
)
TEMPAT = ("dalam_lembaga", "luar_lembaga")
PEMBERIAN_DI_LUAR = ("keluarga", "masyarakat")
HASIL_TERMINASI = ("berhasil", "sebagian_berhasil", "tidak_berhasil", "dirujuk", "mengundurkan_diri", "meninggal_dunia")
EDUCATION_ORDER = ("SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3")
CODE = validate.Regexp(r"^[a-z][a-z0-9_]{1,62}$", error="Kode hanya huruf kecil, angka dan garis bawah.")


# -- profile parameters -----------------------------------------------------------------------


class _Item(Schema):
    kode = fields.String(required=True, validate=CODE)
    label = fields.String(required=True, validate=validate.Length(min=1, max=200))
    ayat = fields.Raw(load_default=None)
    huruf = fields.String(load_default=None)


class _Bounds(Schema):
    min = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    max = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))

    @validates_schema
    def _ordered(self, data: dict, **_: object) -> None:
        if data["min"] > data["max"]:
            raise ValidationError("min tidak boleh lebih dari max", "min")


class _Pelaksana(Schema):
    """PP 39/2012 Pasal 8: carried out by a certified and licensed Pekerja Sosial Profesional."""

    wajib = fields.Boolean(required=True)
    sertifikat_wajib = fields.Boolean(required=True)
    izin_praktik_wajib = fields.Boolean(required=True)


class _KualifikasiPeksos(Schema):
    """Perbup Balangan Pasal 27: at least S1 or D-IV in social work (and a certificate)."""

    pendidikan = fields.List(fields.String(validate=validate.OneOf(EDUCATION_ORDER)), required=True, validate=validate.Length(min=1))
    bidang = fields.List(fields.String(validate=validate.Length(min=3, max=100)), required=True, validate=validate.Length(min=1))


class _KualifikasiTks(Schema):
    """Perbup Balangan Pasal 28: at least SMA in social work/welfare, or any bachelor's degree."""

    pendidikan_minimum = fields.String(required=True, validate=validate.OneOf(EDUCATION_ORDER))
    bidang_jika_di_bawah_sarjana = fields.List(fields.String(validate=validate.Length(min=3, max=100)), required=True)


class _Laporan(Schema):
    periode = fields.String(required=True, validate=validate.OneOf(["tahun_anggaran"]))


def _items(required: bool = True) -> fields.List:
    return fields.List(fields.Nested(_Item), required=required)


class RehabilitasiProfileSchema(Schema):
    """Every parameter a rehabilitasi profile sets; a variant overrides only some of them."""

    kelompok_sasaran = _items()
    bentuk_rehabilitasi = _items()
    tahapan = _items()
    kegiatan_tahapan = fields.Dict(
        keys=fields.String(validate=validate.OneOf(STAGES)), values=fields.List(fields.Nested(_Item)), required=True
    )
    tempat_pelaksanaan = fields.List(fields.String(validate=validate.OneOf(TEMPAT)), required=True, validate=validate.Length(min=1))
    durasi_dalam_lembaga_bulan = fields.Nested(_Bounds, allow_none=True, required=True)
    durasi_luar_lembaga_bulan = fields.Nested(_Bounds, allow_none=True, required=True)
    pelaksana_peksos = fields.Nested(_Pelaksana, required=True)
    kualifikasi_peksos = fields.Nested(_KualifikasiPeksos, allow_none=True, required=True)
    kualifikasi_tks = fields.Nested(_KualifikasiTks, allow_none=True, required=True)
    maks_kasus_per_peksos = fields.Integer(allow_none=True, required=True, strict=True, validate=validate.Range(min=1))
    syarat_terminasi = fields.List(
        fields.String(validate=validate.OneOf(["identifikasi_keberhasilan", "kunjungan_keluarga"])), required=True
    )
    prinsip = _items()
    pendekatan = _items()
    metode = _items()
    teknik = _items()
    butir_pemantauan = _items()
    evaluasi_interval_bulan = fields.Integer(allow_none=True, required=True, strict=True, validate=validate.Range(min=1, max=60))
    sumber_dana = _items()
    laporan_tahunan = fields.Nested(_Laporan, required=True)

    @validates_schema
    def _stages_are_the_laws(self, data: dict, **_: object) -> None:
        codes = tuple(i["kode"] for i in data.get("tahapan", []))
        if codes and codes != STAGES:
            raise ValidationError(f"tahapan harus tepat: {', '.join(STAGES)}", "tahapan")


# -- case data and stage moves ------------------------------------------------------------------

KODE_TEMU_BAHAS = "temu_bahas_kasus"


class KasusDataSchema(Schema):
    """`data` of a rehabilitasi_sosial case. Structure only: which groups, settings and durations
    the law allows is judged by the rules against the case's pinned profile."""

    kelompok_sasaran = fields.List(fields.String(validate=CODE), required=True, validate=validate.Length(min=1, max=20))
    tempat = fields.String(required=True, validate=validate.OneOf(TEMPAT))
    lembaga_id = fields.UUID(load_default=None, allow_none=True)
    lingkup = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(PEMBERIAN_DI_LUAR))
    rencana_mulai = fields.Date(required=True)
    rencana_selesai = fields.Date(required=True)

    @validates_schema
    def _consistent(self, data: dict, **_: object) -> None:
        errors: dict[str, list[str]] = {}
        mulai, selesai = data.get("rencana_mulai"), data.get("rencana_selesai")
        if mulai and selesai and selesai <= mulai:
            errors["rencana_selesai"] = ["Rencana selesai harus sesudah rencana mulai."]
        if data.get("tempat") == "luar_lembaga":
            if not data.get("lingkup"):
                errors["lingkup"] = ["Wajib diisi (keluarga atau masyarakat) untuk rehabilitasi di luar lembaga."]
            if data.get("lembaga_id"):
                errors["lembaga_id"] = ["Rehabilitasi di luar lembaga tidak memakai lembaga."]
        elif data.get("tempat") == "dalam_lembaga":
            if not data.get("lembaga_id"):
                errors["lembaga_id"] = ["Wajib diisi (panti sosial pemerintah atau LKS) untuk rehabilitasi di dalam lembaga."]
            if data.get("lingkup"):
                errors["lingkup"] = ["Lingkup hanya untuk rehabilitasi di luar lembaga."]
        if errors:
            raise ValidationError(errors)


class CatatanTahapSchema(Schema):
    """Data of an ordinary move: an optional note."""

    catatan = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))


class IdentifikasiKeberhasilanSchema(Schema):
    """Perbup Balangan 61/2017 Pasal 24 ayat (2) huruf a."""

    biopsikososial = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    spiritual = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class KunjunganKeluargaSchema(Schema):
    """Perbup Balangan 61/2017 Pasal 24 ayat (2) huruf b."""

    tanggal = fields.Date(required=True)
    pihak = fields.String(required=True, validate=validate.Length(min=1, max=300))
    catatan = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class TerminasiSchema(Schema):
    """Entering terminasi: the outcome, and what the profile's `syarat_terminasi` asks for."""

    identifikasi_keberhasilan = fields.Nested(IdentifikasiKeberhasilanSchema, load_default=None, allow_none=True)
    kunjungan_keluarga = fields.Nested(KunjunganKeluargaSchema, load_default=None, allow_none=True)
    hasil = fields.String(required=True, validate=validate.OneOf(HASIL_TERMINASI))
    catatan = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))


# -- plugin API bodies --------------------------------------------------------------------------


class KasusCreateSchema(Schema):
    person_id = fields.UUID(required=True)
    data = fields.Dict(required=True, metadata={"description": "data kasus (kelompok_sasaran, tempat, lembaga_id, lingkup, rencana_mulai, rencana_selesai)"})
    petugas_utama_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "Pekerja Sosial Profesional utama (opsional)"})


class KasusSchema(CaseSchema):
    """A rehabilitation case as listed: the kernel's case fields for a person's case."""

    class Meta:
        exclude = ("plugin", "subject_type", "household_id", "organization_id", "community_name", "summary")


class KegiatanCreateSchema(Schema):
    kode = fields.String(required=True, validate=CODE)
    tanggal = fields.Date(required=True)
    pelaksana_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "bawaan: pengguna yang mencatat"})
    catatan = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=8000))
    rincian = fields.Dict(load_default=dict)

    @validates_schema
    def _temu_bahas(self, data: dict, **_: object) -> None:
        """A case conference (temu bahas kasus) records who took part and what was concluded."""
        if data.get("kode") != KODE_TEMU_BAHAS:
            return
        rincian = data.get("rincian") or {}
        errors: dict[str, list[str]] = {}
        peserta = rincian.get("peserta")
        if not isinstance(peserta, list) or not peserta or not all(isinstance(p, str) and p.strip() for p in peserta):
            errors["peserta"] = ["Temu bahas kasus wajib mencatat daftar peserta (tidak kosong)."]
        kesimpulan = rincian.get("kesimpulan")
        if not isinstance(kesimpulan, str) or not kesimpulan.strip():
            errors["kesimpulan"] = ["Temu bahas kasus wajib mencatat kesimpulan."]
        if errors:
            raise ValidationError({"rincian": errors})


class KegiatanSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    tahap = fields.String()
    kode = fields.String()
    tanggal = fields.Date()
    pelaksana_id = fields.UUID()
    catatan = fields.String(allow_none=True)
    rincian = fields.Dict(allow_none=True)
    dicatat_pada = fields.DateTime()


class RujukanSchema(Schema):
    tujuan = fields.String(required=True, validate=validate.Length(min=1, max=300))
    organization_id = fields.UUID(load_default=None, allow_none=True)
    catatan = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class JadwalSchema(Schema):
    kegiatan = fields.String(required=True, validate=validate.Length(min=1, max=300))
    mulai = fields.Date(required=True)
    selesai = fields.Date(required=True)

    @validates_schema
    def _ordered(self, data: dict, **_: object) -> None:
        if data.get("mulai") and data.get("selesai") and data["selesai"] < data["mulai"]:
            raise ValidationError("Tanggal selesai tidak boleh sebelum tanggal mulai.", "selesai")


class RencanaBodySchema(Schema):
    """The plan (Perbup Balangan 61/2017 Pasal 21): priorities, forms of rehabilitation and
    referrals, the agreed schedule, and the funding source."""

    kebutuhan_prioritas = fields.List(fields.String(validate=validate.Length(min=1, max=500)), required=True, validate=validate.Length(min=1, max=50))
    bentuk = fields.List(fields.String(validate=CODE), required=True, validate=validate.Length(min=1, max=11))
    rujukan = fields.List(fields.Nested(RujukanSchema), load_default=list, validate=validate.Length(max=50))
    jadwal = fields.List(fields.Nested(JadwalSchema), load_default=list, validate=validate.Length(max=200))
    sumber_dana = fields.String(required=True, validate=validate.Length(min=1, max=100))
    pendekatan = fields.List(fields.String(validate=validate.Length(min=1, max=63)), load_default=list)
    metode = fields.List(fields.String(validate=validate.Length(min=1, max=63)), load_default=list)
    teknik = fields.List(fields.String(validate=validate.Length(min=1, max=63)), load_default=list)


class RencanaSchema(RencanaBodySchema):
    id = fields.UUID()
    case_id = fields.UUID()
    rujukan = fields.List(fields.Dict())
    jadwal = fields.List(fields.Dict())
    disusun_oleh = fields.UUID()
    diperbarui_pada = fields.DateTime()


class PemantauanCreateSchema(Schema):
    tanggal = fields.Date(required=True)
    butir = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=63)),
        values=fields.String(validate=validate.Length(max=4000)),
        required=True,
        metadata={"description": "isi per butir pemantauan profil (Perbup Balangan 61/2017 Pasal 41)"},
    )


class PemantauanSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    tanggal = fields.Date()
    butir = fields.Dict(allow_none=True)
    pencatat_id = fields.UUID()
    dicatat_pada = fields.DateTime()


class EvaluasiCreateSchema(Schema):
    tanggal = fields.Date(required=True)
    hasil = fields.String(required=True, validate=validate.Length(min=1, max=8000))
    rekomendasi = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=8000))


class EvaluasiSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    tanggal = fields.Date()
    hasil = fields.String(allow_none=True)
    rekomendasi = fields.String(allow_none=True)
    evaluator_id = fields.UUID()
    dicatat_pada = fields.DateTime()


class PeringatanSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    jenis = fields.String()
    jatuh_tempo = fields.Date()
    pesan = fields.String()
    citation = fields.String()
    dibuat_pada = fields.DateTime()
    selesai_pada = fields.DateTime(allow_none=True)


class KasusDetailSchema(KasusSchema):
    catatan_disembunyikan = fields.Boolean(metadata={"description": "true bila catatan tidak boleh dibaca pengguna ini (Perbup Balangan 61/2017 Pasal 29 huruf b)"})
    kegiatan = fields.List(fields.Nested(KegiatanSchema))
    rencana = fields.Nested(RencanaSchema, allow_none=True)
    pemantauan = fields.List(fields.Nested(PemantauanSchema))
    evaluasi = fields.List(fields.Nested(EvaluasiSchema))
    peringatan = fields.List(fields.Nested(PeringatanSchema))
