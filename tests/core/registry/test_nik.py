"""NIK parsing and checking as a registration clerk would meet it.

NIKs are assembled from their parts: region (6) + DDMMYY with women's day + 40 (6) + serial (4).
"""
from __future__ import annotations

from datetime import date

import pytest

from core.registry import wilayah
from core.registry.nik import check_nik, mask_nik, parse_nik

BALANGAN_KEC_01 = "631101"  # 63.11.01, Kabupaten Balangan, Kalimantan Selatan
BANJARMASIN_KEC_02 = "637102"  # 63.71.02, Kota Banjarmasin

# Woman born 5 Sept 1987: day 05 + 40 = 45.
SITI = BALANGAN_KEC_01 + "450987" + "0001"
# Man born 12 March 1988.
BUDI = BANJARMASIN_KEC_02 + "120388" + "0123"


# --- valid NIKs -----------------------------------------------------------------------------


def test_valid_female_nik_is_accepted_without_warnings():
    result = check_nik(SITI, birth_date=date(1987, 9, 5), sex="P", region_code="63.11")
    assert result.ok
    assert result.errors == {}
    assert result.warnings == []


def test_valid_male_nik_is_accepted_without_warnings():
    result = check_nik(BUDI, birth_date=date(1988, 3, 12), sex="L", region_code="63.71")
    assert result.ok
    assert result.errors == {}
    assert result.warnings == []


def test_nik_alone_can_be_checked_without_stated_date_or_sex():
    result = check_nik(SITI, birth_date=None, sex=None)
    assert result.ok


def test_boundary_days_are_valid():
    # Day 31 for a man, 71 (= 31 + 40) for a woman, 01 and 41 at the other end.
    for date_part, born, sex in [
        ("310187", date(1987, 1, 31), "L"),
        ("710187", date(1987, 1, 31), "P"),
        ("010187", date(1987, 1, 1), "L"),
        ("410187", date(1987, 1, 1), "P"),
    ]:
        result = check_nik(BALANGAN_KEC_01 + date_part + "0001", birth_date=born, sex=sex)
        assert result.ok, (date_part, result.errors)


# --- parse_nik ------------------------------------------------------------------------------


def test_parse_nik_splits_female_nik():
    parts = parse_nik(SITI)
    assert parts.province == "63"
    assert parts.kabupaten == "63.11"
    assert parts.kecamatan == "63.11.01"
    assert parts.birth_date == date(1987, 9, 5)
    assert parts.sex == "P"
    assert parts.serial == "0001"


def test_parse_nik_male():
    parts = parse_nik(BUDI)
    assert parts.kabupaten == "63.71"
    assert parts.birth_date == date(1988, 3, 12)
    assert parts.sex == "L"
    assert parts.serial == "0123"


def test_parse_nik_places_two_digit_year_in_latest_century_not_in_the_future():
    born_05 = BALANGAN_KEC_01 + "100605" + "0001"  # 10 June, year "05"
    assert parse_nik(born_05, today=date(2024, 1, 1)).birth_date == date(2005, 6, 10)
    # Seen from early 2005, June 2005 has not happened yet: it must be 1905.
    assert parse_nik(born_05, today=date(2005, 3, 1)).birth_date == date(1905, 6, 10)


def test_parse_nik_impossible_date_gives_no_birth_date():
    assert parse_nik(BALANGAN_KEC_01 + "310299" + "0001").birth_date is None


@pytest.mark.parametrize(
    "bad",
    [
        "631101450987000",  # 15 digits
        "63110145098700011",  # 17 digits
        "63110145O9870001",  # letter O instead of zero
        "6311 0145 0987 0001",
        "",
        "٦٣١١٠١٤٥٠٩٨٧٠٠٠١",  # Arabic-Indic digits: isdigit() but not ASCII
    ],
)
def test_parse_nik_rejects_non_16_digit_input(bad):
    with pytest.raises(ValueError, match="16 digit"):
        parse_nik(bad)


# --- errors on the NIK itself ---------------------------------------------------------------


