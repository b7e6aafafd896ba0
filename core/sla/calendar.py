"""The working-day calendar: official PRC data, admin-entered days, weekends as the fallback.

Sources, in order of precedence for one day:
1. a ``CalendarDay`` row entered by a township admin (source "admin");
2. the ``chinese_calendar`` package for the years the State Council has announced
   (statutory holidays, 调休 make-up workdays, otherwise Monday–Friday; source "official");
3. a year with at least one admin row counts as entered: Monday–Friday (source "admin");
4. otherwise Monday–Friday with ``uncovered`` set (source "fallback"), so every deadline that
   depended on such a day carries a warning.

The whole range 2000–2100 is laid out once per process in flat arrays (working flag, source,
prefix sums of working and uncovered days), so a deadline is a few bisects, not a loop or a
query per day. The arrays are rebuilt only when the ``calendar_day`` table changes: each
application context (one request, one job run) compares a cheap fingerprint of the table once,
and a commit in this process that touches the table forces the next lookup to compare again.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar
from flask import g, has_app_context
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from core.sla.text import _
from core.time import local_today

OFFICIAL, ADMIN, FALLBACK = 0, 1, 2
SOURCE_NAMES = ("official", "admin", "fallback")
SPAN_FIRST = date(2000, 1, 1)
SPAN_LAST = date(2100, 12, 31)

_OFFICIAL_YEARS = range(
    min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1
)


def official_years() -> range:
    """The years the installed ``chinese_calendar`` package covers (e.g. 2004–2026)."""
    return _OFFICIAL_YEARS


def official_day(day: date) -> tuple[bool, str | None] | None:
    """(working?, English holiday value or None) from the package, or None outside its years."""
    if day.year not in _OFFICIAL_YEARS:
        return None
    if day in chinese_calendar.workdays:
        return True, chinese_calendar.workdays[day]
    if day in chinese_calendar.holidays:
        return False, chinese_calendar.holidays[day]
    return day.weekday() < 5, None


@dataclass(frozen=True)
class SpecialDay:
    """A day that differs from, or names, the plain weekend rule."""

    day: date
    working: bool
    name: str  # official: the package's English value (translated when shown); admin: as typed
    source: str  # "official" | "admin"


class CalendarOutOfRange(ValueError):
    """A date outside the years the engine lays out (2000–2100)."""


class CalendarSnapshot:
    """An immutable layout of every day in 2000–2100 (see the module docstring).

    Indices are day offsets from 2000-01-01. ``cum_work[i]`` is the number of working days
    with index < i, so working days in (a, b] are ``cum_work[b + 1] - cum_work[a + 1]``.
    """

    def __init__(self, admin_rows: dict[date, tuple[bool, str]], fingerprint=None):
        self.fingerprint = fingerprint
        self.base = SPAN_FIRST.toordinal()
        self.size = SPAN_LAST.toordinal() - self.base + 1
        admin_years: dict[int, int] = {}
        for day in admin_rows:
            admin_years[day.year] = admin_years.get(day.year, 0) + 1
        self.admin_years = admin_years
        self.admin_rows = admin_rows
        self.work, self.source = self._lay_out_years()
        self.specials = self._special_days()
        self.special_ordinals = sorted(self.specials)
        self.cum_work, self.cum_unc = self._cumulate()

    def _lay_out_years(self) -> tuple[bytearray, bytearray]:
        """Working day or not, and where that comes from, for every day of every year:
        the official calendar, else the administrator's entries, else Monday to Friday."""
        work = bytearray(self.size)
        source = bytearray(self.size)
        for year in range(SPAN_FIRST.year, SPAN_LAST.year + 1):
            first = date(year, 1, 1).toordinal() - self.base
            last = date(year, 12, 31).toordinal() - self.base
            if year in _OFFICIAL_YEARS:
                year_source = OFFICIAL
            elif year in self.admin_years:
                year_source = ADMIN
            else:
                year_source = FALLBACK
            for i in range(first, last + 1):
                # date(1, 1, 1) has ordinal 1 and is a Monday.
                work[i] = (self.base + i - 1) % 7 < 5
                source[i] = year_source
            if year_source == OFFICIAL:
                for day in _days_of_year(chinese_calendar.holidays, year):
                    work[day.toordinal() - self.base] = 0
                for day in _days_of_year(chinese_calendar.workdays, year):
                    work[day.toordinal() - self.base] = 1
        return work, source

    def _special_days(self) -> dict[int, SpecialDay]:
        """Official holidays and make-up days, then the administrator's days over them (which
        also overrule ``work`` and ``source``)."""
        specials: dict[int, SpecialDay] = {}
        for table, working in (
            (chinese_calendar.holidays, False),
            (chinese_calendar.workdays, True),
        ):
            for day, value in table.items():
                if SPAN_FIRST <= day <= SPAN_LAST:
                    specials[day.toordinal()] = SpecialDay(day, working, value, "official")
        for day, (working, name) in self.admin_rows.items():
            if SPAN_FIRST <= day <= SPAN_LAST:
                i = day.toordinal() - self.base
                self.work[i] = 1 if working else 0
                self.source[i] = ADMIN
                specials[day.toordinal()] = SpecialDay(day, working, name, "admin")
        return specials

    def _cumulate(self) -> tuple[list[int], list[int]]:
        """Running counts of working days and of days outside every known calendar."""
        cum_work = [0] * (self.size + 1)
        cum_unc = [0] * (self.size + 1)
        w = u = 0
        for i in range(self.size):
            w += self.work[i]
            u += self.source[i] == FALLBACK
            cum_work[i + 1] = w
            cum_unc[i + 1] = u
        return cum_work, cum_unc

    # --- index helpers (hot path) ---------------------------------------------------------

    def index(self, day: date) -> int:
        """The array index of ``day``; CalendarOutOfRange outside 2000–2100."""
        i = day.toordinal() - self.base
        if not 0 <= i < self.size:
            raise CalendarOutOfRange(
                _(
                    "日期 %(day)s 超出期限计算范围（%(first)d–%(last)d 年）。",
                    day=day.isoformat(),
                    first=SPAN_FIRST.year,
                    last=SPAN_LAST.year,
                )
            )
        return i

    def day(self, i: int) -> date:
        """The date at index ``i``."""
        return date.fromordinal(self.base + i)

    def nth_working_after(self, i: int, n: int) -> int:
        """Index of the n-th working day after index ``i`` (n ≥ 1)."""
        j = bisect_left(self.cum_work, self.cum_work[i + 1] + n) - 1
        if j >= self.size:
            raise CalendarOutOfRange(
                _("期限超出期限计算范围（至 %(last)d 年）。", last=SPAN_LAST.year)
            )
        return j

    def working_on_or_after(self, i: int) -> int:
        """Index of the first working day at or after index ``i``."""
        return i if self.work[i] else self.nth_working_after(i, 1)

    def working_between(self, i: int, j: int) -> int:
        """Working days in (i, j] for i ≤ j."""
        return self.cum_work[j + 1] - self.cum_work[i + 1]

    def uncovered_between(self, i: int, j: int) -> bool:
        """True when a day in (i, j] has no calendar source."""
        return self.cum_unc[j + 1] != self.cum_unc[i + 1]

    def specials_between(self, i: int, j: int) -> list[SpecialDay]:
        """Special days with index in (i, j], in date order."""
        lo = bisect_right(self.special_ordinals, self.base + i)
        hi = bisect_right(self.special_ordinals, self.base + j)
        return [self.specials[o] for o in self.special_ordinals[lo:hi]]

    def year_source(self, year: int) -> str:
        """ "official", "admin" or "fallback" for a whole year (admin overrides aside)."""
        if year in _OFFICIAL_YEARS:
            return "official"
        if year in self.admin_years:
            return "admin"
        return "fallback"

    def uncovered_years(self, i: int, j: int) -> list[int]:
        """The years of the days in (i, j] that have no calendar source."""
        if not self.uncovered_between(i, j):
            return []
        first, last = self.day(i + 1).year, self.day(j).year
        return [y for y in range(first, last + 1) if self.year_source(y) == "fallback"]


