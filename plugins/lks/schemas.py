"""Schemas of the LKS plugin: its regulation-profile parameters and its API bodies.

Bodies check shape only (types, lengths, dates in order, whole rupiah); what the law allows is
judged by the rules against the tenant's profile, so a refusal there cites its article.
"""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from core.sdk import CaseSchema, is_kabupaten_code

CODE = validate.Regexp(r"^[a-z][a-z0-9_]{1,62}$", error="Kode hanya huruf kecil, angka dan garis bawah.")
LADDER_STEPS = ("peringatan_tertulis", "penghentian_sementara", "denda_administratif", "pencabutan_izin")
KEWENANGAN = ("kementerian", "provinsi", "kabupaten_kota")


# -- profile parameters -----------------------------------------------------------------------


class _Item(Schema):
    kode = fields.String(required=True, validate=CODE)
    label = fields.String(required=True, validate=validate.Length(min=1, max=300))
    huruf = fields.String(load_default=None)


class _Dokumen(_Item):
    # "semua": every applicant attaches it; "badan_hukum": only a legal entity (Pasal 57 (3) b)
    wajib = fields.String(load_default="semua", validate=validate.OneOf(["semua", "badan_hukum"]))


class _SyaratAsing(Schema):
    badan_hukum = fields.Boolean(required=True)
    hubungan_diplomatik = fields.Boolean(required=True)


class _Peringatan(Schema):
    jumlah = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10))
    selang_hari_kerja = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=120))


class _Setelah(Schema):
    setelah_hari_kerja = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=120))


def _items(schema: type[Schema] = _Item) -> fields.List:
    return fields.List(fields.Nested(schema), required=True, validate=validate.Length(min=1))


def _rupiah() -> fields.Integer:
    return fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


def _steps() -> fields.List:
    return fields.List(fields.String(validate=validate.OneOf(LADDER_STEPS)), required=True, validate=validate.Length(min=1))


class LksProfileSchema(Schema):
    """Every parameter an LKS profile sets; a variant overrides only some of them."""

    kewenangan_pendaftaran = _items()
    dokumen_pendaftaran = _items(_Dokumen)
    tanpa_biaya = fields.Boolean(required=True)
    batas_tanda_pendaftaran_hari_kerja = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=120))
    pengingat_hari_kerja = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=60))
    syarat_lks_asing = fields.Nested(_SyaratAsing, required=True)
    izin_kemenlu_sebelum_operasional = fields.Boolean(required=True)
    dokumen_izin_kemenlu = _items()
    dokumen_izin_operasional = _items()
    penolakan_tertulis = fields.Boolean(required=True)
    izin_teknis_setelah_operasional = fields.Boolean(required=True)
    periode_laporan_bulan = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=36))
    sanksi_tidak_terdaftar = _items()
    sanksi_tanpa_izin = _steps()
    denda_maks_tanpa_izin = _rupiah()
    sanksi_tidak_melapor = _steps()
    denda_maks_tidak_melapor = _rupiah()
    penetap_sanksi = fields.String(required=True, validate=validate.Length(min=1, max=200))
    peringatan_tertulis = fields.Nested(_Peringatan, required=True)
    penghentian_sementara = fields.Nested(_Setelah, required=True)
    denda_administratif = fields.Nested(_Setelah, required=True)

    @validates_schema
    def _authorities_are_the_laws(self, data: dict[str, Any], **_: object) -> None:
        codes = {i["kode"] for i in data.get("kewenangan_pendaftaran", [])}
        if codes and codes != set(KEWENANGAN):
            raise ValidationError(f"kewenangan_pendaftaran harus memuat tepat: {', '.join(KEWENANGAN)}", "kewenangan_pendaftaran")


# -- the institution ----------------------------------------------------------------------------


class PengurusSchema(Schema):
    nama = fields.String(required=True, validate=validate.Length(min=1, max=200))
    jabatan = fields.String(required=True, validate=validate.Length(min=1, max=100))
    telepon = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^\+?[0-9][0-9 -]{5,19}$", error="Nomor telepon tidak sah."))
    email = fields.Email(load_default=None, allow_none=True)


def _wilayah_kerja() -> fields.List:
    return fields.List(
        fields.String(), required=True, validate=validate.Length(min=1, max=600, error="Wilayah kerja wajib diisi (paling sedikit 1 kabupaten/kota)."),
        metadata={"description": "kode wilayah Kemendagri kabupaten/kota, mis. 63.11"},
    )