@pytest.mark.parametrize("bad", ["631101450987000", "63110145O9870001", "6311014509870001 "])
def test_wrong_length_or_characters_is_a_nik_error(bad):
    result = check_nik(bad, birth_date=date(1987, 9, 5), sex="P")
    assert not result.ok
    assert result.errors["nik"] == "NIK harus terdiri dari 16 digit angka."
    # Nothing can be compared against a malformed NIK, so the other fields are not blamed.
    assert "tanggal_lahir" not in result.errors
    assert "jenis_kelamin" not in result.errors


@pytest.mark.parametrize("day", ["00", "32", "40", "72", "99"])
def test_day_outside_male_and_female_ranges_is_a_nik_error(day):
    result = check_nik(BALANGAN_KEC_01 + day + "0987" + "0001", birth_date=None, sex=None)
    assert not result.ok
    assert "Tanggal lahir pada NIK" in result.errors["nik"]
    assert f"digit 7–8: {day}" in result.errors["nik"]


@pytest.mark.parametrize("month", ["00", "13"])
def test_month_outside_1_to_12_is_a_nik_error(month):
    result = check_nik(BALANGAN_KEC_01 + "05" + month + "87" + "0001", birth_date=None, sex=None)
    assert not result.ok
    assert "Bulan lahir pada NIK" in result.errors["nik"]
    assert f"digit 9–10: {month}" in result.errors["nik"]


@pytest.mark.parametrize("date_part", ["310299", "300287", "310487", "710299", "290287"])
def test_date_that_does_not_exist_is_a_nik_error(date_part):
    # 31 Feb, 30 Feb, 31 April, 31 Feb for a woman, 29 Feb in a non-leap year.
    result = check_nik(BALANGAN_KEC_01 + date_part + "0001", birth_date=None, sex=None)
    assert not result.ok
    assert "tidak ada di kalender" in result.errors["nik"]


def test_29_february_in_leap_years_is_accepted():
    assert check_nik(BALANGAN_KEC_01 + "290288" + "0001", birth_date=date(1988, 2, 29), sex="L").ok
    # "00": 2000 was a leap year (1900 was not), so the NIK date can exist.
    assert check_nik(BALANGAN_KEC_01 + "690200" + "0001", birth_date=date(2000, 2, 29), sex="P").ok


def test_serial_0000_is_a_nik_error():
    result = check_nik(BALANGAN_KEC_01 + "450987" + "0000", birth_date=date(1987, 9, 5), sex="P")
    assert not result.ok
    assert "0000" in result.errors["nik"]
    assert "Nomor urut" in result.errors["nik"]


def test_several_nik_problems_are_all_reported():
    result = check_nik(BALANGAN_KEC_01 + "351387" + "0000", birth_date=None, sex=None)
    message = result.errors["nik"]
    assert "Tanggal lahir pada NIK" in message
    assert "Bulan lahir pada NIK" in message
    assert "Nomor urut" in message


# --- agreement with the stated birth date ---------------------------------------------------


def test_stated_birth_date_differing_from_nik_is_a_tanggal_lahir_error():
    nik = BALANGAN_KEC_01 + "120588" + "0001"  # man, 12 May '88
    result = check_nik(nik, birth_date=date(1987, 5, 12), sex="L")
    assert not result.ok
    assert "nik" not in result.errors
    assert result.errors["tanggal_lahir"] == (
        "Tanggal lahir 12-05-1987 tidak sesuai dengan NIK (NIK menunjukkan 12-05-1988)."
    )


def test_female_day_is_compared_after_removing_40():
    # NIK day 45 = the 5th; stating the 5th is right, stating the 15th is not.
    assert check_nik(SITI, birth_date=date(1987, 9, 5), sex="P").ok
    result = check_nik(SITI, birth_date=date(1987, 9, 15), sex="P")
    assert "NIK menunjukkan 05-09-1987" in result.errors["tanggal_lahir"]


def test_wrong_month_is_a_tanggal_lahir_error():
    result = check_nik(SITI, birth_date=date(1987, 10, 5), sex="P")
    assert "NIK menunjukkan 05-09-1987" in result.errors["tanggal_lahir"]


