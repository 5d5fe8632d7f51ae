"""Foreign LKS (PP 39/2012 Pasal 59–62): who may operate, the permits in the order the law sets
with the documents it lists for each, the technical permit of this kabupaten, the periodic
reports and the status of each reporting period — and who sees any of it (helpers shared with
test_sanksi.py are in asing_helpers.py)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.plugins.lks.asing_helpers import (
    C59_1,
    C59_2,
    C59_3,
    C59_5,
    C59_8,
    C61,
    C62,
    DAY,
    EXE,
    KEMENLU_DOCS,
    OPERASIONAL_DOCS,
    add_months,
    asing_body,
    audit,
    berizin,
    catat_asing,
    detail,
    izin_kemenlu,
    izin_operasional,
    izin_teknis,
    kirim_izin,
    kirim_izin_teknis,
    kirim_laporan,
    link_operator,
    sanksi_list,
    stored_files,
    tick,
)
from tests.plugins.lks.helpers import (
    PNG,
    T,
    ajukan,
    counts,
    refused,
    today,
)

# -- who may operate (Pasal 59 ayat (1)) --------------------------------------------------------


def test_a_foreign_lks_is_a_legal_entity_from_a_country_with_diplomatic_relations(client: Any, kernel: Any, world: Any) -> None:
    b = world["balangan"]
    before = counts(kernel, "balangan")
    r = client.post(f"{T}/balangan/lks/asing", json=asing_body(b, berbadan_hukum=False), headers=b.officer.headers)
    refused(r, "lks_asing_bukan_badan_hukum", C59_1, "harus berbentuk badan hukum")
    r = client.post(f"{T}/balangan/lks/asing", json=asing_body(b, negara_asal="Negeri Antah", hubungan_diplomatik=False), headers=b.officer.headers)
    refused(r, "tanpa_hubungan_diplomatik", C59_1, "hubungan diplomatik dengan Indonesia", "Negeri Antah")
    # shape errors name their field
    r = client.post(f"{T}/balangan/lks/asing", json=asing_body(b, periode_laporan_bulan=0), headers=b.officer.headers)
    assert r.status_code == 422 and "periode_laporan_bulan" in r.get_json()["errors"], r.get_json()
    r = client.post(f"{T}/balangan/lks/asing", json={k: v for k, v in asing_body(b).items() if k != "negara_asal"}, headers=b.officer.headers)
    assert r.status_code == 422 and "negara_asal" in r.get_json()["errors"], r.get_json()
    assert counts(kernel, "balangan") == before

    shown = catat_asing(client, b)
    assert shown["asing"] is True and shown["jenis"] == "lks_asing"
    assert shown["negara_asal"] == "Britania Raya" and shown["hubungan_diplomatik"] is True and shown["periode_laporan_bulan"] == 1
    assert shown["izin"] == [] and shown["periode_laporan"] == [] and shown["laporan"] == [] and shown["pelanggaran"] == []
    listed = client.get(f"{T}/balangan/lks/asing", headers=b.auditor.headers).get_json()
    assert [x["id"] for x in listed] == [shown["id"]]
    # a local LKS is not listed as foreign, and cannot be read as one
    local = ajukan(client, b).get_json()["lembaga"]["id"]
    assert [x["id"] for x in client.get(f"{T}/balangan/lks/asing", headers=b.officer.headers).get_json()] == [shown["id"]]
    refused(client.get(f"{T}/balangan/lks/asing/{local}", headers=b.officer.headers), "lks_tidak_ditemukan", None, status=404)


# -- permits in order (Pasal 59 ayat (2)–(8), Pasal 61) ----------------------------------------


def test_the_operational_permit_needs_the_foreign_ministers_permit_first(client: Any, kernel: Any, world: Any) -> None:
    b = world["balangan"]
    t0 = today()
    org = catat_asing(client, b)["id"]
    before, files_before = counts(kernel, "balangan"), stored_files(kernel)
    r = kirim_izin(client, b, org, "operasional", tanggal=t0 - timedelta(days=30), berlaku_sampai=t0 + timedelta(days=900))
    refused(r, "izin_kemenlu_belum_ada", C59_2, "Children Hope International Balangan", "wajib diperoleh sebelum permohonan izin operasional")
    # a foreign-ministry permit that had already expired does not count either
    izin_kemenlu(client, b, org, t0 - timedelta(days=400), sampai=t0 - timedelta(days=100))
    mid = counts(kernel, "balangan")
    r = kirim_izin(client, b, org, "operasional", tanggal=t0 - timedelta(days=30), berlaku_sampai=t0 + timedelta(days=900))
    refused(r, "izin_kemenlu_belum_ada", C59_2, (t0 - timedelta(days=30)).isoformat())
    assert counts(kernel, "balangan") == mid
    assert before["lks_izin"] + 1 == mid["lks_izin"] and before["lks_dokumen"] + 5 == mid["lks_dokumen"]
    assert len(stored_files(kernel)) == len(files_before) + 5  # the refused uploads left no file

    kemenlu = izin_kemenlu(client, b, org, t0 - timedelta(days=60))
    assert kemenlu["berlaku_mulai"] == (t0 - timedelta(days=60)).isoformat()
    # an operational permit dated before the foreign minister's permission: still refused
    r = kirim_izin(client, b, org, "operasional", tanggal=t0 - timedelta(days=61), berlaku_sampai=t0 + timedelta(days=900))
    refused(r, "izin_kemenlu_belum_ada", C59_2)
    op = izin_operasional(client, b, org, t0 - timedelta(days=30), penerbit="Menteri Sosial RI")
    assert op["jenis"] == "operasional" and op["keputusan"] == "diberikan" and op["penerbit"] == "Menteri Sosial RI"
    assert sorted(d["jenis"] for d in op["dokumen"]) == sorted(OPERASIONAL_DOCS)
    # the answer names each document as the profile does, as the detail does
    assert {d["jenis"]: d["label"] for d in op["dokumen"]}["mitra_kerja_lokal"] == "keterangan mengenai mitra kerja lokal"
    shown = detail(client, b, org, b.auditor)
    assert [(i["jenis"], i["nomor"]) for i in shown["izin"]] == [("kemenlu", "KEMENLU/001"), ("kemenlu", "KEMENLU/001"), ("operasional", "OPERASIONAL/001")]
    labels = {d["jenis"]: d["label"] for d in shown["izin"][2]["dokumen"]}
    assert labels["izin_kemenlu"] == "surat izin dari menteri luar negeri"
    assert labels["mitra_kerja_lokal"] == "keterangan mengenai mitra kerja lokal"
    assert [e.summary["keputusan"] for e in audit(kernel, "balangan", "lks.izin.operasional")] == ["diberikan"]


def test_each_permit_needs_the_documents_the_law_lists(client: Any, kernel: Any, world: Any) -> None:
    b = world["balangan"]
    t0 = today()
    org = catat_asing(client, b)["id"]
    before, files_before = counts(kernel, "balangan"), stored_files(kernel)
    r = kirim_izin(
        client, b, org, "kemenlu", docs=("status_badan_hukum", "proposal_kerja_sama", "rancangan_perjanjian"),
        tanggal=t0 - timedelta(days=60), berlaku_sampai=t0 + timedelta(days=900),
    )
    body = refused(
        r, "dokumen_izin_belum_lengkap", C59_3, "belum dilampirkan",
        "rekomendasi perwakilan negara asal yang terakreditasi untuk Republik Indonesia (huruf b)",
        "keterangan sumber dana yang sah selama 3 tahun terakhir (huruf d)",
    )
    assert body["errors"] == {"dokumen": ["rekomendasi_perwakilan", "sumber_dana_3_tahun"]}
    # a document of another permit is not one of this permit's
    r = kirim_izin(client, b, org, "kemenlu", docs=KEMENLU_DOCS + ("mitra_kerja_lokal",), tanggal=t0 - timedelta(days=60), berlaku_sampai=t0 + timedelta(days=900))
    assert r.status_code == 422 and "mitra_kerja_lokal" in r.get_json()["errors"], r.get_json()
    # a program renamed .pdf is not a document
    r = kirim_izin(
        client, b, org, "kemenlu", docs=KEMENLU_DOCS[1:], files={"status_badan_hukum": (EXE, "akta.pdf")},
        tanggal=t0 - timedelta(days=60), berlaku_sampai=t0 + timedelta(days=900),
    )
    assert r.status_code == 422 and "status_badan_hukum" in r.get_json()["errors"], r.get_json()
    assert "PDF" in r.get_json()["errors"]["status_badan_hukum"][0]
    # a granted permit states how long it is valid
    r = kirim_izin(client, b, org, "kemenlu", tanggal=t0 - timedelta(days=60))
    assert r.status_code == 422 and "berlaku_sampai" in r.get_json()["errors"], r.get_json()
    r = kirim_izin(client, b, org, "kemenlu", tanggal=t0 + DAY, berlaku_sampai=t0 + timedelta(days=900))
    assert r.status_code == 422 and "tanggal" in r.get_json()["errors"], r.get_json()
    assert counts(kernel, "balangan") == before and stored_files(kernel) == files_before

    # a scan as PNG is fine
    r = kirim_izin(client, b, org, "kemenlu", docs=KEMENLU_DOCS[1:], files={"status_badan_hukum": (PNG, "akta.png")},
                   tanggal=t0 - timedelta(days=60), berlaku_sampai=t0 + timedelta(days=900))
    assert r.status_code == 201, r.get_json()
    media = {d["jenis"]: d["media_type"] for d in r.get_json()["dokumen"]}
    assert media["status_badan_hukum"] == "image/png" and media["rekomendasi_perwakilan"] == "application/pdf"

    before = counts(kernel, "balangan")
    r = kirim_izin(client, b, org, "operasional", docs=("status_badan_hukum", "proposal_kerja_sama", "rancangan_perjanjian"),
                   tanggal=t0 - timedelta(days=30), berlaku_sampai=t0 + timedelta(days=900))
    body = refused(r, "dokumen_izin_belum_lengkap", C59_5, "keterangan mengenai mitra kerja lokal (huruf c)", "surat izin dari menteri luar negeri (huruf e)")
    assert body["errors"] == {"dokumen": ["mitra_kerja_lokal", "izin_kemenlu"]}
    assert counts(kernel, "balangan") == before
    assert izin_operasional(client, b, org, t0 - timedelta(days=30))["keputusan"] == "diberikan"


def test_a_refused_operational_permit_is_in_writing_and_is_no_permit(client: Any, kernel: Any, world: Any) -> None:
    b = world["balangan"]
    t0 = today()
    org = catat_asing(client, b)["id"]
    izin_kemenlu(client, b, org, t0 - timedelta(days=60))
    before = counts(kernel, "balangan")
    r = kirim_izin(client, b, org, "operasional", keputusan="ditolak", tanggal=t0 - DAY)
    assert r.status_code == 422 and "alasan" in r.get_json()["errors"], r.get_json()
    r = kirim_izin(client, b, org, "operasional", keputusan="ditolak", docs=(), alasan="Mitra kerja lokal tidak jelas.", tanggal=t0 - DAY)
    refused(r, "penolakan_tidak_tertulis", C59_8, "secara tertulis", "surat_penolakan")
    r = kirim_izin(client, b, org, "operasional", keputusan="ditolak", docs=("surat_penolakan", "status_badan_hukum"), alasan="Mitra tidak jelas.", tanggal=t0 - DAY)
    assert r.status_code == 422 and "status_badan_hukum" in r.get_json()["errors"], r.get_json()
    r = kirim_izin(client, b, org, "kemenlu", keputusan="ditolak", docs=("surat_penolakan",), alasan="Tidak ada rekomendasi.", tanggal=t0 - DAY)
    assert r.status_code == 422 and "keputusan" in r.get_json()["errors"], r.get_json()
    assert counts(kernel, "balangan") == before

    r = kirim_izin(client, b, org, "operasional", keputusan="ditolak", alasan="Mitra kerja lokal tidak jelas.", tanggal=t0 - DAY, nomor="S-12/MS/2026")
    assert r.status_code == 201, r.get_json()
    refusal = r.get_json()
    assert refusal["keputusan"] == "ditolak" and refusal["alasan"] == "Mitra kerja lokal tidak jelas." and refusal["berlaku_sampai"] is None
    assert [d["jenis"] for d in refusal["dokumen"]] == ["surat_penolakan"]
    # a refusal is no operational permit: no technical permit follows from it (Pasal 61)
    refused(kirim_izin_teknis(client, b, org, t0), "izin_operasional_belum_ada", C61, "belum memiliki izin operasional")


def test_the_technical_permit_follows_the_operational_permit_for_this_region_only(client: Any, kernel: Any, world: Any) -> None:
    b = world["balangan"]
    t0 = today()
    org = catat_asing(client, b)["id"]
    before = counts(kernel, "balangan")
    body = refused(kirim_izin_teknis(client, b, org, t0), "izin_operasional_belum_ada", C61, "Children Hope International Balangan", t0.isoformat())
    assert body["citation_detail"]["pasal"] == 61
    assert counts(kernel, "balangan") == before
    izin_kemenlu(client, b, org, t0 - timedelta(days=60))
    op = izin_operasional(client, b, org, t0 - timedelta(days=30), sampai=t0 + timedelta(days=700))
    before = counts(kernel, "balangan")
    # dated before the operational permit was in force
    refused(kirim_izin_teknis(client, b, org, t0 - timedelta(days=31)), "izin_operasional_belum_ada", C61)
    r = kirim_izin_teknis(client, b, org, t0 + DAY)
    assert r.status_code == 422 and "tanggal" in r.get_json()["errors"], r.get_json()
    r = kirim_izin_teknis(client, b, org, t0, berlaku_mulai=t0 - DAY)
    assert r.status_code == 422 and "berlaku_mulai" in r.get_json()["errors"], r.get_json()
    refused(kirim_izin_teknis(client, b, org, t0, actor=b.operator), "tidak_berwenang", None, status=403)
    # it cannot outlast the operational permit it rests on
    refused(
        kirim_izin_teknis(client, b, org, t0, berlaku_sampai=(t0 + timedelta(days=701)).isoformat()),
        "melampaui_izin_operasional", C61, op["nomor"], (t0 + timedelta(days=700)).isoformat(),
    )
    assert counts(kernel, "balangan") == before

    teknis = izin_teknis(client, b, org, t0)
    assert teknis["jenis"] == "teknis" and teknis["penerbit"] == "Bupati/Walikota — Kabupaten Balangan"
    assert teknis["berlaku_mulai"] == t0.isoformat() and teknis["berlaku_sampai"] == op["berlaku_sampai"]
    (entry,) = audit(kernel, "balangan", "lks.izin.teknis")
    assert entry.summary["izin_operasional"] == op["nomor"] and entry.actor_id == b.officer.user_id
    shown = detail(client, b, org)
    assert shown["periode_laporan"] == [
        {"periode_ke": 1, "mulai": t0.isoformat(), "selesai": (add_months(t0, 1) - DAY).isoformat(), "status": "berjalan", "laporan_id": None, "tanggal_diterima": None}
    ]

    # an LKS working only in Tabalong gets no technical permit from Balangan
    other = catat_asing(client, b, nama="Hope Across Borders", wilayah_kerja=["63.09"])["id"]
    izin_kemenlu(client, b, other, t0 - timedelta(days=60))
    izin_operasional(client, b, other, t0 - timedelta(days=30))
    before = counts(kernel, "balangan")
    refused(kirim_izin_teknis(client, b, other, t0), "di_luar_daerah", C61, "tidak mencakup Kabupaten Balangan")
    assert counts(kernel, "balangan") == before


def test_staff_roles_decide_who_records_and_who_reads(client: Any, kernel: Any, world: Any) -> None:
    b = world["balangan"]
    t0 = today()
    org = catat_asing(client, b, actor=b.admin)["id"]
    before = counts(kernel, "balangan")
    for actor in (b.auditor, b.operator, b.peksos):
        refused(client.post(f"{T}/balangan/lks/asing", json=asing_body(b), headers=actor.headers), "tidak_berwenang", None, status=403)
        refused(kirim_izin(client, b, org, "kemenlu", actor=actor, tanggal=t0, berlaku_sampai=t0 + timedelta(days=90)), "tidak_berwenang", None, status=403)
        r = client.post(f"{T}/balangan/lks/asing/{org}/pelanggaran", json={"jenis": "tanpa_izin_operasional", "tanggal_temuan": t0.isoformat(), "uraian": "Temuan lapangan."}, headers=actor.headers)
        refused(r, "tidak_berwenang", None, status=403)
    assert counts(kernel, "balangan") == before
    assert detail(client, b, org, b.auditor)["id"] == org
    refused(client.get(f"{T}/balangan/lks/asing/{org}", headers=b.peksos.headers), "tidak_berwenang", None, status=403)
    # an operator not linked to this LKS does not know it exists
    refused(client.get(f"{T}/balangan/lks/asing/{org}", headers=b.operator.headers), "lks_tidak_ditemukan", None, status=404)
    assert client.get(f"{T}/balangan/lks/asing", headers=b.operator.headers).get_json() == []


# -- periodic reports (Pasal 62) -----------------------------------------------------------------


def test_reports_and_the_status_of_each_period(client: Any, kernel: Any, world: Any, hari: Any) -> None:
    b = world["balangan"]
    t0 = today()
    # no technical permit here yet: nothing to report on
    bare = catat_asing(client, b, nama="Global Aid Network")["id"]
    before = counts(kernel, "balangan")
    refused(kirim_laporan(client, b, bare), "belum_wajib_lapor", C62, "belum memiliki izin teknis di Kabupaten Balangan")
    assert counts(kernel, "balangan") == before

    org = berizin(client, b)
    link_operator(client, b, org, b.operator)
    p = [(add_months(t0, k - 1), add_months(t0, k) - DAY) for k in (1, 2, 3, 4)]
    before, files_before = counts(kernel, "balangan"), stored_files(kernel)
    r = kirim_laporan(client, b, org, content=None)
    assert r.status_code == 422 and "berkas" in r.get_json()["errors"], r.get_json()
    r = kirim_laporan(client, b, org, content=b"just some text, not a scan", name="laporan.pdf")
    assert r.status_code == 422 and "Jenis berkas tidak didukung" in r.get_json()["errors"]["berkas"][0], r.get_json()
    r = kirim_laporan(client, b, org, periode_ke=2)
    assert r.status_code == 422 and "belum dimulai" in r.get_json()["errors"]["periode_ke"][0], r.get_json()
    assert counts(kernel, "balangan") == before and stored_files(kernel) == files_before

    # the LKS's own operator reports on the first period, on time
    r = kirim_laporan(client, b, org, actor=b.operator)
    assert r.status_code == 201, r.get_json()
    first = r.get_json()
    assert (first["periode_ke"], first["periode_mulai"], first["periode_selesai"], first["tanggal_diterima"]) == (1, p[0][0].isoformat(), p[0][1].isoformat(), t0.isoformat())
    assert [d["media_type"] for d in first["dokumen"]] == ["application/pdf"]
    r = kirim_laporan(client, b, org, periode_ke=1)
    assert r.status_code == 422 and "sudah diterima" in r.get_json()["errors"]["periode_ke"][0], r.get_json()

    # two months on: the second period went by without a report, the third is running
    hari(p[2][0] + timedelta(days=3))
    statuses = [(x["periode_ke"], x["status"]) for x in detail(client, b, org)["periode_laporan"]]
    assert statuses == [(1, "dilaporkan"), (2, "belum_dilaporkan"), (3, "berjalan")]
    late = kirim_laporan(client, b, org).get_json()  # the oldest period not reported
    assert late["periode_ke"] == 2 and late["tanggal_diterima"] == (p[2][0] + timedelta(days=3)).isoformat()
    assert kirim_laporan(client, b, org).get_json()["periode_ke"] == 3  # early for the running period
    r = kirim_laporan(client, b, org)
    assert r.status_code == 422 and "Semua periode yang sudah berjalan telah dilaporkan" in r.get_json()["errors"]["periode_ke"][0]
    shown = detail(client, b, org)
    assert [(x["periode_ke"], x["status"], x["tanggal_diterima"]) for x in shown["periode_laporan"]] == [
        (1, "dilaporkan", t0.isoformat()),
        (2, "dilaporkan_terlambat", (p[2][0] + timedelta(days=3)).isoformat()),
        (3, "dilaporkan", (p[2][0] + timedelta(days=3)).isoformat()),
    ]
    assert [x["periode_ke"] for x in shown["laporan"]] == [1, 2, 3]
    assert [e.summary["tepat_waktu"] for e in audit(kernel, "balangan", "lks.laporan.terima")] == [True, False, True]
    # the report of a period given on time is no breach; the late one is judged by the tick
    tick(kernel, p[3][0])
    assert [(x["jenis"], x["periode_ke"], x["dipatuhi_pada"]) for x in detail(client, b, org)["pelanggaran"]] == [
        ("tidak_melapor", 2, (p[2][0] + timedelta(days=3)).isoformat())
    ]


def test_periods_that_ended_before_the_technical_permit_was_recorded_are_not_judged(client: Any, kernel: Any, world: Any) -> None:
    b = world["balangan"]
    t0 = today()
    start = add_months(t0, -3)
    org = berizin(client, b, mulai=start)  # a permit issued three months ago, entered today
    periods = detail(client, b, org)["periode_laporan"]
    assert [x["periode_ke"] for x in periods][:3] == [1, 2, 3]
    ended = [x["periode_ke"] for x in periods if date.fromisoformat(x["selesai"]) < t0]
    assert len(ended) >= 2 and all(x["status"] == "belum_dilaporkan" for x in periods if x["periode_ke"] in ended)
    (running,) = [x for x in periods if x["periode_ke"] not in ended]
    # past the end of the running period: only that one is a breach, nobody could have seen the others
    tick(kernel, date.fromisoformat(running["selesai"]) + DAY)
    assert [(x["jenis"], x["periode_ke"]) for x in detail(client, b, org)["pelanggaran"]] == [("tidak_melapor", running["periode_ke"])]


def test_a_renewed_technical_permit_carries_the_reporting_periods_on(client: Any, kernel: Any, world: Any) -> None:
    b = world["balangan"]
    t0 = today()
    first = add_months(t0, -3)
    org = catat_asing(client, b)["id"]
    izin_kemenlu(client, b, org, first - timedelta(days=60))
    izin_operasional(client, b, org, first - timedelta(days=30))
    # the first technical permit ran three months and ended yesterday; each month was reported
    izin_teknis(client, b, org, first, berlaku_sampai=add_months(first, 3) - DAY, nomor="503/IT-LKSA/001")
    for k in (1, 2, 3):
        assert kirim_laporan(client, b, org).get_json()["periode_ke"] == k
    assert [x["status"] for x in detail(client, b, org)["periode_laporan"]] == ["dilaporkan_terlambat"] * 3
    # renewed from today: the reporting goes on with period 4, which nobody has reported yet
    izin_teknis(client, b, org, t0, nomor="503/IT-LKSA/002")
    periods = detail(client, b, org)["periode_laporan"]
    assert [(x["periode_ke"], x["mulai"]) for x in periods] == [
        (1, first.isoformat()), (2, add_months(first, 1).isoformat()), (3, add_months(first, 2).isoformat()), (4, t0.isoformat()),
    ]
    assert periods[3] == {"periode_ke": 4, "mulai": t0.isoformat(), "selesai": (add_months(t0, 1) - DAY).isoformat(), "status": "berjalan",
                          "laporan_id": None, "tanggal_diterima": None}
    # the period of the renewed permit is judged on its own: unreported, it is a breach
    tick(kernel, add_months(t0, 1) + DAY)
    assert [(x["jenis"], x["periode_ke"], x["tanggal_mulai"]) for x in detail(client, b, org)["pelanggaran"]] == [
        ("tidak_melapor", 4, add_months(t0, 1).isoformat())
    ]
    r = kirim_laporan(client, b, org)
    assert r.status_code == 201 and r.get_json()["periode_ke"] == 4, r.get_json()


# -- who sees what ------------------------------------------------------------------------------


def test_tabalong_cannot_see_or_touch_balangans_foreign_lks(client: Any, kernel: Any, world: Any) -> None:
    b, t = world["balangan"], world["tabalong"]
    t0 = today()
    org = berizin(client, b)
    tick(kernel, add_months(t0, 1) + timedelta(days=10))
    (s,) = [x for x in sanksi_list(client, b) if x["langkah"] == "peringatan_tertulis_1"]
    pl_id = s["pelanggaran_id"]
    before_b, before_t = counts(kernel, "balangan"), counts(kernel, "tabalong")
    base = f"{T}/tabalong/lks"
    for r in (
        client.get(f"{base}/asing/{org}", headers=t.officer.headers),
        kirim_izin(client, t, org, "kemenlu", tanggal=t0, berlaku_sampai=t0 + timedelta(days=90)),
        kirim_izin_teknis(client, t, org, t0),
        kirim_laporan(client, t, org),
        client.post(f"{base}/asing/{org}/pelanggaran", json={"jenis": "tanpa_izin_teknis", "tanggal_temuan": t0.isoformat(), "uraian": "Temuan."}, headers=t.officer.headers),
        client.post(f"{base}/lembaga/{org}/sanksi", json={"jenis": "peringatan_tertulis", "uraian": "Temuan."}, headers=t.officer.headers),
    ):
        refused(r, "lks_tidak_ditemukan", None, status=404)
    refused(client.get(f"{base}/sanksi/{s['id']}/dokumen", headers=t.admin.headers), "sanksi_tidak_ditemukan", None, status=404)
    refused(client.put(f"{base}/sanksi/{s['id']}/denda", json={"jumlah": 1000}, headers=t.admin.headers), "sanksi_tidak_ditemukan", None, status=404)
    refused(client.post(f"{base}/pelanggaran/{pl_id}/pencabutan", json={"uraian": "Dicabut."}, headers=t.admin.headers), "pelanggaran_tidak_ditemukan", None, status=404)
    assert client.get(f"{base}/asing", headers=t.auditor.headers).get_json() == []
    assert sanksi_list(client, t, t.auditor) == []
    # Tabalong's staff have no role in Balangan at all
    refused(client.get(f"{T}/balangan/lks/asing/{org}", headers=t.officer.headers), "tidak_berwenang", None, status=403)
    assert counts(kernel, "balangan") == before_b and counts(kernel, "tabalong") == before_t


def test_an_operator_sees_only_the_lks_it_acts_for(client: Any, kernel: Any, world: Any) -> None:
    b = world["balangan"]
    t0 = today()
    mine = berizin(client, b)
    theirs = berizin(client, b, nama="Hope Across Borders")
    link_operator(client, b, mine, b.operator)
    tick(kernel, add_months(t0, 1) + timedelta(days=10))
    assert {x["organization_id"] for x in sanksi_list(client, b)} == {mine, theirs}
    op = b.operator
    assert [x["id"] for x in client.get(f"{T}/balangan/lks/asing", headers=op.headers).get_json()] == [mine]
    assert detail(client, b, mine, op)["id"] == mine
    mine_sanksi = sanksi_list(client, b, op)
    assert mine_sanksi and {x["organization_id"] for x in mine_sanksi} == {mine}
    assert sanksi_list(client, b, op, organization_id=theirs) == []
    (their_s,) = [x for x in sanksi_list(client, b, organization_id=theirs) if x["langkah"] == "peringatan_tertulis_1"]
    before = counts(kernel, "balangan")
    refused(client.get(f"{T}/balangan/lks/asing/{theirs}", headers=op.headers), "lks_tidak_ditemukan", None, status=404)
    refused(kirim_laporan(client, b, theirs, actor=op), "lks_tidak_ditemukan", None, status=404)
    refused(client.get(f"{T}/balangan/lks/sanksi/{their_s['id']}/dokumen", headers=op.headers), "sanksi_tidak_ditemukan", None, status=404)
    refused(client.put(f"{T}/balangan/lks/sanksi/{mine_sanksi[0]['id']}/denda", json={"jumlah": 1000}, headers=op.headers), "tidak_berwenang", None, status=403)
    assert counts(kernel, "balangan") == before
    r = client.get(f"{T}/balangan/lks/sanksi/{mine_sanksi[0]['id']}/dokumen", headers=op.headers)
    assert r.status_code == 200 and "Children Hope International Balangan" in r.get_data(as_text=True)
    # another operator, linked to nothing, sees nothing
    assert client.get(f"{T}/balangan/lks/asing", headers=b.operator2.headers).get_json() == []
    assert sanksi_list(client, b, b.operator2) == []
