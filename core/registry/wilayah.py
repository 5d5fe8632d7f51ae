"""Kemendagri region codes (kode wilayah administrasi pemerintahan), as plain Python data.

Codes are written the Kemendagri way, with dots: province "63", kabupaten/kota "63.11",
kecamatan "63.11.01", desa/kelurahan "63.11.01.2001". Within a province, kabupaten take
01–69 and kota take 71–99.

Regions split over time (four Papua provinces were carved out in 2022) and a NIK keeps the
code of the region that issued it, so a code missing from this data is a *warning* for
callers, never a reason to reject a person. The functions below therefore answer "do we know
this name?" and "is this shaped like a code?" and nothing stronger.

Sources: Kepmendagri No. 100.1.1-6117 Tahun 2022 and Kepmendagri No. 300.2.2-2138 Tahun 2025.
"""
from __future__ import annotations

import re
from types import MappingProxyType
from typing import Mapping

# Kemendagri (Dukcapil) province codes — the ones that appear as the first two digits of a NIK.
#
# NOTE on Papua: these are *not* the BPS statistics codes. BPS numbers Papua Barat 91,
# Papua Barat Daya 92, Papua 94, Papua Selatan 95, Papua Tengah 96, Papua Pegunungan 97;
# Kemendagri numbers Papua 91, Papua Barat 92 and gave the 2022 provinces 93–96. A NIK from
# Kota Jayapura starts with 9171 (Kemendagri), not 9471 (BPS), so only the Kemendagri set is
# right here. Papua Selatan/Tengah/Pegunungan (93/94/95) are in Kepmendagri 100.1.1-6117/2022;
# Papua Barat Daya (UU 29/2022, formed after that decree) is 96 in Kepmendagri
# 300.2.2-2138/2025.
_PROVINCES: dict[str, str] = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "DKI Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "DI Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
    "91": "Papua",
    "92": "Papua Barat",
    "93": "Papua Selatan",
    "94": "Papua Tengah",
    "95": "Papua Pegunungan",
    "96": "Papua Barat Daya",
}

# Kabupaten/kota of the provinces whose tenants run on Kesos. Only Kalimantan Selatan so far;
# add a province's full list here (never a partial one), because an unknown kabupaten inside a
# listed province produces a warning.
_KABUPATEN: dict[str, str] = {
    "63.01": "Tanah Laut",
    "63.02": "Kotabaru",
    "63.03": "Banjar",
    "63.04": "Barito Kuala",
    "63.05": "Tapin",
    "63.06": "Hulu Sungai Selatan",
    "63.07": "Hulu Sungai Tengah",
    "63.08": "Hulu Sungai Utara",
    "63.09": "Tabalong",
    "63.10": "Tanah Bumbu",
    "63.11": "Balangan",
    "63.71": "Banjarmasin",
    "63.72": "Banjarbaru",
}

PROVINCES: Mapping[str, str] = MappingProxyType(_PROVINCES)
KABUPATEN: Mapping[str, str] = MappingProxyType(_KABUPATEN)

# Provinces whose kabupaten/kota list above is complete.
_PROVINCES_WITH_KABUPATEN = frozenset(code.split(".", 1)[0] for code in _KABUPATEN)

# ASCII digits only: `\d` would also accept e.g. Arabic-Indic digits.
_REGION_CODE = re.compile(r"[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{4})?)?)?")


def province_name(code: str) -> str | None:
    """Name of a province code ("63" -> "Kalimantan Selatan"); None when not in the data."""
    return _PROVINCES.get(code)


def kabupaten_name(code: str) -> str | None:
    """Name of a kabupaten/kota code ("63.11" -> "Balangan"); None when not in the data.

    None does not mean the code is wrong: only some provinces' lists are held here.
    """
    return _KABUPATEN.get(code)


def has_kabupaten_list(province_code: str) -> bool:
    """Whether this data holds the complete kabupaten/kota list of the province.

    Only then is a missing kabupaten code worth a warning.
    """
    return province_code in _PROVINCES_WITH_KABUPATEN


def is_kota(code: str) -> bool:
    """Whether a kabupaten/kota code ("63.71") is a kota: Kemendagri numbers kota 71–99."""
    parts = code.split(".")
    return len(parts) >= 2 and parts[1].isascii() and parts[1].isdigit() and int(parts[1]) >= 71


def is_valid_region_code(code: str) -> bool:
    """Shape only: "NN", "NN.NN", "NN.NN.NN" or "NN.NN.NN.NNNN" (desa/kelurahan).

    Says nothing about whether the region exists; see the module docstring for why.
    """
    return isinstance(code, str) and _REGION_CODE.fullmatch(code) is not None


def _require_shape(code: str) -> list[str]:
    if not is_valid_region_code(code):
        raise ValueError(f"Kode wilayah {code!r} tidak berbentuk NN, NN.NN, NN.NN.NN atau NN.NN.NN.NNNN.")
    return code.split(".")


def province_of(code: str) -> str:
    """Province part of any region code ("63.11.01" -> "63").

    Raises ValueError when the code is not shaped like a region code.
    """
    return _require_shape(code)[0]


def kabupaten_of(code: str) -> str | None:
    """Kabupaten/kota part of a region code ("63.11.01" -> "63.11"); None for a province code.

    Raises ValueError when the code is not shaped like a region code.
    """
    parts = _require_shape(code)
    if len(parts) < 2:
        return None
    return f"{parts[0]}.{parts[1]}"


def is_kabupaten_code(code: str) -> bool:
    """A kabupaten/kota code exactly ("63.11"): never a province ("63") or a kecamatan — the
    level of a tenant."""
    return is_valid_region_code(code) and code.count(".") == 1
