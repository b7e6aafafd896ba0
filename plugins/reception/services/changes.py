"""Exceptions to the duty roster — a day cancelled (its bookings with it) or restored, another
leader substituting, two days' leaders swapped, an extra day outside the rules — each recorded
as a ``RosterChange`` with who changed what, with whom and why. The caller commits."""

from datetime import date, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import db, is_working_day, local_today, utc_now
from plugins.reception.errors import ReceptionError
from plugins.reception.models import (
    Booking,
    BookingStatus,
    ChangeKind,
    DayStatus,
    ReceptionDay,
    RosterChange,
)
from plugins.reception.services.booking import lock_day
from plugins.reception.services.roster import build_slots, check_hours, check_leader, check_place

REASON_MAX = 500
MAX_DAYS_AHEAD = 366


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReceptionError(_("请填写原因。"))
    if len(reason) > REASON_MAX:
        raise ReceptionError(_("原因不能超过 %(n)d 个字。", n=REASON_MAX))
    return reason


def _future_day(day: ReceptionDay, action: str) -> None:
    if day.day >= local_today():
        return
    # One whole sentence per action: the verb cannot be slotted into a translated sentence.
    date = day.day.isoformat()
    messages = {
        "cancel": lambda: _("%(date)s 的接待日已经过去，不能取消。", date=date),
        "restore": lambda: _("%(date)s 的接待日已经过去，不能恢复。", date=date),
        "substitute": lambda: _("%(date)s 的接待日已经过去，不能换人。", date=date),
        "swap": lambda: _("%(date)s 的接待日已经过去，不能互换。", date=date),
    }
    raise ReceptionError(messages[action]())


def _log(
    kind: ChangeKind,
    day: ReceptionDay,
    reason: str,
    actor_id: int | None,
    *,
    other: ReceptionDay | None = None,
    from_leader_id=None,
    to_leader_id=None,
) -> RosterChange:
    change = RosterChange(
        office_id=day.office_id,
        kind=kind,
        day_id=day.id,
        day_date=day.day,
        other_day_id=other.id if other else None,
        other_day_date=other.day if other else None,
        from_leader_id=from_leader_id,
        to_leader_id=to_leader_id,
        reason=reason,
        actor_id=actor_id,
    )
    db.session.add(change)
    return change


def cancel_day(day: ReceptionDay, *, reason: str, actor_id: int | None) -> list[Booking]:
    """Cancel a reception day (the reason is published); its bookings are cancelled too and
    returned so staff can tell the residents. The caller commits."""
    reason = _reason(reason)
    if day.is_cancelled:
        raise ReceptionError(_("该接待日已经取消。"))
    _future_day(day, "cancel")
    day = lock_day(day.id)
    day.status = DayStatus.CANCELLED
    day.cancel_reason = reason
    day.manual = True
    affected = list(
        db.session.scalars(
            select(Booking).where(Booking.day_id == day.id, Booking.status == BookingStatus.BOOKED)
        )
    )
    for booking in affected:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = utc_now()
        booking.phone_hash = None
        booking.cancel_note = _("接待日取消：%(reason)s", reason=reason)
    _log(ChangeKind.CANCEL, day, reason, actor_id, from_leader_id=day.leader_id)
    return affected


def restore_day(day: ReceptionDay, *, reason: str, actor_id: int | None) -> None:
    """Hold a cancelled day after all (cancelled bookings stay cancelled)."""
    reason = _reason(reason)
    if not day.is_cancelled:
        raise ReceptionError(_("该接待日没有取消。"))
    _future_day(day, "restore")
    working, _source = is_working_day(day.day)
    if not working:
        raise ReceptionError(
            _("%(date)s 不是工作日（法定节假日或休息日），不能安排接待。", date=day.day.isoformat())
        )
    day.status = DayStatus.SCHEDULED
    day.cancel_reason = None
    day.manual = True
    _log(ChangeKind.RESTORE, day, reason, actor_id, to_leader_id=day.leader_id)


def substitute(day: ReceptionDay, *, leader_id: int, reason: str, actor_id: int | None) -> None:
    """Another leader receives on this day (recorded: who for whom, why)."""
    reason = _reason(reason)
    _future_day(day, "substitute")
    if day.is_cancelled:
        raise ReceptionError(_("该接待日已经取消，不能换人。"))
    leader = check_leader(leader_id, day.office_id)
    if leader.id == day.leader_id:
        raise ReceptionError(_("%(name)s 已经是这一天的接待领导。", name=leader.display_name))
    previous = day.leader_id
    day.leader_id = leader.id
    day.manual = True
    _log(
        ChangeKind.SUBSTITUTE,
        day,
        reason,
        actor_id,
        from_leader_id=previous,
        to_leader_id=leader.id,
    )


def swap(day: ReceptionDay, other: ReceptionDay, *, reason: str, actor_id: int | None) -> None:
    """Two reception days of the same office exchange their leaders (换班)."""
    reason = _reason(reason)
    if day.id == other.id:
        raise ReceptionError(_("请选择另一个接待日进行互换。"))
    if day.office_id != other.office_id:
        raise ReceptionError(_("只能在同一单位的接待日之间互换。"))
    for d in (day, other):
        _future_day(d, "swap")
        if d.is_cancelled:
            raise ReceptionError(_("%(date)s 的接待日已经取消，不能互换。", date=d.day.isoformat()))
    if day.leader_id == other.leader_id:
        raise ReceptionError(_("两个接待日是同一位领导，无需互换。"))
    first, second = day.leader_id, other.leader_id
    day.leader_id, other.leader_id = second, first
    day.manual = other.manual = True
    _log(
        ChangeKind.SWAP,
        day,
        reason,
        actor_id,
        other=other,
        from_leader_id=first,
        to_leader_id=second,
    )


def add_day(
    *,
    office_id: int,
    day: date,
    start: time,
    end: time,
    place: str,
    leader_id: int,
    slot_minutes: int,
    slot_capacity: int,
    reason: str,
    actor_id: int | None,
    note: str | None = None,
) -> ReceptionDay:
    """An extra reception day outside the rules (on a working day from today on)."""
    reason = _reason(reason)
    if day is None:
        raise ReceptionError(_("请填写日期。"))
    if day < local_today():
        raise ReceptionError(_("不能为已经过去的日期增加接待日。"))
    if day > local_today() + timedelta(days=MAX_DAYS_AHEAD):
        raise ReceptionError(_("只能安排一年以内的接待日。"))
    working, _source = is_working_day(day)
    if not working:
        raise ReceptionError(
            _("%(date)s 不是工作日（法定节假日或休息日），不能安排接待。", date=day.isoformat())
        )
    check_hours(start, end, slot_minutes, slot_capacity)
    leader = check_leader(leader_id, office_id)
    row = ReceptionDay(
        office_id=office_id,
        day=day,
        start_time=start,
        end_time=end,
        place=check_place(place),
        leader_id=leader.id,
        original_leader_id=leader.id,
        manual=True,
        note=(note or "").strip()[:500] or None,
    )
    build_slots(row, slot_minutes, slot_capacity)
    db.session.add(row)
    db.session.flush()
    _log(ChangeKind.ADD, row, reason, actor_id, to_leader_id=leader.id)
    return row