def _days_of_year(table: dict, year: int):
    return [day for day in table if day.year == year]


# --- the per-process cache --------------------------------------------------------------

_lock = threading.Lock()
_state = {"snapshot": None, "official": None, "generation": 0}


def _fingerprint():
    """A cheap summary of the ``calendar_day`` table that changes with every edit."""
    from core.extensions import db
    from core.sla.models import CalendarDay

    # No autoflush: a caller may be half-way through building a case when it asks for a date.
    with db.session.no_autoflush:
        row = db.session.execute(
            select(
                func.count(CalendarDay.id),
                func.max(CalendarDay.id),
                func.sum(CalendarDay.id),
                func.max(CalendarDay.updated_at),
            )
        ).one()
    return tuple(str(v) for v in row)


def _load_admin_rows() -> dict[date, tuple[bool, str]]:
    from core.extensions import db
    from core.sla.models import CalendarDay, DayKind

    with db.session.no_autoflush:
        rows = db.session.execute(select(CalendarDay.day, CalendarDay.kind, CalendarDay.name)).all()
    return {day: (kind == DayKind.WORKDAY, name) for day, kind, name in rows}


def get_calendar() -> CalendarSnapshot:
    """The current calendar; admin rows are re-checked once per application context."""
    if not has_app_context():
        # No database to ask: the official data and the weekend fallback only.
        official = _state.get("official")
        if official is None:
            official = _state["official"] = CalendarSnapshot({})
        return official
    snapshot = _state["snapshot"]
    generation = _state["generation"]
    if snapshot is not None and g.get("_sla_calendar_generation") == generation:
        return snapshot
    fingerprint = _fingerprint()
    if snapshot is None or snapshot.fingerprint != fingerprint:
        with _lock:
            snapshot = _state["snapshot"]
            if snapshot is None or snapshot.fingerprint != fingerprint:
                snapshot = CalendarSnapshot(_load_admin_rows(), fingerprint)
                _state["snapshot"] = snapshot
    g._sla_calendar_generation = generation
    return snapshot