class LembagaBodySchema(Schema):
    """An LKS as its board describes it (PP 39/2012 Pasal 57)."""

    nama = fields.String(required=True, validate=validate.Length(min=3, max=300))
    berbadan_hukum = fields.Boolean(required=True)
    alamat = fields.String(required=True, validate=validate.Length(min=5, max=500))
    kode_wilayah = fields.String(load_default=None, allow_none=True, metadata={"description": "kode wilayah alamat (kabupaten/kota atau lebih rinci)"})
    npwp = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[0-9.\-]{15,20}$", error="NPWP terdiri atas 15 atau 16 angka."))
    pengurus = fields.List(fields.Nested(PengurusSchema), required=True, validate=validate.Length(min=1, max=50, error="Pengurus wajib diisi (paling sedikit 1 orang)."))
    kegiatan = fields.List(fields.String(validate=validate.Length(min=3, max=300)), required=True, validate=validate.Length(min=1, max=50))
    wilayah_kerja = _wilayah_kerja()

    @validates("wilayah_kerja")
    def _codes(self, value: list[str], **_: object) -> None:
        check_wilayah_kerja(value)


def check_wilayah_kerja(codes: list[str]) -> None:
    """Kabupaten/kota codes only, each once. Whether a code exists is judged by the service
    against the kernel's region data (it may know more provinces later)."""
    errors: dict[int, list[str]] = {}
    for i, code in enumerate(codes):
        if not is_kabupaten_code(code):
            errors[i] = [f"'{code}' bukan kode kabupaten/kota Kemendagri (bentuk NN.NN, mis. 63.11)."]
        elif codes.index(code) != i:
            errors[i] = [f"Kode {code} disebut lebih dari sekali."]
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]


class PermohonanSchema(Schema):
    """A registration application: a new LKS, or one already known to the Dinas Sosial."""

    organization_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "LKS yang sudah tercatat (tanpa data lembaga)"})
    lembaga = fields.Nested(LembagaBodySchema, load_default=None, allow_none=True)

    @validates_schema
    def _one_of(self, data: dict[str, Any], **_: object) -> None:
        if bool(data.get("organization_id")) == bool(data.get("lembaga")):
            raise ValidationError("Isi salah satu: organization_id (LKS yang sudah tercatat) atau lembaga (LKS baru).", "lembaga")


class LembagaAsingBodySchema(LembagaBodySchema):
    """A foreign LKS (PP 39/2012 Pasal 59 ayat (1))."""

    negara_asal = fields.String(required=True, validate=validate.Length(min=2, max=100))
    hubungan_diplomatik = fields.Boolean(required=True, metadata={"description": "negara asal memiliki hubungan diplomatik dengan Indonesia"})
    periode_laporan_bulan = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=36))


# -- documents and decisions --------------------------------------------------------------------


def _file(description: str = "PDF, JPEG atau PNG") -> fields.Raw:
    """A file part of a multipart body: documented here, read from request.files by the view
    (webargs' form location holds the text fields only)."""
    return fields.Raw(load_default=None, metadata={"type": "string", "format": "binary", "description": description})


class UnggahSchema(Schema):
    jenis = fields.String(required=True, validate=CODE, metadata={"description": "kode dokumen dari profil (mis. npwp)"})
    berkas = _file()


class DokumenSchema(Schema):
    id = fields.UUID()
    jenis = fields.String()
    label = fields.String(allow_none=True)
    nama_berkas = fields.String()
    media_type = fields.String()
    ukuran = fields.Integer()
    sha256 = fields.String()
    diunggah_oleh = fields.UUID()
    diunggah_pada = fields.DateTime()


class LengkapSchema(Schema):
    tanggal = fields.Date(load_default=None, allow_none=True, metadata={"description": "tanggal persyaratan dinyatakan lengkap (bawaan: hari ini)"})
    catatan = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class TerbitkanSchema(Schema):
    catatan = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class _Tanggal(Schema):
    """Dates of a permit: issued, from, until — in that order."""

    tanggal = fields.Date(required=True)
    berlaku_mulai = fields.Date(load_default=None, allow_none=True)
    berlaku_sampai = fields.Date(load_default=None, allow_none=True)

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_: object) -> None:
        mulai = data.get("berlaku_mulai") or data.get("tanggal")
        sampai = data.get("berlaku_sampai")
        if data.get("berlaku_mulai") and data.get("tanggal") and data["berlaku_mulai"] < data["tanggal"]:
            raise ValidationError("Berlaku mulai tidak boleh sebelum tanggal izin.", "berlaku_mulai")
        if mulai and sampai and sampai <= mulai:
            raise ValidationError("Berlaku sampai harus sesudah berlaku mulai.", "berlaku_sampai")


