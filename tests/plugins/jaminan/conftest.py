from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest


@pytest.fixture
def world(make: Any) -> dict[str, Any]:
    from datetime import date

    out = {}
    for slug, kode in (("balangan", "63.11"), ("tabalong", "63.09")):
        make.tenant(slug, kode)
        make.enable(slug, "jaminan")
    for slug in ("balangan", "tabalong"):
        out[slug] = SimpleNamespace(
            slug=slug,
            officer=make.user(f"petugas.{slug}", {slug: ["officer"]}),
            tks=make.user(f"tks.{slug}", {slug: ["tks"]}),
            auditor=make.user(f"auditor.{slug}", {slug: ["auditor"]}),
            siti=make.person(slug, nama="Siti Aminah", born=date(1950, 9, 5), sex="P"),
            ahmad=make.person(slug, nama="Ahmad Fauzi", born=date(1940, 3, 12), sex="L"),
        )
    return out
