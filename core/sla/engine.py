"""compute_due(): the one deadline rule of the system, and the supervision colour.

Counting (Civil Code arts. 201–203, followed by Chinese administrative practice):

- The day of acceptance (Asia/Shanghai date of ``start``) is not counted.
- N working days end at the end of the N-th working day after acceptance, on the official
  calendar (statutory holidays skipped, 调休 make-up workdays counted).
- N days end at the end of the N-th calendar day after acceptance; if that day is a rest day or
  holiday the limit ends at the end of the next working day. A last day that is a make-up
  working Saturday is a working day, so the limit stays there.
- N months end on the same day of the month N months later, or on that month's last day when it
  has no such day (31 Jan + 1 month → 28/29 Feb); the rest-day rule then applies.
- An approved extension (``extra``) adds to the limit. In the limit's own unit it simply adds
  to the amount; in another unit it is counted on from the nominal end of the original period
  (the rest-day rule applies once, to the final last day).
- The limit ends at 24:00 of its last day (returned as 23:59:59.999999 Asia/Shanghai), or at
  ``close_time`` on that day where an office sets its closing hour.

Pauses (waiting for material, consulting a third party) are added back, counted in whole days:

- A pause from instant p0 to instant p1 stops the clock for the calendar days from the day of
  p0 up to, but not including, the day of p1 (Asia/Shanghai). The day the clock restarts counts
  again, like an ordinary day. So the number of days given back is the number of midnights the
  clock spent stopped: a pause within one day gives nothing back; Monday 17:00 → Tuesday 09:00
  gives Monday back; a pause asked for on the last day gives the remaining days back after the
  material arrives instead of leaving the case overdue on the day it resumes.
- Days are given back in the limit's unit: for a working-day limit only the working days among
  the paused days count, for calendar-day and month limits every paused day counts.
- Only pauses that start before the limit has run out extend it; a pause recorded on an
  already overdue case does not revive it. Overlapping pauses are merged.
- A pause with no end (still paused) is treated as ending now: the deadline then moves on by
  one day for every further day the case stays paused.
"""

from __future__ import annotations

import calendar as _pycalendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import cached_property

from flask_babel import lazy_gettext as _l

from core.models.enums import LabelledEnum
from core.sla.calendar import CalendarOutOfRange, CalendarSnapshot, get_calendar
from core.sla.text import _
from core.sla.units import _CD, _WD, Limit, LimitUnit
from core.time import LOCAL_ZONE, local_datetime, to_local

END_OF_DAY = time(23, 59, 59, 999999)


@dataclass
class _Trace:
    """What compute_due did, kept so the explanation can be written only when read."""

    cal: CalendarSnapshot
    start: datetime  # Asia/Shanghai
    start_index: int
    limit: Limit
    extra: Limit | None
    month_targets: list[tuple[date, date, bool]]  # (from, nominal last day, clamped to month end)
    pauses: list[tuple]  # (from, to, open?, first index, last index, days given back, unit)
    nominal_index: int
    final_index: int
    final_unit: int
    close_time: time | None


@dataclass
class DueDate:
    """The result of compute_due: when the limit ends, and why.

    ``explanation`` is written on first access (in the language of the current request), so a
    sweep over many cases pays only for the dates.
    """

    due_at: datetime  # aware, Asia/Shanghai
    last_day: date
    warnings: list[str]
    uncovered: bool
    paused: bool = False  # a pause is still open: the deadline moves on while it lasts
    trace: _Trace | None = field(default=None, repr=False, compare=False)

    @property
    def due_at_utc(self) -> datetime:
        """``due_at`` in UTC, the form the database stores."""
        return self.due_at.astimezone(UTC)

    @cached_property
    def explanation(self) -> list[str]:
        """Chinese sentences a resident or staff member can follow (see core.sla.explain)."""
        from core.sla.explain import explain

        return explain(self)


