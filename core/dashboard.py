"""The tenant's dashboard: cases by service and stage, new and closed cases per month, overdue
deadlines, and the open caseload of each Pekerja Sosial and TKS.

Every figure counts only the cases of plugins the tenant has enabled: a disabled plugin's cases
are kept (nothing is deleted, DESIGN.md principle 3) and are counted again once it is re-enabled.

The number of queries is fixed whatever the amount of data (grouped in SQL, no query per case
or per worker): 6, plus what each enabled plugin's `kesos_overdue_deadlines` asks (a COUNT and
a LIMIT, typically).
Months are counted in WIB, the legal "today" (core/tenancy/calendar.py): each month is a range
of UTC instants computed here, so the SQL is the same on SQLite and PostgreSQL.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING

from sqlalchemy import and_, case, func, select

from core.cases.models import Case, CaseAssignment
from core.staff.models import Membership, User
from core.tenancy.calendar import local_today, tenant_calendar

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.kernel import Kernel
    from core.tenancy.models import Tenant

_WIB = timezone(timedelta(hours=7))
BULAN_SINGKAT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
# Case workers whose caseload the dashboard shows (the officer supervises, not carries, cases).
CASELOAD_ROLES = ("peksos", "tks")
MAX_MONTHS = 36
OVERDUE_LIMIT = 10


# -- what a plugin answers through `kesos_overdue_deadlines` -----------------------------------


@dataclass(frozen=True)
class OverdueDeadline:
    """One deadline past due: the case, what is due (`jenis`, in Bahasa Indonesia, e.g. "Tanda
    pendaftaran belum diterbitkan"), the last day it was due, whether the regulation counts it
    in hari kerja (then days overdue are working days), and the article that sets it."""

    case_id: uuid.UUID
    jenis: str
    jatuh_tempo: date
    hari_kerja: bool
    citation: str


@dataclass(frozen=True)
class OverdueDeadlines:
    """A plugin's overdue deadlines on a day: how many there are, and the oldest of them (by
    due date, at most the `limit` asked for)."""

    plugin: str
    jumlah: int
    tertua: tuple[OverdueDeadline, ...] = ()


# -- the dashboard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageCount:
    code: str
    label: str
    terbuka: int
    ditutup: int


@dataclass(frozen=True)
class CaseTypeCounts:
    """The cases of one case type, per stage in the workflow's order (every stage, zero or not)."""

    plugin: str
    case_type: str
    label: str
    tahap: tuple[StageCount, ...]

    @property
    def terbuka(self) -> int:
        return sum(s.terbuka for s in self.tahap)

    @property
    def ditutup(self) -> int:
        return sum(s.ditutup for s in self.tahap)


@dataclass(frozen=True)
class MonthCount:
    bulan: date  # the first day of the month (WIB)
    label: str  # "Mei 2026"
    baru: int  # cases opened in the month
    ditutup: int  # cases closed in the month (whenever they were opened)


@dataclass(frozen=True)
class OverdueCount:
    plugin: str
    jumlah: int


@dataclass(frozen=True)
class OverdueItem:
    case_id: uuid.UUID
    kode: str  # a person-free label of the case (see case_code)
    plugin: str
    case_type: str
    jenis_kasus: str
    tahap: str
    tahap_label: str
    jenis: str
    jatuh_tempo: date
    hari_terlambat: int
    satuan: str  # "hari kerja" or "hari"
    citation: str


@dataclass(frozen=True)
class Caseload:
    user_id: uuid.UUID
    nama: str
    peran: tuple[str, ...]
    kasus_terbuka: int


@dataclass(frozen=True)
class Caseloads:
    """Open cases per Peksos/TKS. `rows` is every worker (`lengkap`) or only the viewer's own row;
    the two totals are the tenant's either way."""

    rows: tuple[Caseload, ...]
    jumlah_petugas: int
    jumlah_penugasan: int  # sum of the caseloads: a case with a Peksos and a TKS counts twice
    lengkap: bool