def test_century_comes_from_the_stated_birth_date():
    nik = BALANGAN_KEC_01 + "100605" + "0001"  # 10 June '05
    # The NIK cannot tell 1905 from 2005; both stated dates agree with it.
    assert check_nik(nik, birth_date=date(2005, 6, 10), sex="L").ok
    assert check_nik(nik, birth_date=date(1905, 6, 10), sex="L").ok
    # A year a century away from "05" in the last two digits is still wrong.
    assert "tanggal_lahir" in check_nik(nik, birth_date=date(2006, 6, 10), sex="L").errors


def test_nik_date_in_message_uses_the_century_nearest_the_stated_year():
    # Stated 31 Dec 1999, NIK says 31 Dec '00: the nearest reading is 2000, not 1900.
    nik = BALANGAN_KEC_01 + "311200" + "0001"
    result = check_nik(nik, birth_date=date(1999, 12, 31), sex="L")
    assert "NIK menunjukkan 31-12-2000" in result.errors["tanggal_lahir"]
    # Stated 1 Jan 2001, NIK says 1 Jan '99: nearest is 1999.
    nik = BALANGAN_KEC_01 + "010199" + "0001"
    result = check_nik(nik, birth_date=date(2001, 1, 1), sex="L")
    assert "NIK menunjukkan 01-01-1999" in result.errors["tanggal_lahir"]


def test_no_tanggal_lahir_error_when_the_nik_date_itself_is_invalid():
    # The NIK is what needs fixing; blaming the stated date as well would mislead.
    result = check_nik(BALANGAN_KEC_01 + "310299" + "0001", birth_date=date(1999, 2, 28), sex="L")
    assert "nik" in result.errors
    assert "tanggal_lahir" not in result.errors


# --- agreement with the stated sex ----------------------------------------------------------


def test_woman_nik_with_stated_male_is_a_jenis_kelamin_error():
    result = check_nik(SITI, birth_date=date(1987, 9, 5), sex="L")
    assert not result.ok
    assert result.errors["jenis_kelamin"].startswith("Jenis kelamin tidak sesuai dengan NIK:")
    assert "NIK menunjukkan perempuan" in result.errors["jenis_kelamin"]
    assert "tanggal_lahir" not in result.errors


def test_man_nik_with_stated_female_is_a_jenis_kelamin_error():
    result = check_nik(BUDI, birth_date=date(1988, 3, 12), sex="P")
    assert result.errors["jenis_kelamin"].startswith("Jenis kelamin tidak sesuai dengan NIK:")
    assert "NIK menunjukkan laki-laki" in result.errors["jenis_kelamin"]


@pytest.mark.parametrize("sex", ["X", "", "perempuan", "l"])
def test_sex_other_than_L_or_P_is_a_jenis_kelamin_error(sex):
    result = check_nik(SITI, birth_date=date(1987, 9, 5), sex=sex)
    assert not result.ok
    assert "'L'" in result.errors["jenis_kelamin"]
    assert "'P'" in result.errors["jenis_kelamin"]


def test_invalid_sex_is_reported_even_when_nik_is_malformed():
    result = check_nik("123", birth_date=None, sex="X")
    assert set(result.errors) == {"nik", "jenis_kelamin"}


# --- region: warnings, never errors ---------------------------------------------------------


def test_unknown_province_is_a_warning_not_an_error():
    result = check_nik("991101" + "450987" + "0001", birth_date=date(1987, 9, 5), sex="P")
    assert result.ok
    assert result.errors == {}
    assert len(result.warnings) == 1
    assert "99" in result.warnings[0]
    assert "tidak dikenal" in result.warnings[0]


def test_unknown_kabupaten_in_kalimantan_selatan_is_a_warning():
    # Kalimantan Selatan has kabupaten 01–11 and kota 71–72; 63.15 does not exist.
    result = check_nik("631501" + "450987" + "0001", birth_date=None, sex=None)
    assert result.ok
    assert any("63.15" in w and "Kalimantan Selatan" in w for w in result.warnings)