def as_local(moment: datetime | date) -> datetime:
    """``moment`` in Asia/Shanghai; naive values are taken as UTC (how SQLite returns them),
    a plain date as noon of that day in Beijing."""
    if not isinstance(moment, datetime):
        return local_datetime(moment, time(12))
    return to_local(moment)


def add_months(day: date, months: int) -> tuple[date, bool]:
    """(same day-of-month ``months`` later or that month's last day, whether it was clamped)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = _pycalendar.monthrange(year, month)[1]
    if day.day > last:
        return date(year, month, last), True
    return date(year, month, day.day), False


def compute_due(
    start: datetime,
    limit: Limit,
    *,
    pauses: Sequence[tuple[datetime, datetime | None]] = (),
    extra: Limit | None = None,
    now: datetime | None = None,
    close_time: time | None = None,
) -> DueDate:
    """The deadline of a matter accepted at ``start`` with ``limit`` (rules: module docstring).

    ``start`` is an aware datetime (naive: UTC; a plain date: that day in Beijing).
    ``pauses`` are (from, to) instants, ``to`` None while still paused (``now`` then stands
    for the end; default: the current time). ``extra`` is an approved extension. ``close_time``
    ends the limit at the office's closing hour instead of 24:00. Raises ValueError (Chinese
    message) for a pause that ends before it starts or dates outside 2000–2100.
    """
    try:
        return _compute(start, limit, pauses, extra, now, close_time)
    except IndexError:
        # Only reachable when a period runs past the end of the laid-out calendar.
        raise CalendarOutOfRange(_("期限超出期限计算范围。")) from None


def _plan(cal: CalendarSnapshot, si: int, limit: Limit, extra: Limit | None):
    """The periods to count from day index ``si``: [(_WD or _CD, amount)], the month targets
    (months become calendar days, counted on the pause-free chain of periods), and whether
    any period counts working days."""
    if extra is not None and extra.unit is limit.unit:
        segments = [(limit.unit, limit.amount + extra.amount)]
    else:
        segments = [(limit.unit, limit.amount)]
        if extra is not None:
            segments.append((extra.unit, extra.amount))
    plan: list[tuple[int, int]] = []
    month_targets: list[tuple[date, date, bool]] = []
    chain = si
    for unit, amount in segments:
        if unit is LimitUnit.WORKING_DAYS:
            plan.append((_WD, amount))
            chain = cal.nth_working_after(chain, amount)
        elif unit is LimitUnit.CALENDAR_DAYS:
            plan.append((_CD, amount))
            chain += amount
        else:
            origin = cal.day(chain)
            target, clamped = add_months(origin, amount)
            month_targets.append((origin, target, clamped))
            days = (target - origin).days
            plan.append((_CD, days))
            chain += days
    counts_working_days = any(unit is LimitUnit.WORKING_DAYS for unit, _amount in segments)
    return plan, month_targets, counts_working_days


def _count(cal: CalendarSnapshot, si: int, plan, paused_ranges):
    """Count the plan's periods from ``si``, giving back the paused days: (the nominal last
    day's index, the pauses that moved it)."""
    used_pauses = []
    cursor = si
    k = 0
    for unit, remaining in plan:
        while k < len(paused_ranges):
            p0, p1, i0, i1, is_open = paused_ranges[k]
            if i1 <= cursor:
                k += 1
                continue
            lo = max(i0, cursor + 1)
            available = cal.working_between(cursor, lo - 1) if unit == _WD else lo - 1 - cursor
            if available >= remaining:
                break
            remaining -= available
            given_back = cal.working_between(lo - 1, i1) if unit == _WD else i1 - lo + 1
            used_pauses.append((p0, p1, is_open, lo, i1, given_back, unit))
            cursor = i1
            k += 1
        cursor = cal.nth_working_after(cursor, remaining) if unit == _WD else cursor + remaining
    return cursor, used_pauses


