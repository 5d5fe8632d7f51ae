"""Reading and checking a NIK (Nomor Induk Kependudukan) against what a person tells us.

A NIK is 16 digits: province (1–2), kabupaten/kota (3–4), kecamatan (5–6), birth date DDMMYY
(7–12, women's day + 40) and a serial (13–16). There is no checksum, so all we can check is
that the parts are possible and agree with the stated birth date and sex.

Errors are things the user must fix before we accept the record; each is keyed by the form
field to fix ("nik", "tanggal_lahir", "jenis_kelamin"). Warnings are never a reason to reject:
a NIK keeps the region code of where it was issued, regions split, and people move, so an
unknown or different region only deserves a second look.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.registry import wilayah

NIK_LENGTH = 16
_FEMALE_DAY_OFFSET = 40

# Form field names, also the keys of NikCheck.errors.
FIELD_NIK = "nik"
FIELD_BIRTH_DATE = "tanggal_lahir"
FIELD_SEX = "jenis_kelamin"

MALE = "L"
FEMALE = "P"
_SEX_WORD = {MALE: "laki-laki", FEMALE: "perempuan"}

MSG_NOT_16_DIGITS = "NIK harus terdiri dari 16 digit angka."


@dataclass(frozen=True)
class NikCheck:
    """Outcome of check_nik: errors reject the record, warnings only ask for a second look."""

    errors: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing blocks accepting the record (warnings may still be present)."""
        return not self.errors


@dataclass(frozen=True)
class NikParts:
    """The parts of a NIK, region codes in Kemendagri dotted form ("63", "63.11", "63.11.01").

    birth_date is None when digits 7–12 are not a real date. sex follows the NIK rule alone
    (day above 40 means "P"), even when the day is out of range.
    """

    province: str
    kabupaten: str
    kecamatan: str
    birth_date: date | None
    sex: str
    serial: str


def _is_16_digits(nik: object) -> bool:
    # isascii(): str.isdigit() also accepts e.g. Arabic-Indic or superscript digits.
    return isinstance(nik, str) and len(nik) == NIK_LENGTH and nik.isascii() and nik.isdigit()


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _fmt(day: int, month: int, year: int) -> str:
    """DD-MM-YYYY from numbers, so an impossible date (29-02-1900) can still be shown."""
    return f"{day:02d}-{month:02d}-{year:04d}"


def _date_digits(nik: str) -> tuple[int, int, int, int]:
    """(raw day, day without the +40, month, two-digit year) from digits 7–12."""
    raw_day = int(nik[6:8])
    day = raw_day - _FEMALE_DAY_OFFSET if raw_day > _FEMALE_DAY_OFFSET else raw_day
    return raw_day, day, int(nik[8:10]), int(nik[10:12])


def _guess_century(day: int, month: int, yy: int, today: date) -> date | None:
    """Without a stated birth date: the latest century that does not put the birth in the future."""
    recent = _make_date(2000 + yy, month, day)
    if recent is not None and recent <= today:
        return recent
    return _make_date(1900 + yy, month, day)


def _year_near(yy: int, stated_year: int) -> int:
    """The year ending in yy closest to the stated one (1999 vs "00" -> 2000, not 1900)."""
    base = stated_year - stated_year % 100 + yy
    return min((base - 100, base, base + 100), key=lambda y: abs(y - stated_year))


def parse_nik(nik: str, *, today: date | None = None) -> NikParts:
    """Split a NIK into its parts.

    The two-digit year is placed in the latest century that does not lie after `today`
    (default: the current date), so "87" is 1987 and "05" is 2005. That guess is wrong for
    people born more than a century ago; check_nik uses the stated birth date instead.

    Raises ValueError when the NIK is not exactly 16 ASCII digits.
    """
    if not _is_16_digits(nik):
        raise ValueError(MSG_NOT_16_DIGITS)
    raw_day, day, month, yy = _date_digits(nik)
    return NikParts(
        province=nik[0:2],
        kabupaten=f"{nik[0:2]}.{nik[2:4]}",
        kecamatan=f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}",
        birth_date=_guess_century(day, month, yy, today or date.today()),
        sex=FEMALE if raw_day > _FEMALE_DAY_OFFSET else MALE,
        serial=nik[12:16],
    )


def _describe_kabupaten(code: str) -> str:
    """ "Kabupaten Balangan (63.11)" when known, else "kabupaten/kota 63.15"."""
    name = wilayah.kabupaten_name(code)
    if name is None:
        return f"kabupaten/kota {code}"
    return f"{'Kota' if wilayah.is_kota(code) else 'Kabupaten'} {name} ({code})"


def _describe_province(code: str) -> str:
    name = wilayah.province_name(code)
    return f"Provinsi {name} ({code})" if name else f"provinsi {code}"


