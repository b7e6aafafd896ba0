"""The explanation of a computed deadline, in sentences a resident can follow.

Example: 自 2025-09-30 受理，次日起算，期限 15 个工作日。/ 跳过国庆节、中秋节 10-01 至 10-08。/
09-28（周日）、10-11（周六）为调休工作日，照常计算。/ 截止 2025-10-28（周二）24:00。
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from core.sla.calendar import SpecialDay
from core.sla.text import _, official_holiday_name, weekday_name
from core.sla.units import _CD, _WD

if TYPE_CHECKING:  # engine imports this module to explain its results
    from core.sla.engine import DueDate


def _special_name(special: SpecialDay) -> str:
    if special.source == "official":
        return official_holiday_name(special.name)
    return special.name


def _short(day: date, year: int) -> str:
    return day.strftime("%m-%d") if day.year == year else day.isoformat()


def _with_weekday(day: date, year: int) -> str:
    return _("%(day)s（%(weekday)s）", day=_short(day, year), weekday=weekday_name(day.weekday()))


def _holiday_blocks(specials: list[SpecialDay]) -> list[list[SpecialDay]]:
    blocks: list[list[SpecialDay]] = []
    for special in specials:
        if special.working:
            continue
        if blocks and (special.day - blocks[-1][-1].day).days == 1:
            blocks[-1].append(special)
        else:
            blocks.append([special])
    return blocks


def _unit_amount(unit: int, n: int) -> str:
    return _("%(n)d 个工作日", n=n) if unit == _WD else _("%(n)d 日", n=n)


def _span(first, last, year) -> str:
    return (
        _short(first, year)
        if first == last
        else _("%(first)s 至 %(last)s", first=_short(first, year), last=_short(last, year))
    )


def _start_lines(t, accepted) -> list[str]:
    lines = [
        _(
            "自 %(day)s 受理，次日起算，期限 %(limit)s。",
            day=accepted.isoformat(),
            limit=t.limit.describe(),
        )
    ]
    if t.extra is not None:
        lines.append(_("经批准延长 %(extra)s。", extra=t.extra.describe()))
    for origin, target, clamped in t.month_targets:
        if clamped:
            lines.append(
                _(
                    "按月计算：%(month)d 月没有 %(dom)d 日，以该月末日 %(target)s 为期间末日。",
                    month=target.month,
                    dom=origin.day,
                    target=target.isoformat(),
                )
            )
        else:
            lines.append(
                _(
                    "按月计算：自 %(origin)s 起到期月的对应日为 %(target)s。",
                    origin=origin.isoformat(),
                    target=target.isoformat(),
                )
            )
    return lines


def _holiday_lines(t, specials, year) -> list[str]:
    """Holidays skipped and make-up days counted (for limits in working days)."""
    counts_working_days = t.limit.unit == "working_days" or (
        t.extra is not None and t.extra.unit == "working_days"
    )
    if not counts_working_days:
        return []
    lines = []
    blocks = _holiday_blocks(specials)
    if blocks:
        parts = []
        for block in blocks:
            names = list(dict.fromkeys(_special_name(s) for s in block))
            span = _span(block[0].day, block[-1].day, year)
            parts.append(_("%(names)s %(span)s", names="、".join(names), span=span))
        lines.append(_("跳过%(holidays)s。", holidays="；".join(parts)))
    makeup = [s for s in specials if s.working and s.day.weekday() >= 5]
    if makeup:
        days = "、".join(_with_weekday(s.day, year) for s in makeup)
        lines.append(_("%(days)s为调休工作日，照常计算。", days=days))
    return lines


def _pause_lines(t, cal, year) -> list[str]:
    lines = []
    for p0, p1, is_open, i0, i1, given_back, unit in t.pauses:
        span = _span(cal.day(i0), cal.day(i1), year)
        if is_open:
            lines.append(
                _(
                    "自 %(start)s 起暂停计时，尚未恢复：已不计入 %(amount)s（%(span)s），"
                    "恢复前截止日期逐日顺延。",
                    start=p0.strftime("%Y-%m-%d %H:%M"),
                    amount=_unit_amount(unit, given_back),
                    span=span,
                )
            )
        else:
            lines.append(
                _(
                    "暂停计时 %(start)s 至 %(end)s，不计入 %(amount)s（%(span)s）。",
                    start=p0.strftime("%Y-%m-%d %H:%M"),
                    end=p1.strftime("%Y-%m-%d %H:%M"),
                    amount=_unit_amount(unit, given_back),
                    span=span,
                )
            )
    return lines


def _last_day_lines(due: DueDate, cal, year) -> list[str]:
    """A last day (in calendar days) on a rest day moves on; on a make-up day it stays."""
    t = due.trace
    if t.final_unit != _CD:
        return []
    nominal = cal.day(t.nominal_index)
    special = cal.specials.get(nominal.toordinal())
    if t.final_index != t.nominal_index:
        what = (
            _special_name(special)
            if special is not None and not special.working
            else weekday_name(nominal.weekday())
        )
        return [
            _(
                "期间末日 %(day)s 为%(what)s（休息日），顺延至其后第一个工作日 %(final)s。",
                day=nominal.isoformat(),
                what=what,
                final=due.last_day.isoformat(),
            )
        ]
    if special is not None and special.working and nominal.weekday() >= 5:
        return [_("期间末日 %(day)s为调休工作日，不顺延。", day=_with_weekday(nominal, year))]
    return []


def _admin_lines(due: DueDate, cal, specials, accepted) -> list[str]:
    """Years and days whose calendar an administrator entered or adjusted."""
    admin_years = sorted(
        {y for y in range(accepted.year, due.last_day.year + 1) if cal.year_source(y) == "admin"}
    )
    lines = [_("%(year)d 年节假日按管理员录入的安排计算。", year=y) for y in admin_years]
    for special in specials:
        if special.source == "admin" and cal.year_source(special.day.year) == "official":
            kind = _("工作日") if special.working else _("休息日")
            lines.append(
                _(
                    "%(day)s 经管理员调整为%(kind)s（%(name)s）。",
                    day=special.day.isoformat(),
                    kind=kind,
                    name=special.name,
                )
            )
    return lines


def _end_line(due: DueDate) -> str:
    close_time = due.trace.close_time
    if close_time is None:
        end = _("%(day)s24:00", day=_with_weekday(due.last_day, 0))
    else:
        end = _(
            "%(day)s%(time)s", day=_with_weekday(due.last_day, 0), time=close_time.strftime("%H:%M")
        )
    return _("截止 %(end)s。", end=end)


def explain(due: DueDate) -> list[str]:
    """The sentences of ``due``'s explanation (acceptance, skipped holidays, make-up days,
    pauses, extension, moves, fallback warnings, and the final instant)."""
    t = due.trace
    cal = t.cal
    accepted = cal.day(t.start_index)
    year = accepted.year
    specials = cal.specials_between(t.start_index, t.final_index)
    return [
        *_start_lines(t, accepted),
        *_holiday_lines(t, specials, year),
        *_pause_lines(t, cal, year),
        *_last_day_lines(due, cal, year),
        *_admin_lines(due, cal, specials, accepted),
        *due.warnings,
        _end_line(due),
    ]
