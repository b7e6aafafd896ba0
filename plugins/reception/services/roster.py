"""The duty roster: recurring rules expanded into reception days on the PRC calendar, and the
exceptions (cancelled days, substitutes, swaps, extra days), each recorded with its reason.

Expansion (``expand``) uses ``dateutil.rrule`` for the pattern and ``core.sla.is_working_day``
for the calendar: a reception day is held on a working day of the official calendar, so a
statutory holiday is skipped (or, where the rule says so, moved on to the next working day),
and a make-up workday (调休上班日) counts as a working day — an "every working day" rule
includes it, and a day moved on may land on it.

``sync_rule`` writes the expansion for the coming weeks (``RECEPTION_HORIZON_DAYS``, default
56) and is idempotent: days already there stay, days changed by hand (``manual``) and days with
bookings are never removed by it. The exceptions to the roster are in ``changes``.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dateutil import rrule as rr
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.kit import (
    Office,
    Role,
    User,
    calendar_status,
    count_rows,
    db,
    is_working_day,
    local_today,
    next_working_day,
)
from plugins.reception.errors import ReceptionError
from plugins.reception.models import (
    WEEKDAY_CODES,
    WEEKDAY_LABELS,
    Booking,
    BookingStatus,
    Frequency,
    HolidayPolicy,
    ReceptionDay,
    ReceptionRule,
    ReceptionSlot,
)

DEFAULT_HORIZON_DAYS = 56
# A holiday may move a day on by up to a week and more (Spring Festival): look back this far so
# that a day moved into the window is still found when its nominal date is already past.
LOOKBACK_DAYS = 21
PLACE_MAX = 200
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
_RRULE_DAYS = {"MO": rr.MO, "TU": rr.TU, "WE": rr.WE, "TH": rr.TH, "FR": rr.FR}


@dataclass(frozen=True)
class PlannedDay:
    """A reception day a rule asks for; ``nominal`` is the holiday it was moved from."""

    day: date
    nominal: date | None = None


@dataclass
class SyncResult:
    """What ``sync_rule`` did."""

    created: list[date] = field(default_factory=list)
    removed: list[date] = field(default_factory=list)
    kept_with_bookings: list[date] = field(default_factory=list)
    updated: list[date] = field(default_factory=list)


def horizon_days() -> int:
    """How many days ahead rules are expanded (config ``RECEPTION_HORIZON_DAYS``)."""
    return int(current_app.config.get("RECEPTION_HORIZON_DAYS", DEFAULT_HORIZON_DAYS))


# --- leaders ------------------------------------------------------------------------------


def eligible_leaders(office_id: int) -> list[User]:
    """Active users with the leader role at the office or one of its parent offices (a
    township leader receives at a station's or village's reception too)."""
    office = db.session.get(Office, office_id)
    if office is None:
        return []
    ids = [office.id] + [o.id for o in office.ancestors()]
    return list(
        db.session.scalars(
            select(User)
            .where(User.office_id.in_(ids), User.role == Role.LEADER, User.active)
            .order_by(User.display_name)
        )
    )


def leader_title(user) -> str:
    """钱镇长（镇长）: the name with the post, as residents see it."""
    if not user.post:
        return user.display_name
    return _("%(name)s（%(post)s）", name=user.display_name, post=user.post)


def check_leader(leader_id: int | None, office_id: int) -> User:
    """The leader, or ReceptionError when not an active leader of the office (or above)."""
    if not leader_id:
        raise ReceptionError(_("请选择接待领导。"))
    if leader_id not in {u.id for u in eligible_leaders(office_id)}:
        raise ReceptionError(_("接待领导必须是本单位或上级单位在岗的领导。"))
    return db.session.get(User, leader_id)


# --- rules --------------------------------------------------------------------------------


def weekday_list(rule: ReceptionRule) -> list[str]:
    """The rule's weekday codes, in week order."""
    chosen = {c.strip().upper() for c in (rule.weekdays or "").split(",") if c.strip()}
    return [c for c in WEEKDAY_CODES if c in chosen]