@dataclass(frozen=True)
class Dashboard:
    tanggal: date
    bulan: int
    per_jenis: tuple[CaseTypeCounts, ...]
    per_bulan: tuple[MonthCount, ...]
    terlambat_per_layanan: tuple[OverdueCount, ...]
    terlambat: tuple[OverdueItem, ...]
    beban_kerja: Caseloads

    @property
    def terlambat_jumlah(self) -> int:
        return sum(c.jumlah for c in self.terlambat_per_layanan)


def case_code(case_id: uuid.UUID) -> str:
    """A short label naming a case without naming its person: the last 8 hex digits of its id.
    (The first digits of a time-ordered id are a timestamp, shared by cases opened together.)"""
    return case_id.hex[-8:].upper()


def month_starts(today: date, months: int) -> list[date]:
    """The first days of the last `months` months up to today's, oldest first, and the next one."""
    y, m = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    starts.reverse()
    last = starts[-1]
    starts.append(date(last.year + last.month // 12, last.month % 12 + 1, 1))
    return starts


def _instant(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=_WIB).astimezone(timezone.utc)


def dashboard(
    session: Session,
    kernel: Kernel,
    tenant: Tenant,
    *,
    today: date | None = None,
    months: int = 12,
    caseload_of: uuid.UUID | None = None,
    overdue_limit: int = OVERDUE_LIMIT,
) -> Dashboard:
    """The tenant's dashboard on `today` (WIB) over the last `months` months. `caseload_of`
    restricts the named caseloads to that one worker (a viewer not allowed to see colleagues'
    caseloads); the totals stay the tenant's."""
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"months must be 1..{MAX_MONTHS}, got {months}")
    today = today or local_today()
    enabled = sorted(kernel.enabled_plugins(session, tenant))
    overdue_counts, overdue_items = _overdue(session, kernel, tenant, enabled, today, overdue_limit)
    return Dashboard(
        tanggal=today,
        bulan=months,
        per_jenis=_per_case_type(session, kernel, enabled),
        per_bulan=_per_month(session, enabled, today, months),
        terlambat_per_layanan=overdue_counts,
        terlambat=overdue_items,
        beban_kerja=_caseloads(session, tenant, enabled, caseload_of),
    )


def _per_case_type(session: Session, kernel: Kernel, enabled: list[str]) -> tuple[CaseTypeCounts, ...]:
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    plugin_of: dict[str, str] = {}
    rows = session.execute(
        select(Case.plugin, Case.case_type, Case.stage, Case.status, func.count())
        .where(Case.plugin.in_(enabled))
        .group_by(Case.plugin, Case.case_type, Case.stage, Case.status)
    )
    for plugin, case_type, stage, status, n in rows:
        counts[case_type][stage][0 if status == "open" else 1] += n
        plugin_of[case_type] = plugin
    registered = {name: ct for name, ct in kernel.plugins.case_types.items() if ct.plugin in enabled}
    out = []
    for name in sorted(set(registered) | set(counts), key=lambda n: (registered[n].plugin if n in registered else plugin_of[n], n)):
        ct = registered.get(name)
        stages = [(s.code, s.label) for s in ct.stages] if ct else []
        known = {code for code, _ in stages}
        # A stage no longer in the workflow (data from an older version) is shown, not dropped.
        stages += [(code, code) for code in sorted(counts[name]) if code not in known]
        out.append(
            CaseTypeCounts(
                plugin=ct.plugin if ct else plugin_of[name],
                case_type=name,
                label=ct.label if ct else name,
                tahap=tuple(StageCount(code, label, *counts[name].get(code, (0, 0))) for code, label in stages),
            )
        )
    return tuple(out)


def _per_month(session: Session, enabled: list[str], today: date, months: int) -> tuple[MonthCount, ...]:
    starts = month_starts(today, months)
    bounds = [_instant(d) for d in starts]
    columns = []
    for column in (Case.opened_at, Case.closed_at):
        for lo, hi in zip(bounds, bounds[1:]):
            columns.append(func.sum(case((and_(column >= lo, column < hi), 1), else_=0)))
    row = session.execute(select(*columns).where(Case.plugin.in_(enabled))).one()
    values = [int(v or 0) for v in row]  # SUM over no rows is NULL
    return tuple(
        MonthCount(d, f"{BULAN_SINGKAT[d.month - 1]} {d.year}", values[i], values[months + i])
        for i, d in enumerate(starts[:-1])
    )


def _overdue(
    session: Session, kernel: Kernel, tenant: Tenant, enabled: list[str], today: date, limit: int
) -> tuple[tuple[OverdueCount, ...], tuple[OverdueItem, ...]]:
    answers = [
        a
        for a in kernel.hooks(session, tenant).kesos_overdue_deadlines(session=session, tenant=tenant, today=today, limit=limit)
        if a is not None and a.plugin in enabled
    ]
    counts = tuple(OverdueCount(a.plugin, a.jumlah) for a in sorted(answers, key=lambda a: a.plugin))
    oldest = sorted(
        ((a.plugin, d) for a in answers for d in a.tertua), key=lambda pd: (pd[1].jatuh_tempo, pd[0], pd[1].case_id)
    )[:limit]
    # Always run (even with nothing overdue): the query count must not depend on the data.
    cases = {
        cid: (case_type, stage)
        for cid, case_type, stage in session.execute(
            select(Case.id, Case.case_type, Case.stage).where(Case.id.in_([d.case_id for _, d in oldest]))
        )
    }
    calendar = tenant_calendar(session, tenant)
    items = []
    for plugin, d in oldest:
        case_type, stage = cases.get(d.case_id, ("", ""))
        ct = kernel.plugins.case_type(case_type)
        labels = {s.code: s.label for s in ct.stages} if ct else {}
        if d.hari_kerja:
            late, unit = calendar.working_days_between(d.jatuh_tempo, today), "hari kerja"
        else:
            late, unit = max((today - d.jatuh_tempo).days, 0), "hari"
        items.append(
            OverdueItem(
                case_id=d.case_id, kode=case_code(d.case_id), plugin=plugin, case_type=case_type,
                jenis_kasus=ct.label if ct else case_type, tahap=stage, tahap_label=labels.get(stage, stage),
                jenis=d.jenis, jatuh_tempo=d.jatuh_tempo, hari_terlambat=late, satuan=unit, citation=d.citation,
            )
        )
    return counts, tuple(items)


def _caseloads(session: Session, tenant: Tenant, enabled: list[str], only: uuid.UUID | None) -> Caseloads:
    # Memberships are platform rows (no tenant scoping): filter by tenant explicitly.
    workers: dict[uuid.UUID, tuple[str, set[str]]] = {}
    for user_id, nama, role in session.execute(
        select(User.id, User.nama, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == tenant.id, Membership.role.in_(CASELOAD_ROLES))
    ):
        workers.setdefault(user_id, (nama, set()))[1].add(role)
    open_cases = dict(
        session.execute(
            select(CaseAssignment.user_id, func.count(func.distinct(Case.id)))
            .join(Case, and_(Case.tenant_id == CaseAssignment.tenant_id, Case.id == CaseAssignment.case_id))
            .where(Case.status == "open", Case.plugin.in_(enabled))
            .group_by(CaseAssignment.user_id)
        ).all()
    )
    rows = sorted(
        (
            Caseload(uid, nama, tuple(r for r in CASELOAD_ROLES if r in roles), int(open_cases.get(uid, 0)))
            for uid, (nama, roles) in workers.items()
        ),
        key=lambda c: (-c.kasus_terbuka, c.nama, str(c.user_id)),
    )
    return Caseloads(
        rows=tuple(r for r in rows if only is None or r.user_id == only),
        jumlah_petugas=len(rows),
        jumlah_penugasan=sum(r.kasus_terbuka for r in rows),
        lengkap=only is None,
    )
