"""A rehabilitation client referred to jaminan sosial: the referral carries the application and
opens a jaminan case for the same person through the same rules; a refusal of those rules — or
jaminan switched off — refuses the referral, and nothing is kept."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from core.cases.models import Case, CaseReferral
from core.db import tenant_context
from tests.core.api.helpers import tenant_id
from tests.plugins.jaminan.test_jaminan import BUKTI
from tests.plugins.rehabilitasi.helpers import PP, T, build_world, new_case, refused


@pytest.fixture
def b(make: Any, kernel: Any) -> Any:
    world = build_world(make, kernel)
    make.enable("balangan", "jaminan")
    return world["balangan"]


def _refer(client: Any, b: Any, case_id: str, data: dict[str, Any], actor: Any = None) -> Any:
    return client.post(f"{T}/balangan/cases/{case_id}/referrals", json={"ke_plugin": "jaminan", "alasan": "Lansia tanpa keluarga", "data": data},
                       headers=(actor or b.peksos).headers)


def _counts(kernel: Any) -> tuple[int, int]:
    tid = tenant_id(kernel, "balangan")
    with kernel.db.unit_of_work(tid) as s, tenant_context(tid, s):
        jaminan = s.scalar(select(func.count()).select_from(Case).where(Case.plugin == "jaminan"))
        return int(jaminan), int(s.scalar(select(func.count()).select_from(CaseReferral)))


def test_a_referral_opens_a_jaminan_application_for_the_same_person(client, kernel, b):
    rehab = new_case(client, b)
    r = _refer(client, b, rehab, {"program": "asuransi_kesejahteraan_sosial", "kategori": "fakir_miskin", "ketidakmampuan": BUKTI})
    assert r.status_code == 201, r.get_json()
    hasil = r.get_json()["hasil"]
    assert (hasil["case_type"], hasil["stage"]) == ("jaminan_sosial", "permohonan")
    opened = client.get(f"{T}/balangan/jaminan/kasus/{hasil['case_id']}", headers=b.officer.headers).get_json()
    assert opened["person_id"] == str(b.person.id) and opened["data"]["kategori"] == "fakir_miskin"
    inbox = client.get(f"{T}/balangan/cases/referrals", query_string={"ke_plugin": "jaminan"}, headers=b.officer.headers).get_json()
    assert [x["hasil"]["case_id"] for x in inbox] == [hasil["case_id"]]


def test_a_referral_the_jaminan_rules_refuse_keeps_nothing(client, kernel, b):
    rehab = new_case(client, b)
    before = _counts(kernel)
    refused(_refer(client, b, rehab, {"program": "asuransi_kesejahteraan_sosial", "kategori": "fakir_miskin"}),
            "ketidakmampuan_tidak_dibuktikan", f"{PP} Pasal 10 ayat (1) huruf a")
    blb = {"program": "bantuan_langsung_berkelanjutan", "kategori": "cacat_fisik", "ketergantungan": "disabilitas_berat",
           "penyaluran": "langsung", "ketidakmampuan": BUKTI}
    refused(_refer(client, b, rehab, blb), "tidak_ada_di_data_resmi", f"{PP} Pasal 13", "Rahmat Hidayat")
    r = _refer(client, b, rehab, {"kategori": "fakir_miskin"})
    assert r.status_code == 422 and "program" in r.get_json()["errors"]["data"]
    assert _counts(kernel) == before


def test_jaminan_switched_off_refuses_the_referral_politely(client, kernel, make, b):
    rehab = new_case(client, b)
    make.enable("balangan", "jaminan", enabled=False)
    before = _counts(kernel)
    refused(_refer(client, b, rehab, {"program": "asuransi_kesejahteraan_sosial", "kategori": "fakir_miskin", "ketidakmampuan": BUKTI}),
            "layanan_tujuan_tidak_aktif", None, "belum diaktifkan", status=409)
    assert _counts(kernel) == before