def _region_warnings(nik: str, region_code: str | None) -> list[str]:
    """Unknown or unusual region parts, and a NIK region that differs from the address."""
    warnings: list[str] = []
    province = nik[0:2]
    kabupaten = f"{province}.{nik[2:4]}"
    kecamatan = f"{kabupaten}.{nik[4:6]}"

    province_name = wilayah.province_name(province)
    if province_name is None:
        warnings.append(
            f"Kode wilayah NIK {province} tidak dikenal sebagai kode provinsi Kemendagri "
            "(digit 1–2). Periksa kembali NIK; data tetap dapat disimpan."
        )
    elif nik[2:4] == "00" or (
        wilayah.has_kabupaten_list(province) and wilayah.kabupaten_name(kabupaten) is None
    ):
        warnings.append(
            f"Kode kabupaten/kota NIK {kabupaten} tidak dikenal di Provinsi {province_name} "
            "(digit 3–4). Periksa kembali NIK; data tetap dapat disimpan."
        )
    if nik[4:6] == "00":
        warnings.append(
            f"Kode kecamatan NIK {kecamatan} berakhiran 00, yang bukan kode kecamatan "
            "(digit 5–6). Periksa kembali NIK; data tetap dapat disimpan."
        )

    if region_code is not None:
        address_kabupaten = wilayah.kabupaten_of(region_code)  # ValueError on a malformed code
        if address_kabupaten is None:
            if region_code != province:
                warnings.append(
                    f"NIK diterbitkan di {_describe_province(province)}, sedangkan alamat berada di "
                    f"{_describe_province(region_code)}. Hal ini wajar bila penduduk pindah; "
                    "pastikan alamat sudah benar."
                )
        elif address_kabupaten != kabupaten:
            warnings.append(
                f"NIK diterbitkan di {_describe_kabupaten(kabupaten)}, sedangkan alamat berada di "
                f"{_describe_kabupaten(address_kabupaten)}. Hal ini wajar bila penduduk pindah; "
                "pastikan alamat sudah benar."
            )
    return warnings


def check_nik(
    nik: str,
    *,
    birth_date: date | None,
    sex: str | None,
    region_code: str | None = None,
) -> NikCheck:
    """Check a NIK and whether it agrees with the stated birth date, sex and address region.

    birth_date / sex: what the person stated (None = not asked); sex is "L" or "P".
    region_code: the address region ("63.11", or a province/kecamatan/desa code); a NIK from
    another region is only a warning, because people move. Raises ValueError when region_code
    is not shaped like a region code, since that is a caller's bug, not the user's.
    """
    errors: dict[str, str] = {}
    if region_code is not None and not wilayah.is_valid_region_code(region_code):
        raise ValueError(f"Kode wilayah alamat {region_code!r} tidak valid.")

    sex_known = sex in (MALE, FEMALE)
    if sex is not None and not sex_known:
        errors[FIELD_SEX] = "Jenis kelamin harus diisi 'L' (laki-laki) atau 'P' (perempuan)."

    if not _is_16_digits(nik):
        errors[FIELD_NIK] = MSG_NOT_16_DIGITS
        return NikCheck(errors=errors, warnings=[])

    nik_problems: list[str] = []
    raw_day, day, month, yy = _date_digits(nik)
    day_ok = 1 <= raw_day <= 31 or 41 <= raw_day <= 71
    month_ok = 1 <= month <= 12
    if not day_ok:
        nik_problems.append(
            f"Tanggal lahir pada NIK (digit 7–8: {nik[6:8]}) tidak valid: harus 01–31 untuk "
            "laki-laki atau 41–71 untuk perempuan (tanggal ditambah 40)."
        )
    if not month_ok:
        nik_problems.append(
            f"Bulan lahir pada NIK (digit 9–10: {nik[8:10]}) tidak valid: harus 01–12."
        )
    # 20YY is a leap year whenever 19YY is, so a date that exists in either century exists in 20YY.
    date_ok = day_ok and month_ok and _make_date(2000 + yy, month, day) is not None
    if day_ok and month_ok and not date_ok:
        nik_problems.append(
            f"Tanggal lahir pada NIK (digit 7–12: {nik[6:12]}) tidak ada di kalender: "
            f"{day:02d}-{month:02d}-{yy:02d}."
        )
    if nik[12:16] == "0000":
        nik_problems.append("Nomor urut pada NIK (4 digit terakhir) tidak boleh 0000.")
    if nik_problems:
        errors[FIELD_NIK] = " ".join(nik_problems)

    if date_ok and birth_date is not None:
        if (birth_date.day, birth_date.month, birth_date.year % 100) != (day, month, yy):
            nik_year = _year_near(yy, birth_date.year)
            errors[FIELD_BIRTH_DATE] = (
                f"Tanggal lahir {_fmt(birth_date.day, birth_date.month, birth_date.year)} "
                f"tidak sesuai dengan NIK (NIK menunjukkan {_fmt(day, month, nik_year)})."
            )

    if day_ok and sex_known:
        nik_sex = FEMALE if raw_day > _FEMALE_DAY_OFFSET else MALE
        if sex != nik_sex:
            errors[FIELD_SEX] = (
                f"Jenis kelamin tidak sesuai dengan NIK: NIK menunjukkan {_SEX_WORD[nik_sex]} "
                f"(digit 7–8: {nik[6:8]}; perempuan bila tanggal ditambah 40), "
                f"sedangkan yang diisi {_SEX_WORD[sex]}."
            )

    return NikCheck(errors=errors, warnings=_region_warnings(nik, region_code))


def mask_nik(nik: str) -> str:
    """NIK for display and logs: only the first 4 and last 2 digits, "6311**********01".

    The first 4 (kabupaten/kota) help staff spot a NIK from the wrong region and the last 2
    let them match a record against the card the person holds. The kecamatan and birth date
    stay hidden because region and birth date together narrow a NIK down to a handful of
    people. Anything that is not a 16-digit NIK is masked entirely: a mistyped NIK is still
    nearly a real one.
    """
    if not _is_16_digits(nik):
        return "*" * len(nik) if isinstance(nik, str) else "*" * NIK_LENGTH
    return nik[:4] + "*" * (NIK_LENGTH - 6) + nik[-2:]