def invalidate_calendar() -> None:
    """Make the next lookup re-read the admin-entered days (after changes made outside the ORM)."""
    _state["generation"] += 1


@event.listens_for(Session, "after_flush")
def _note_calendar_change(session, flush_context):
    from core.sla.models import CalendarDay

    if any(
        isinstance(obj, CalendarDay) for obj in (*session.new, *session.dirty, *session.deleted)
    ):
        session.info["sla_calendar_touched"] = True
        invalidate_calendar()


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _calendar_transaction_ended(session, *args):
    if session.info.pop("sla_calendar_touched", False):
        invalidate_calendar()


# --- public lookups -----------------------------------------------------------------------


def is_working_day(day: date) -> tuple[bool, str]:
    """(working?, source) for ``day``; source is "official", "admin" or "fallback"."""
    cal = get_calendar()
    i = cal.index(day)
    return bool(cal.work[i]), SOURCE_NAMES[cal.source[i]]


def working_days_between(a: date, b: date) -> int:
    """Working days after ``a`` up to and including ``b`` (the Civil Code's way of counting).

    ``working_days_between(d, d) == 0``; when ``b`` is before ``a`` the result is the negative
    count of working days in (b, a].
    """
    cal = get_calendar()
    i, j = cal.index(a), cal.index(b)
    return cal.working_between(i, j) if i <= j else -cal.working_between(j, i)


def add_working_days(day: date, n: int) -> date:
    """The n-th working day after ``day`` (n ≥ 1)."""
    if n < 1:
        raise ValueError(_("工作日数必须至少为 1。"))
    cal = get_calendar()
    return cal.day(cal.nth_working_after(cal.index(day), n))


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    cal = get_calendar()
    return cal.day(cal.working_on_or_after(cal.index(day)))


@dataclass
class CalendarStatus:
    """Which years the calendar knows, and what the admin should enter next."""

    today: date
    official_years: tuple[int, int]  # first and last year of the chinese_calendar data
    admin_years: dict[int, int]  # year → number of admin-entered days
    uncovered_from: int | None  # first year from this year on with no source at all
    warnings: list[str] = field(default_factory=list)

    def year_source(self, year: int) -> str:
        """ "official", "admin" or "fallback" for ``year``."""
        if self.official_years[0] <= year <= self.official_years[1]:
            return "official"
        return "admin" if year in self.admin_years else "fallback"


# Warn about next year's missing holidays from this many days before 1 January.
WARN_DAYS_BEFORE_YEAR_END = 92


def calendar_status(today: date | None = None) -> CalendarStatus:
    """The coverage of the calendar around ``today`` (Asia/Shanghai) with warnings.

    Warns when this year has no source, or when next year has none and fewer than
    ``WARN_DAYS_BEFORE_YEAR_END`` days remain: deadlines crossing into it are then counted
    on weekends only.
    """

    today = today or local_today()
    cal = get_calendar()
    status = CalendarStatus(
        today=today,
        official_years=(_OFFICIAL_YEARS[0], _OFFICIAL_YEARS[-1]),
        admin_years=dict(sorted(cal.admin_years.items())),
        uncovered_from=None,
    )
    year = today.year
    while status.year_source(year) != "fallback":
        year += 1
    status.uncovered_from = year
    if year == today.year:
        status.warnings.append(
            _(
                "%(year)d 年节假日尚未录入，本年的期限按仅周末休息计算，请在“节假日/调休”中录入。",
                year=year,
            )
        )
    elif year == today.year + 1 and (date(year, 1, 1) - today) <= timedelta(
        days=WARN_DAYS_BEFORE_YEAR_END
    ):
        status.warnings.append(
            _(
                "%(year)d 年节假日尚未录入，跨入该年的期限将按仅周末休息计算，请在国务院公布安排后录入。",
                year=year,
            )
        )
    return status
