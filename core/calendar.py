"""The legal working-day (hari kerja) calendar.

Indonesian regulations set their deadlines in *hari kerja*, not calendar days. PP 39/2012
Pasal 58, for instance, requires the tanda pendaftaran to be issued within 14 working days, so
a case received just before Lebaran is due well after a naive "+14 calendar days" would
suggest. A day is *not* a working day when it is:

* a Saturday or Sunday;
* an Indonesian national holiday (hari libur nasional);
* a cuti bersama day, if the tenant counts them as days off (``cuti_bersama_libur=True``).
  Cuti bersama are collective leave days decreed each year by SKB 3 Menteri / Keppres around
  Idul Fitri, Natal and other holidays. They bind the civil service's leave, not every office,
  so whether a kabupaten's services close on them is the kabupaten's own decision;
* a day off the kabupaten declares itself (libur daerah), passed in as ``days_off``.

Holiday data comes from the maintained ``holidays`` package rather than a table of our own,
because the dates change every year (Islamic holidays follow the government's sidang isbat,
cuti bersama follow each year's SKB) and a hand-kept list goes stale silently.
``holidays.Indonesia`` exposes the two kinds of day as separate categories:

* ``PUBLIC`` – the national holidays;
* ``GOVERNMENT`` – the cuti bersama (named "Cuti Bersama ..."), listed year by year from the
  decrees, so only years already decreed when the installed package was released have any.

Names are taken in Bahasa Indonesia (``language="id"``, the package's default for Indonesia).
Limits worth knowing when reading a computed deadline:

* For years beyond the package's confirmed data, lunar-calendar holiday dates (Islamic,
  Imlek) are astronomical estimates, marked "(perkiraan)" in their names, and cuti bersama are simply
  absent. A deadline far in the future can therefore move once the year is decreed; upgrading
  ``holidays`` picks up new decrees.
* Days given as ``date`` objects are local calendar days. ``datetime`` values are refused,
  because converting a UTC timestamp to a date can land on the wrong day in WIB/WITA/WIT.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays
from holidays.constants import GOVERNMENT, PUBLIC

# The cuti bersama come only from this category; a `holidays` release lacking it would make
# cuti_bersama_libur=True silently wrong, so fail at import instead.
if GOVERNMENT not in holidays.Indonesia.supported_categories:  # pragma: no cover
    raise ImportError(
        f"holidays {holidays.__version__} has no GOVERNMENT (cuti bersama) category for "
        "Indonesia; upgrade the `holidays` package"
    )

_WEEKEND_NAMES: dict[int, str] = {5: "Sabtu", 6: "Minggu"}
TENANT_DAY_OFF_REASON = "Libur daerah"
_ONE_DAY = timedelta(days=1)


# Two entries per year; 256 covers any realistic span of deadlines.
@lru_cache(maxsize=256)
def _holidays_for(year: int, cuti_bersama_libur: bool) -> Mapping[date, str]:
    # Building a holidays object evaluates every rule of the year (lunar calendars included),
    # so deadline loops must not rebuild it per day. A read-only view keeps callers from
    # corrupting the shared cache.
    categories = (PUBLIC, GOVERNMENT) if cuti_bersama_libur else (PUBLIC,)
    calendar = holidays.Indonesia(years=year, categories=categories, language="id")
    return MappingProxyType(dict(calendar))


def national_holidays(year: int, *, cuti_bersama_libur: bool) -> dict[date, str]:
    """National holidays of `year` (plus cuti bersama if they count as days off), by date.

    When two holidays share a date the package joins their names with "; ".
    Returns a fresh dict; the cached data underneath is never exposed for mutation.
    """
    return dict(_holidays_for(year, bool(cuti_bersama_libur)))


def _as_date(value: object, name: str) -> date:
    # datetime is a subclass of date, so it must be checked first (see module docstring).
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(
            f"{name} must be a datetime.date (a local calendar day), got {type(value).__name__}"
        )
    return value


class WorkingDayCalendar:
    """Working days of one tenant: weekends, national holidays, optionally cuti bersama, and
    the tenant's own declared days off are excluded."""

    def __init__(
        self, days_off: Iterable[date] = (), *, cuti_bersama_libur: bool = True
    ) -> None:
        self._days_off: frozenset[date] = frozenset(
            _as_date(d, "days_off entry") for d in days_off
        )
        self._cuti_bersama_libur: bool = bool(cuti_bersama_libur)

    @property
    def days_off(self) -> frozenset[date]:
        return self._days_off

    @property
    def cuti_bersama_libur(self) -> bool:
        return self._cuti_bersama_libur

    def reason_off(self, day: date) -> str | None:
        """Why `day` is not a working day, or None if it is one.

        A holiday's name wins over the weekday (Idul Fitri on a Saturday reads "Hari Raya
        Idul Fitri", not "Sabtu") because it tells the user more.
        """
        day = _as_date(day, "day")
        holiday = _holidays_for(day.year, self._cuti_bersama_libur).get(day)
        if holiday is not None:
            return holiday
        if day in self._days_off:
            return TENANT_DAY_OFF_REASON
        return _WEEKEND_NAMES.get(day.weekday())

    def is_working_day(self, day: date) -> bool:
        return self.reason_off(day) is None

    def add_working_days(self, start: date, n: int) -> date:
        """The date that is `n` working days after `start`.

        `start` itself is not counted: "within 14 working days after X" ends on
        add_working_days(X, 14). n == 0 returns `start` unchanged, even on a day off.
        """
        start = _as_date(start, "start")
        # bool is an int subclass; a float would make the count ambiguous.
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n must be an int number of working days, got {type(n).__name__}")
        if n < 0:
            raise ValueError(
                f"n must be >= 0 working days, got {n}; counting backwards is not supported"
            )
        day = start
        remaining = n
        while remaining:
            day += _ONE_DAY
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Number of working days d with start < d <= end (0 if end <= start)."""
        start = _as_date(start, "start")
        end = _as_date(end, "end")
        count = 0
        day = start + _ONE_DAY
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += _ONE_DAY
        return count

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(days_off=<{len(self._days_off)} days>, "
            f"cuti_bersama_libur={self._cuti_bersama_libur})"
        )