def describe_rule(rule: ReceptionRule) -> str:
    """每周星期二 08:30–11:30 / 每月第一个星期一 … / 每个工作日 … (translated)."""
    days = _("、").join(str(WEEKDAY_LABELS[c]) for c in weekday_list(rule))
    hours = (
        f"{rule.start_time:%H:%M}–{rule.end_time:%H:%M}"
        if rule.start_time and rule.end_time
        else ""
    )
    if rule.frequency == Frequency.WORKDAYS:
        pattern = _("每个工作日")
    elif rule.frequency == Frequency.MONTHLY:
        ordinals = {
            1: _("第一个"),
            2: _("第二个"),
            3: _("第三个"),
            4: _("第四个"),
            -1: _("最后一个"),
        }
        position = ordinals.get(rule.week_of_month or 1) or _("第%(n)d个", n=rule.week_of_month)
        pattern = (
            _("每月%(pos)s%(days)s", pos=position, days=days)
            if (rule.interval or 1) == 1
            else _("每 %(n)d 个月的%(pos)s%(days)s", n=rule.interval, pos=position, days=days)
        )
    else:
        pattern = (
            _("每周%(days)s", days=days)
            if (rule.interval or 1) == 1
            else _("每 %(n)d 周的%(days)s", n=rule.interval, days=days)
        )
    return f"{pattern} {hours}".strip()


def validate_rule(rule: ReceptionRule) -> None:
    """Check a rule before saving; ReceptionError with a Chinese message when it is wrong."""
    # Until the flush, an office or leader chosen in a form lives on the relationship only.
    office_id = rule.office_id or (rule.office.id if rule.office else None)
    if office_id is None:
        raise ReceptionError(_("请选择单位。"))
    check_leader(rule.leader_id or (rule.leader.id if rule.leader else None), office_id)
    try:
        frequency = Frequency(rule.frequency)
    except ValueError:
        raise ReceptionError(_("请选择重复方式。")) from None
    if frequency != Frequency.WORKDAYS and not weekday_list(rule):
        raise ReceptionError(_("请至少选择一个接待的星期几（星期一至星期五）。"))
    if not rule.interval or not 1 <= rule.interval <= 12:
        raise ReceptionError(_("间隔必须在 1 到 12 之间。"))
    if frequency == Frequency.MONTHLY and rule.week_of_month not in (1, 2, 3, 4, -1):
        raise ReceptionError(_("按月重复时请选择第几个星期（第一至第四个，或最后一个）。"))
    if rule.starts_on is None:
        raise ReceptionError(_("请填写开始日期。"))
    if not EARLIEST <= rule.starts_on <= LATEST or (
        rule.ends_on is not None and not EARLIEST <= rule.ends_on <= LATEST
    ):
        raise ReceptionError(
            _("日期必须在 %(a)s 至 %(b)s 之间。", a=EARLIEST.isoformat(), b=LATEST.isoformat())
        )
    if rule.ends_on is not None and rule.ends_on < rule.starts_on:
        raise ReceptionError(_("结束日期不能早于开始日期。"))
    check_hours(rule.start_time, rule.end_time, rule.slot_minutes, rule.slot_capacity)
    rule.place = check_place(rule.place)
    try:
        rule.on_holiday = HolidayPolicy(rule.on_holiday or HolidayPolicy.SKIP)
    except ValueError:
        raise ReceptionError(_("请选择遇节假日的处理方式。")) from None


def check_hours(
    start: time | None, end: time | None, slot_minutes: int | None, capacity: int | None
) -> None:
    """Reception hours and slot settings that make sense."""
    if start is None or end is None:
        raise ReceptionError(_("请填写接待的开始和结束时间。"))
    if end <= start:
        raise ReceptionError(_("结束时间必须晚于开始时间。"))
    if not slot_minutes or not 10 <= slot_minutes <= 240:
        raise ReceptionError(_("每个预约时段的长度必须在 10 到 240 分钟之间。"))
    if not capacity or not 1 <= capacity <= 50:
        raise ReceptionError(_("每个时段可预约人数必须在 1 到 50 之间。"))