class IzinFormSchema(_Tanggal):
    """A decision on a foreign LKS's permit, with its documents as files named by their code
    (the codes of the profile's `dokumen_izin_kemenlu` / `dokumen_izin_operasional`; a refusal:
    `surat_penolakan`)."""

    status_badan_hukum = _file("59 ayat (3) huruf a / ayat (5) huruf a")
    rekomendasi_perwakilan = _file("59 ayat (3) huruf b")
    proposal_kerja_sama = _file("59 ayat (3) huruf c / ayat (5) huruf b")
    sumber_dana_3_tahun = _file("59 ayat (3) huruf d")
    rancangan_perjanjian = _file("59 ayat (3) huruf e / ayat (5) huruf d")
    mitra_kerja_lokal = _file("59 ayat (5) huruf c")
    izin_kemenlu = _file("59 ayat (5) huruf e")
    surat_penolakan = _file("59 ayat (8): penolakan tertulis")

    jenis = fields.String(required=True, validate=validate.OneOf(["kemenlu", "operasional"]))
    keputusan = fields.String(required=True, validate=validate.OneOf(["diberikan", "ditolak"]))
    nomor = fields.String(required=True, validate=validate.Length(min=1, max=100))
    penerbit = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    alasan = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))

    @validates_schema
    def _decision(self, data: dict[str, Any], **_: object) -> None:
        if data.get("keputusan") == "ditolak":
            if data.get("jenis") != "operasional":
                raise ValidationError("Penolakan hanya dicatat untuk izin operasional (PP 39/2012 Pasal 59 ayat (8)).", "keputusan")
            if not (data.get("alasan") or "").strip():
                raise ValidationError("Alasan penolakan wajib diisi.", "alasan")
        elif data.get("keputusan") == "diberikan" and not data.get("berlaku_sampai"):
            raise ValidationError("Masa berlaku izin wajib diisi.", "berlaku_sampai")


class IzinTeknisSchema(_Tanggal):
    nomor = fields.String(required=True, validate=validate.Length(min=1, max=100))
    catatan = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class IzinSchema(Schema):
    id = fields.UUID()
    jenis = fields.String()
    keputusan = fields.String()
    nomor = fields.String()
    tanggal = fields.Date()
    berlaku_mulai = fields.Date(allow_none=True)
    berlaku_sampai = fields.Date(allow_none=True)
    penerbit = fields.String(allow_none=True)
    alasan = fields.String(allow_none=True)
    dicabut_pada = fields.Date(allow_none=True)
    dokumen = fields.List(fields.Nested(DokumenSchema))


class LaporanFormSchema(Schema):
    periode_ke = fields.Integer(load_default=None, allow_none=True, strict=False, validate=validate.Range(min=1), metadata={"description": "bawaan: periode terlama yang belum dilaporkan"})
    ringkasan = fields.String(required=True, validate=validate.Length(min=3, max=8000))
    berkas = _file()


class LaporanSchema(Schema):
    id = fields.UUID()
    periode_ke = fields.Integer()
    periode_mulai = fields.Date()
    periode_selesai = fields.Date()
    tanggal_diterima = fields.Date()
    ringkasan = fields.String()
    dokumen = fields.List(fields.Nested(DokumenSchema))


class PelanggaranBodySchema(Schema):
    jenis = fields.String(required=True, validate=validate.OneOf(["tanpa_izin_operasional", "tanpa_izin_teknis"]))
    tanggal_temuan = fields.Date(required=True)
    uraian = fields.String(required=True, validate=validate.Length(min=3, max=4000))


class SanksiTidakTerdaftarSchema(Schema):
    jenis = fields.String(required=True, validate=CODE, metadata={"description": "peringatan_tertulis atau penghentian_sementara (PP 39/2012 Pasal 65 ayat (1))"})
    uraian = fields.String(required=True, validate=validate.Length(min=3, max=4000))


class DendaSchema(Schema):
    jumlah = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, error="Jumlah denda harus bilangan bulat rupiah lebih dari 0."),
        metadata={"description": "rupiah, bilangan bulat"},
    )


class PencabutanSchema(Schema):
    uraian = fields.String(required=True, validate=validate.Length(min=3, max=4000))


class SanksiSchema(Schema):
    id = fields.UUID()
    organization_id = fields.UUID()
    nama_lembaga = fields.String()
    pelanggaran_id = fields.UUID()
    pelanggaran = fields.String()
    langkah = fields.String()
    label = fields.String()
    urutan = fields.Integer()
    tanggal = fields.Date()
    citation = fields.String()
    uraian = fields.String()
    jumlah_denda = fields.Integer(allow_none=True)
    denda_maksimum = fields.Integer(allow_none=True)
    otomatis = fields.Boolean()
    dibuat_pada = fields.DateTime()


class PelanggaranSchema(Schema):
    id = fields.UUID()
    jenis = fields.String()
    label = fields.String()
    periode_ke = fields.Integer(allow_none=True)
    tanggal_mulai = fields.Date()
    uraian = fields.String()
    citation = fields.String()
    dipatuhi_pada = fields.Date(allow_none=True)
    berakhir_pada = fields.Date(allow_none=True, metadata={"description": "tangga sanksi berakhir karena izin dicabut"})
    langkah_berikutnya = fields.Dict(allow_none=True)
    sanksi = fields.List(fields.Nested(SanksiSchema))