def test_kabupaten_of_province_without_list_is_not_warned_about():
    # 32.73 (Kota Bandung) is real; we hold no Jawa Barat list, so no verdict either way.
    result = check_nik("327301" + "450987" + "0001", birth_date=None, sex=None)
    assert result.ok
    assert result.warnings == []


def test_kecamatan_00_is_a_warning():
    result = check_nik("631100" + "450987" + "0001", birth_date=None, sex=None)
    assert result.ok
    assert any("63.11.00" in w for w in result.warnings)


def test_nik_from_another_kabupaten_than_the_address_is_a_warning():
    # Born and registered in Balangan, now living in Banjarmasin.
    result = check_nik(SITI, birth_date=date(1987, 9, 5), sex="P", region_code="63.71")
    assert result.ok
    assert len(result.warnings) == 1
    assert "Balangan" in result.warnings[0]
    assert "Banjarmasin" in result.warnings[0]


def test_address_given_as_kecamatan_or_desa_in_the_same_kabupaten_is_no_warning():
    assert check_nik(SITI, birth_date=None, sex=None, region_code="63.11.05").warnings == []
    assert check_nik(SITI, birth_date=None, sex=None, region_code="63.11.01.2001").warnings == []


def test_address_given_as_province():
    assert check_nik(SITI, birth_date=None, sex=None, region_code="63").warnings == []
    result = check_nik(SITI, birth_date=None, sex=None, region_code="64")
    assert result.ok
    assert any("Kalimantan Timur" in w for w in result.warnings)


def test_malformed_address_region_code_is_a_programming_error():
    with pytest.raises(ValueError):
        check_nik(SITI, birth_date=None, sex=None, region_code="6311")


# --- masking --------------------------------------------------------------------------------


def test_mask_nik_keeps_only_first_four_and_last_two_digits():
    masked = mask_nik(SITI)
    assert masked == "6311" + "*" * 10 + "01"
    assert len(masked) == 16
    # Neither the kecamatan (01) nor the birth date (450987) survives.
    assert "450987" not in masked
    assert masked[4:14] == "*" * 10


def test_mask_nik_hides_malformed_input_completely():
    assert mask_nik("631101450987000") == "*" * 15
    assert not any(ch.isdigit() for ch in mask_nik("6311 0145 0987 0001"))


# --- wilayah reference data used by the checks ----------------------------------------------


def test_wilayah_names_and_code_parts():
    assert wilayah.province_name("63") == "Kalimantan Selatan"
    assert wilayah.kabupaten_name("63.11") == "Balangan"
    assert wilayah.kabupaten_name("63.72") == "Banjarbaru"
    assert wilayah.kabupaten_name("63.99") is None
    assert wilayah.province_name("99") is None
    assert wilayah.province_of("63.11.01") == "63"
    assert wilayah.kabupaten_of("63.11.01") == "63.11"
    assert wilayah.kabupaten_of("63") is None


def test_wilayah_has_38_provinces_with_kemendagri_papua_codes():
    assert len(wilayah.PROVINCES) == 38
    # Kemendagri numbering (what NIKs carry), not the BPS one (Papua 94, Papua Barat 91).
    assert wilayah.province_name("91") == "Papua"
    assert wilayah.province_name("92") == "Papua Barat"
    assert wilayah.province_name("93") == "Papua Selatan"
    assert wilayah.province_name("94") == "Papua Tengah"
    assert wilayah.province_name("95") == "Papua Pegunungan"
    assert wilayah.province_name("96") == "Papua Barat Daya"


@pytest.mark.parametrize("code", ["63", "63.11", "63.11.01", "63.11.01.2001"])
def test_region_code_shapes_accepted(code):
    assert wilayah.is_valid_region_code(code)


@pytest.mark.parametrize("code", ["6", "6311", "63.1", "63.11.01.201", "63.11.01.2001.1", "63.11.", "ab", "63.11\n"])
def test_region_code_shapes_rejected(code):
    assert not wilayah.is_valid_region_code(code)
    with pytest.raises(ValueError):
        wilayah.province_of(code)