def check_place(place: str | None) -> str:
    """The place, trimmed; required and bounded."""
    place = (place or "").strip()
    if not place:
        raise ReceptionError(_("请填写接待地点。"))
    if len(place) > PLACE_MAX:
        raise ReceptionError(_("接待地点不能超过 %(n)d 个字。", n=PLACE_MAX))
    return place


def _pattern(rule: ReceptionRule, start: date, end: date):
    dtstart = datetime.combine(rule.starts_on, time())
    until = datetime.combine(min(end, rule.ends_on) if rule.ends_on else end, time())
    frequency = Frequency(rule.frequency)
    if frequency == Frequency.WORKDAYS:
        recurrence = rr.rrule(rr.DAILY, dtstart=dtstart, until=until)
    elif frequency == Frequency.MONTHLY:
        position = rule.week_of_month or 1
        recurrence = rr.rrule(
            rr.MONTHLY,
            interval=rule.interval or 1,
            dtstart=dtstart,
            until=until,
            byweekday=[_RRULE_DAYS[c](position) for c in weekday_list(rule)],
        )
    else:
        recurrence = rr.rrule(
            rr.WEEKLY,
            interval=rule.interval or 1,
            dtstart=dtstart,
            until=until,
            byweekday=[_RRULE_DAYS[c] for c in weekday_list(rule)],
        )
    return recurrence.between(datetime.combine(start, time()), until, inc=True)


def expand(rule: ReceptionRule, start: date, end: date) -> list[PlannedDay]:
    """The reception days the rule asks for from ``start`` to ``end`` (inclusive), in order.

    A day of the pattern that is not a working day on the official calendar (a statutory
    holiday) is skipped, or moved to the next working day when the rule says 顺延 — unless the
    rule already has a day there. Every working day of an "every working day" rule is a
    reception day, make-up workdays included.
    """
    planned: dict[date, PlannedDay] = {}
    frequency = Frequency(rule.frequency)
    moved = []
    for moment in _pattern(rule, start - timedelta(days=LOOKBACK_DAYS), end):
        day = moment.date()
        working, _source = is_working_day(day)
        if working:
            planned.setdefault(day, PlannedDay(day))
        elif frequency != Frequency.WORKDAYS and rule.on_holiday == HolidayPolicy.NEXT_WORKING_DAY:
            moved.append((next_working_day(day), day))
    for target, nominal in moved:
        if rule.ends_on is None or target <= rule.ends_on:
            planned.setdefault(target, PlannedDay(target, nominal))
    return [planned[d] for d in sorted(planned) if start <= d <= end]


def slot_times(start: time, end: time, minutes: int) -> list[tuple[time, time]]:
    """Consecutive slots of ``minutes`` from start to end; a shorter last part joins the
    previous slot (so the whole reception time is bookable)."""
    base = date(2000, 1, 1)
    cursor, finish = datetime.combine(base, start), datetime.combine(base, end)
    step = timedelta(minutes=minutes)
    slots = []
    while cursor + step <= finish:
        slots.append([cursor, cursor + step])
        cursor += step
    if not slots:
        return [(start, end)]
    slots[-1][1] = finish
    return [(a.time(), b.time()) for a, b in slots]


def build_slots(day: ReceptionDay, minutes: int, capacity: int) -> None:
    """Replace the day's slots by slots of ``minutes`` with ``capacity`` each."""
    day.slots.clear()
    for a, b in slot_times(day.start_time, day.end_time, minutes):
        day.slots.append(
            ReceptionSlot(office_id=day.office_id, start_time=a, end_time=b, capacity=capacity)
        )


def live_bookings(day_id: int) -> int:
    """Bookings of the day that are still on (booked or attended)."""
    return count_rows(
        Booking,
        Booking.day_id == day_id,
        Booking.status.in_((BookingStatus.BOOKED, BookingStatus.ATTENDED)),
    )


