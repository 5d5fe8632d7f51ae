"""Benefit periods from the profile: a kabupaten whose variant pays sustained direct aid per
quarter (a YAML file alone) accepts only the months that start a quarter, citing its rule."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.plugins.jaminan.test_jaminan import T, _advance, _open, _register
from tests.refusals import refused

TRIWULAN = """\
id: balangan-triwulan
plugin: jaminan
version: 1
title: Jaminan sosial Balangan — penyaluran per triwulan
regulation: Keputusan Bupati Balangan (contoh)
extends: pp-39-2012
effective_from: 2026-01-01
parameters:
  periode_bulan:
    value: {bantuan_langsung_berkelanjutan: 3}
    citation: {pasal: 4, ayat: 2}
"""


@pytest.fixture
def tenants_dir(tmp_path: Path) -> Path:
    d = tmp_path / "tenants"
    (d / "balangan" / "profiles").mkdir(parents=True)
    (d / "balangan" / "profiles" / "balangan-triwulan.yaml").write_text(TRIWULAN)
    return d


def test_a_quarterly_variant_pays_only_from_the_first_month_of_a_quarter(client, make, world):
    b = world["balangan"]
    make.enable("balangan", "jaminan", "balangan-triwulan")
    _register(client, b, b.siti)
    case = _open(client, b, b.siti, program="bantuan_langsung_berkelanjutan", kategori="lanjut_usia_terlantar",
                 ketergantungan="lanjut_usia_non_potensial", penyaluran="langsung").get_json()
    assert case["profile_id"] == "balangan-triwulan"
    for to in ("verifikasi", "penerima"):
        assert _advance(client, b, case["id"], to).status_code == 200
    url = f"{T}/balangan/jaminan/kasus/{case['id']}/penyaluran"
    pay = {"jumlah": 900000, "tanggal": "2026-11-20"}
    refused(client.post(url, json=pay | {"periode": "2026-11"}, headers=b.officer.headers),
            "periode_tidak_sesuai", "Keputusan Bupati Balangan (contoh) Pasal 4 ayat (2)", "per 3 bulan", "2026-01, 2026-04, 2026-07, 2026-10")
    assert client.post(url, json=pay | {"periode": "2026-10"}, headers=b.officer.headers).status_code == 201
    refused(client.post(url, json=pay | {"periode": "2026-10"}, headers=b.officer.headers), "periode_sudah_disalurkan", None, status=409)
    assert [x["periode"] for x in client.get(url, headers=b.officer.headers).get_json()] == ["2026-10"]
    # Tabalong stays on the baseline: monthly
    t = world["tabalong"]
    _register(client, t, t.siti)
    other = _open(client, t, t.siti, program="bantuan_langsung_berkelanjutan", kategori="lanjut_usia_terlantar",
                  ketergantungan="lanjut_usia_non_potensial", penyaluran="langsung").get_json()
    for to in ("verifikasi", "penerima"):
        assert _advance(client, t, other["id"], to).status_code == 200
    assert client.post(f"{T}/tabalong/jaminan/kasus/{other['id']}/penyaluran", json=pay | {"periode": "2026-11"},
                       headers=t.officer.headers).status_code == 201