class PengaturanSchema(Schema):
    format_nomor = fields.String(
        required=True, validate=validate.Length(min=6, max=100),
        metadata={"description": "mis. {urut:04d}/LKS/{kode_wilayah}/{tahun}; tanda: urut, tahun, bulan, kode_wilayah, slug"},
    )


class OperatorBodySchema(Schema):
    user_id = fields.UUID(required=True)


# -- outputs ------------------------------------------------------------------------------------


class LembagaSchema(Schema):
    id = fields.UUID(attribute="organization_id")
    nama = fields.String()
    jenis = fields.String()
    berbadan_hukum = fields.Boolean()
    alamat = fields.String(allow_none=True)
    kode_wilayah = fields.String(allow_none=True)
    npwp = fields.String(allow_none=True)
    asing = fields.Boolean()
    negara_asal = fields.String(allow_none=True)
    hubungan_diplomatik = fields.Boolean(allow_none=True)
    periode_laporan_bulan = fields.Integer(allow_none=True)
    pengurus = fields.List(fields.Dict())
    kegiatan = fields.List(fields.String())
    wilayah_kerja = fields.List(fields.String())
    status_pendaftaran = fields.String(allow_none=True)
    nomor_tanda_pendaftaran = fields.String(allow_none=True)


class PersyaratanSchema(Schema):
    kode = fields.String()
    label = fields.String()
    huruf = fields.String(allow_none=True)
    wajib = fields.Boolean()
    ada = fields.Boolean()


class PeringatanJatuhTempoSchema(Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    jenis = fields.String()
    tanggal = fields.Date()
    jatuh_tempo = fields.Date()
    untuk_user_id = fields.UUID(allow_none=True)
    pesan = fields.String()
    citation = fields.String()


class PendaftaranSchema(CaseSchema):
    """A registration application: the kernel's case fields plus where it stands."""

    class Meta:
        exclude = ("plugin", "subject_type", "person_id", "household_id", "community_name", "data")

    nama_lembaga = fields.String()
    kewenangan = fields.String()
    instansi_tujuan = fields.String()
    citation_kewenangan = fields.String()
    tanggal_permohonan = fields.Date()
    tanggal_lengkap = fields.Date(allow_none=True)
    jatuh_tempo = fields.Date(allow_none=True)
    terlambat = fields.Boolean()
    nomor = fields.String(allow_none=True)
    tanggal_terbit = fields.Date(allow_none=True)


class PendaftaranDetailSchema(PendaftaranSchema):
    lembaga = fields.Nested(LembagaSchema)
    persyaratan = fields.List(fields.Nested(PersyaratanSchema))
    belum_lengkap = fields.List(fields.String())
    dokumen = fields.List(fields.Nested(DokumenSchema))
    peringatan = fields.List(fields.Nested(PeringatanJatuhTempoSchema))
    biaya = fields.Integer(metadata={"description": "selalu 0: pendaftaran tanpa biaya (PP 39/2012 Pasal 57 ayat (4))"})


class PeriodeSchema(Schema):
    periode_ke = fields.Integer()
    mulai = fields.Date()
    selesai = fields.Date()
    status = fields.String()
    laporan_id = fields.UUID(allow_none=True)
    tanggal_diterima = fields.Date(allow_none=True)


class LembagaAsingDetailSchema(LembagaSchema):
    izin = fields.List(fields.Nested(IzinSchema))
    periode_laporan = fields.List(fields.Nested(PeriodeSchema))
    laporan = fields.List(fields.Nested(LaporanSchema))
    pelanggaran = fields.List(fields.Nested(PelanggaranSchema))


class RegisterPublikSchema(Schema):
    """What the public register shows: the institution and its mark, nothing personal."""

    nama = fields.String()
    nomor_tanda_pendaftaran = fields.String()
    tanggal_terbit = fields.Date()
    wilayah_kerja = fields.List(fields.Dict())


class CariSchema(Schema):
    q = fields.String(load_default=None, validate=validate.Length(max=100))


class PendaftaranQuerySchema(Schema):
    stage = fields.String(validate=validate.OneOf(["permohonan", "lengkap", "terdaftar", "dirujuk"]))
    terlambat = fields.Boolean(load_default=None)


class PeringatanQuerySchema(Schema):
    untuk_saya = fields.Boolean(load_default=False)


class SanksiQuerySchema(Schema):
    organization_id = fields.UUID(load_default=None)
    langkah = fields.String(load_default=None, validate=validate.Length(max=63))