def _compute(start, limit, pauses, extra, now, close_time) -> DueDate:
    cal = get_calendar()
    local_start = as_local(start)
    si = cal.index(local_start.date())
    plan, month_targets, counts_working_days = _plan(cal, si, limit, extra)
    paused_ranges = _paused_ranges(cal, si, pauses, now) if pauses else []
    nominal, used_pauses = _count(cal, si, plan, paused_ranges)
    final_unit = plan[-1][0]
    if nominal >= cal.size - 1:
        raise CalendarOutOfRange(_("期限超出期限计算范围。"))
    final = cal.working_on_or_after(nominal) if final_unit == _CD else nominal

    last_day = cal.day(final)
    due_at = datetime.combine(last_day, close_time or END_OF_DAY, tzinfo=LOCAL_ZONE)
    # Which days decided the result: every counted day for working days, else the last day
    # and the days it moved over.
    uncovered_from = si if counts_working_days else nominal - 1
    uncovered = cal.uncovered_between(uncovered_from, final)
    warnings = []
    if uncovered:
        warnings = [
            _("%(year)d 年节假日尚未录入，按仅周末休息计算。", year=year)
            for year in cal.uncovered_years(uncovered_from, final)
        ]
    is_open = any(p[2] for p in used_pauses)
    trace = _Trace(
        cal,
        local_start,
        si,
        limit,
        extra,
        month_targets,
        used_pauses,
        nominal,
        final,
        final_unit,
        close_time,
    )
    return DueDate(due_at, last_day, warnings, uncovered, is_open, trace)


def _paused_ranges(cal: CalendarSnapshot, si: int, pauses, now):
    """Merged pauses as (from, to, first paused index, last paused index, open?).

    Only days after the day of acceptance can be paused; empty ranges are dropped.
    """
    found = []
    current = None
    for p0, p1 in pauses:
        is_open = p1 is None
        if is_open:
            p1 = now if now is not None else datetime.now(UTC)
        a, b = as_local(p0), as_local(p1)
        if b < a:
            if is_open:
                continue  # a pause that starts in the future has not stopped the clock yet
            raise ValueError(
                _(
                    "暂停的结束时间（%(end)s）早于开始时间（%(start)s）。",
                    end=b.strftime("%Y-%m-%d %H:%M"),
                    start=a.strftime("%Y-%m-%d %H:%M"),
                )
            )
        found.append((a, b, is_open))
    found.sort(key=lambda item: item[0])
    merged = []
    for a, b, is_open in found:
        if current is not None and a <= current[1]:
            current[1] = max(current[1], b)
            current[2] = current[2] or is_open
            continue
        current = [a, b, is_open]
        merged.append(current)
    ranges = []
    for a, b, is_open in merged:
        i0 = max(cal.index(a.date()), si + 1)
        i1 = cal.index(b.date()) - 1
        if i1 >= i0:
            ranges.append((a, b, i0, i1, is_open))
    return ranges


class Colour(LabelledEnum):
    """The supervision colour of a matter, the one vocabulary of core and plugins (a plain
    string too: ``Colour.RED == "red"``)."""

    GREEN = "green", _l("正常")
    YELLOW = "yellow", _l("临期")
    RED = "red", _l("超期")
    CLOSED = "closed", _l("已办结")


def colour(now: datetime, accepted_at: datetime, due_at: datetime) -> Colour:
    """ "green", "yellow" or "red" for an open matter (the electronic-supervision practice).

    Red once ``due_at`` has passed. Yellow when at most 20 % of the whole period is left, or
    when the last day is today or the next working day (at most one working day left).
    Naive datetimes are taken as UTC.
    """
    now_l, acc_l, due_l = as_local(now), as_local(accepted_at), as_local(due_at)
    if now_l > due_l:
        return Colour.RED
    left = due_l - now_l
    if left * 5 <= due_l - acc_l:
        return Colour.YELLOW
    cal = get_calendar()
    today, last = cal.index(now_l.date()), cal.index(due_l.date())
    if cal.working_between(today, last) <= 1:
        return Colour.YELLOW
    return Colour.GREEN


def colour_of(due: DueDate, now: datetime) -> Colour:
    """``colour`` for a computed DueDate (accepted_at taken from its computation)."""
    return colour(now, due.trace.start, due.due_at)
