"""Working-day (hari kerja) calendar: real 2026 dates a caseworker would check by hand.

Expected dates are worked out in comments from a 2026 wall calendar and the holiday data of
the `holidays` package, never from the function under test. Relevant 2026 facts:

* 1 March 2026 is a Sunday; 14 August a Friday; 17 August (Hari Kemerdekaan) a Monday.
* Hari Suci Nyepi: Thu 19 March. Idul Fitri 1447 H: Sat 21 and Sun 22 March.
  Cuti bersama around them: Wed 18 (Nyepi), Fri 20, Mon 23, Tue 24 March (Idul Fitri).
* Wafat Yesus Kristus (Good Friday): Fri 3 April.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from core.calendar import WorkingDayCalendar, national_holidays

WITH_CUTI = WorkingDayCalendar(cuti_bersama_libur=True)
WITHOUT_CUTI = WorkingDayCalendar(cuti_bersama_libur=False)


def test_dataset_has_the_2026_lebaran_dates_these_tests_rely_on() -> None:
    # If a `holidays` upgrade moves these dates, the hand-computed expectations below are stale:
    # this test names the reason instead of leaving a puzzling off-by-one elsewhere.
    public = national_holidays(2026, cuti_bersama_libur=False)
    assert public[date(2026, 3, 19)] == "Hari Suci Nyepi"
    assert public[date(2026, 3, 21)] == "Hari Raya Idul Fitri"
    assert public[date(2026, 3, 22)] == "Hari kedua dari Hari Raya Idul Fitri"
    assert public[date(2026, 4, 3)] == "Wafat Yesus Kristus"
    assert public[date(2026, 8, 17)] == "Hari Kemerdekaan Republik Indonesia"
    assert not any(name.startswith("Cuti Bersama") for name in public.values())

    with_cuti = national_holidays(2026, cuti_bersama_libur=True)
    cuti_march = {
        d for d, name in with_cuti.items() if name.startswith("Cuti Bersama") and d.month == 3
    }
    assert cuti_march == {
        date(2026, 3, 18), date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24)
    }
    assert with_cuti[date(2026, 3, 23)] == "Cuti Bersama Hari Raya Idul Fitri"


def test_national_holidays_returns_a_copy_that_cannot_corrupt_the_cache() -> None:
    stolen = national_holidays(2026, cuti_bersama_libur=True)
    stolen.clear()
    stolen[date(2026, 8, 18)] = "fake"
    assert WITH_CUTI.reason_off(date(2026, 8, 17)) == "Hari Kemerdekaan Republik Indonesia"
    assert WITH_CUTI.is_working_day(date(2026, 8, 18))


def test_independence_day_2026_skips_weekend_and_monday_holiday() -> None:
    assert date(2026, 8, 17).weekday() == 0  # Monday
    assert WITH_CUTI.reason_off(date(2026, 8, 17)) == "Hari Kemerdekaan Republik Indonesia"
    assert not WITH_CUTI.is_working_day(date(2026, 8, 17))
    # Fri 14 Aug + 1 working day: Sat 15, Sun 16, Mon 17 (holiday) are skipped -> Tue 18 Aug.
    assert WITH_CUTI.add_working_days(date(2026, 8, 14), 1) == date(2026, 8, 18)
    assert WITHOUT_CUTI.add_working_days(date(2026, 8, 14), 1) == date(2026, 8, 18)


def test_idul_fitri_2026_cuti_bersama_push_a_14_day_deadline_later() -> None:
    start = date(2026, 3, 16)  # Monday before Lebaran
    # cuti_bersama_libur=True: Tue 17 Mar (1); Wed 18 cuti, Thu 19 Nyepi, Fri 20 cuti,
    # Sat 21 Idul Fitri, Sun 22, Mon 23 cuti, Tue 24 cuti are skipped; Wed 25 (2), Thu 26 (3),
    # Fri 27 (4), Mon 30 (5), Tue 31 (6), Wed 1 Apr (7), Thu 2 (8); Fri 3 Good Friday skipped;
    # Mon 6 (9), Tue 7 (10), Wed 8 (11), Thu 9 (12), Fri 10 (13), Mon 13 Apr (14).
    assert WITH_CUTI.add_working_days(start, 14) == date(2026, 4, 13)
    # cuti_bersama_libur=False: Tue 17 (1), Wed 18 (2); Thu 19 Nyepi skipped; Fri 20 (3);
    # weekend of Idul Fitri skipped; Mon 23 (4), Tue 24 (5), Wed 25 (6), Thu 26 (7), Fri 27 (8),
    # Mon 30 (9), Tue 31 (10), Wed 1 Apr (11), Thu 2 (12); Good Friday skipped;
    # Mon 6 (13), Tue 7 Apr (14).
    assert WITHOUT_CUTI.add_working_days(start, 14) == date(2026, 4, 7)


def test_cuti_bersama_day_is_off_only_when_the_tenant_says_so() -> None:
    cuti = date(2026, 3, 23)  # Monday after Idul Fitri
    assert WITH_CUTI.reason_off(cuti) == "Cuti Bersama Hari Raya Idul Fitri"
    assert not WITH_CUTI.is_working_day(cuti)
    assert WITHOUT_CUTI.reason_off(cuti) is None
    assert WITHOUT_CUTI.is_working_day(cuti)


def test_holiday_name_wins_over_weekday_name() -> None:
    # Idul Fitri 2026 is on a Saturday: the user should read the holiday, not "Sabtu".
    assert WITHOUT_CUTI.reason_off(date(2026, 3, 21)) == "Hari Raya Idul Fitri"


def test_weekends_are_skipped_and_named() -> None:
    assert WITH_CUTI.reason_off(date(2026, 2, 7)) == "Sabtu"
    assert WITH_CUTI.reason_off(date(2026, 2, 8)) == "Minggu"
    assert WITH_CUTI.reason_off(date(2026, 2, 9)) is None
    # Fri 6 Feb + 1 -> Mon 9 Feb; + 5 -> Fri 13 Feb (no holidays that week).
    assert WITH_CUTI.add_working_days(date(2026, 2, 6), 1) == date(2026, 2, 9)
    assert WITH_CUTI.add_working_days(date(2026, 2, 6), 5) == date(2026, 2, 13)


def test_tenant_day_off_shifts_deadline_by_one_day() -> None:
    libur_daerah = date(2026, 2, 11)  # a Wednesday the kabupaten declared off
    tenant = WorkingDayCalendar([libur_daerah])
    assert tenant.reason_off(libur_daerah) == "Libur daerah"
    assert WITH_CUTI.reason_off(libur_daerah) is None
    # Mon 9 Feb + 3: Tue 10, Wed 11, Thu 12 -> Thu 12; with Wed 11 off -> Fri 13.
    assert WITH_CUTI.add_working_days(date(2026, 2, 9), 3) == date(2026, 2, 12)
    assert tenant.add_working_days(date(2026, 2, 9), 3) == date(2026, 2, 13)


def test_deadline_spanning_new_year() -> None:
    start = date(2026, 12, 23)  # Wednesday
    # With cuti: Thu 24 Dec cuti, Fri 25 Natal, weekend; Mon 28 (1), 29 (2), 30 (3), Thu 31 (4);
    # Fri 1 Jan 2027 Tahun Baru, weekend; Mon 4 Jan (5); Tue 5 Jan Isra Mikraj; Wed 6 Jan (6).
    assert WITH_CUTI.add_working_days(start, 6) == date(2027, 1, 6)
    # Without cuti: Thu 24 (1), Mon 28 (2), 29 (3), 30 (4), 31 (5), Mon 4 Jan 2027 (6).
    assert WITHOUT_CUTI.add_working_days(start, 6) == date(2027, 1, 4)
    assert WITH_CUTI.working_days_between(start, date(2027, 1, 6)) == 6


def test_working_days_in_2026() -> None:
    # 2026 starts on a Thursday: 52 weeks + 1 day -> 104 weekend days, 261 weekdays.
    # Public holidays on weekdays: 1 Jan, 16 Jan, 17 Feb, 19 Mar, 3 Apr, 1 May, 14 May, 27 May,
    # 1 Jun, 16 Jun, 17 Aug, 25 Aug, 25 Dec = 13 (21/22 Mar, 5 Apr, 31 May fall on Sundays or
    # Saturdays) -> 248. Cuti bersama, all on weekdays: 16 Feb, 18/20/23/24 Mar, 15 May,
    # 28 May, 24 Dec = 8 -> 240.
    year = (date(2025, 12, 31), date(2026, 12, 31))
    assert WITHOUT_CUTI.working_days_between(*year) == 248
    assert WITH_CUTI.working_days_between(*year) == 240


def test_n_zero_returns_start_even_on_a_day_off() -> None:
    assert WITH_CUTI.add_working_days(date(2026, 3, 4), 0) == date(2026, 3, 4)
    assert WITH_CUTI.add_working_days(date(2026, 8, 17), 0) == date(2026, 8, 17)


def test_negative_n_raises_value_error() -> None:
    with pytest.raises(ValueError, match="n must be >= 0"):
        WITH_CUTI.add_working_days(date(2026, 3, 4), -1)


def test_datetime_is_refused_to_avoid_time_zone_day_shifts() -> None:
    with pytest.raises(TypeError, match="datetime.date"):
        WITH_CUTI.add_working_days(datetime(2026, 3, 4, 23, 30), 1)
    with pytest.raises(TypeError):
        WorkingDayCalendar([datetime(2026, 3, 4)])


def test_working_days_between_is_empty_when_end_not_after_start() -> None:
    assert WITH_CUTI.working_days_between(date(2026, 3, 4), date(2026, 3, 4)) == 0
    assert WITH_CUTI.working_days_between(date(2026, 3, 5), date(2026, 3, 4)) == 0
    # start excluded, end included: Wed 4 -> Thu 5 is one working day.
    assert WITH_CUTI.working_days_between(date(2026, 3, 4), date(2026, 3, 5)) == 1


@pytest.mark.parametrize(
    "calendar",
    [WITH_CUTI, WITHOUT_CUTI, WorkingDayCalendar([date(2026, 2, 11), date(2026, 7, 1)])],
    ids=["cuti-libur", "cuti-kerja", "libur-daerah"],
)
def test_add_and_between_agree_for_every_start_in_2026(calendar: WorkingDayCalendar) -> None:
    start = date(2026, 1, 1)
    while start.year == 2026:
        for n in (1, 5, 14):
            end = calendar.add_working_days(start, n)
            assert calendar.is_working_day(end), (start, n, end)
            assert calendar.working_days_between(start, end) == n, (start, n, end)
            # The deadline is the first day reaching n: one day earlier is still short.
            assert calendar.working_days_between(start, end - timedelta(days=1)) == n - 1
        start += timedelta(days=1)
