"""A tenant-local variant made of a YAML file alone: Balangan's Dinas Sosial sets the Peksos
caseload (Perbup Balangan 61/2017 Pasal 26 ayat (3)) without a line of code."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.plugins.rehabilitasi.helpers import PERBUP, T, assign, counts, new_case, open_kasus, refused

RASIO = """\
id: balangan-rasio
plugin: rehabilitasi
version: 1
title: Perbup Balangan 61/2017 dengan rasio Pekerja Sosial Profesional Dinas Sosial Balangan
regulation: Perbup Balangan 61/2017
extends: perbup-balangan-61-2017
effective_from: 2026-01-01
parameters:
  maks_kasus_per_peksos:
    value: 1
    citation: {pasal: 26, ayat: 3}
"""


@pytest.fixture
def tenants_dir(tmp_path: Path) -> Path:
    d = tmp_path / "tenants"
    (d / "balangan" / "profiles").mkdir(parents=True)
    (d / "balangan" / "profiles" / "balangan-rasio.yaml").write_text(RASIO)
    return d


def test_a_tenant_local_caseload_limit_refuses_a_second_case(client, kernel, world):
    b = world["balangan"]
    r = client.put(f"{T}/balangan/plugins/rehabilitasi", json={"profile_id": "balangan-rasio"}, headers=b.admin.headers)
    assert r.status_code == 200, r.get_json()
    first = new_case(client, b)  # the Peksos takes one case as primary worker
    second = new_case(client, b, with_worker=False)
    before = counts(kernel, "balangan")
    r = assign(client, b, second, b.peksos, "utama")
    refused(r, "beban_kasus_penuh", f"{PERBUP} Pasal 26 ayat (3)", "1 kasus aktif", "batasnya 1 kasus")
    assert counts(kernel, "balangan") == before
    # opening with the same Peksos is refused the same way, and writes nothing
    refused(open_kasus(client, b, utama=b.peksos), "beban_kasus_penuh", f"{PERBUP} Pasal 26 ayat (3)")
    assert counts(kernel, "balangan") == before
    # another Peksos is free; supporting does not count
    assert assign(client, b, second, b.peksos2, "utama").status_code == 201
    assert assign(client, b, first, b.peksos2, "pendukung").status_code == 201
    shown = client.get(f"{T}/balangan/rehabilitasi/kasus/{second}", headers=b.officer.headers).get_json()
    assert shown["profile_id"] == "balangan-rasio"


def test_without_the_variant_there_is_no_limit(client, world):
    b = world["balangan"]
    new_case(client, b)
    second = new_case(client, b, with_worker=False)
    assert assign(client, b, second, b.peksos, "utama").status_code == 201