def sync_rule(
    rule: ReceptionRule, *, today: date | None = None, until: date | None = None
) -> SyncResult:
    """Write the rule's reception days from ``today`` to ``until`` (default: the horizon).

    Creates missing days with their slots; updates untouched days to the rule's leader, place
    and hours; removes untouched days the rule no longer asks for. Days changed by hand and
    days with live bookings are left as they are (those no longer planned are reported in
    ``kept_with_bookings`` so staff can contact the residents). The caller commits.
    """
    today = today or local_today()
    until = until or today + timedelta(days=horizon_days())
    result = SyncResult()
    wanted = {p.day: p for p in expand(rule, today, until)} if rule.active else {}
    existing = {
        d.day: d
        for d in db.session.scalars(
            select(ReceptionDay).where(
                ReceptionDay.rule_id == rule.id,
                ReceptionDay.day >= today,
                ReceptionDay.day <= until,
            )
        )
    }
    for day, row in existing.items():
        if row.manual:
            continue
        booked = live_bookings(row.id) if row.id else 0
        if day in wanted:
            if _follow_rule(row, rule, wanted[day], booked):
                result.updated.append(day)
        elif booked:
            result.kept_with_bookings.append(day)
        else:
            db.session.delete(row)
            result.removed.append(day)
    for day, planned in wanted.items():
        if day not in existing:
            row = ReceptionDay(
                office_id=rule.office_id,
                rule_id=rule.id,
                day=day,
                start_time=rule.start_time,
                end_time=rule.end_time,
                place=rule.place,
                leader_id=rule.leader_id,
                original_leader_id=rule.leader_id,
                nominal_day=planned.nominal,
                note=rule.note,
            )
            build_slots(row, rule.slot_minutes, rule.slot_capacity)
            db.session.add(row)
            result.created.append(day)
    db.session.flush()
    return result


def _follow_rule(row: ReceptionDay, rule: ReceptionRule, planned: PlannedDay, booked: int) -> bool:
    """Bring an untouched day in line with its rule (hours and slots only while nobody has
    booked); whether anything changed."""
    before = (row.leader_id, row.place, row.note, row.nominal_day)
    if row.leader_id != rule.leader_id:
        row.leader_id = row.original_leader_id = rule.leader_id
    row.place, row.note, row.nominal_day = rule.place, rule.note, planned.nominal
    changed = before != (row.leader_id, row.place, row.note, row.nominal_day)
    if not booked and (
        (row.start_time, row.end_time) != (rule.start_time, rule.end_time)
        or _slots_differ(row, rule)
    ):
        row.start_time, row.end_time = rule.start_time, rule.end_time
        build_slots(row, rule.slot_minutes, rule.slot_capacity)
        changed = True
    return changed


def _slots_differ(day: ReceptionDay, rule: ReceptionRule) -> bool:
    wanted = slot_times(rule.start_time, rule.end_time, rule.slot_minutes)
    have = [(s.start_time, s.end_time) for s in day.slots]
    return wanted != have or any(s.capacity != rule.slot_capacity for s in day.slots)


def sync_office(office_id: int, *, today: date | None = None) -> SyncResult:
    """Sync every rule of one office (inactive rules remove their untouched future days)."""
    total = SyncResult()
    for rule in db.session.scalars(
        select(ReceptionRule).where(ReceptionRule.office_id == office_id).order_by(ReceptionRule.id)
    ):
        result = sync_rule(rule, today=today)
        for name in ("created", "removed", "kept_with_bookings", "updated"):
            getattr(total, name).extend(getattr(result, name))
    return total


def calendar_warnings(office_ids) -> list[str]:
    """Warnings when a coming reception day of these offices lies in a year without official
    or admin-entered holidays (its days were laid out on weekends only)."""
    status = calendar_status()
    today = local_today()
    years = db.session.scalars(
        select(func.distinct(func.extract("year", ReceptionDay.day))).where(
            ReceptionDay.office_id.in_(list(office_ids)), ReceptionDay.day >= today
        )
    ).all()
    return [
        _(
            "%(year)d 年的法定节假日尚未公布或录入，该年的接待日暂按仅周末休息安排，"
            "请在“系统 › 节假日/调休”录入后重新生成。",
            year=int(y),
        )
        for y in sorted(years)
        if status.year_source(int(y)) == "fallback"
    ]
