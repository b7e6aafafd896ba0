"""Booking a slot: capacity, one booking per phone per office and day, confirmation codes,
cancellation, and walk-ins booked by staff.

Capacity holds under concurrent bookings because every booking or cancellation first locks the
reception day's row: ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite an UPDATE of the row,
which takes the database write lock before anything is counted. Two bookings for the same day
therefore run one after the other, each counting the other's result. The unique index on
(office, date, phone hash) is the last line of defence against a double booking across two
reception days of the same date.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.kit import (
    contact,
    count_rows,
    db,
    is_working_day,
    local_datetime,
    lock_row,
    publish,
    utc_now,
)
from plugins.reception.errors import ReceptionError
from plugins.reception.models import (
    Booking,
    BookingSource,
    BookingStatus,
    ReceptionDay,
    ReceptionSlot,
)

NAME_MAX = 32
VILLAGE_MAX = 64
MATTER_MAX = 500
LIVE_STATUSES = (BookingStatus.BOOKED, BookingStatus.ATTENDED)
format_code = contact.format_code
parse_code = contact.parse_code


def normalise_phone(raw: str | None) -> str:
    """The core's phone rule (``core.contact``); raises ReceptionError for a malformed number."""
    return contact.normalise_phone(raw, ReceptionError)


def phone_hash(normalised: str) -> str:
    """Keyed hash of a normalised phone: equal numbers match, the index holds no number."""
    return contact.phone_hash(normalised, "reception.phone", "RECEPTION_PHONE_KEY")


def new_code() -> str:
    """A fresh confirmation code (not used by any booking)."""
    return contact.new_code(
        lambda code: db.session.scalar(select(Booking.id).where(Booking.code == code)) is not None
    )


def find_by_code(raw: str | None, office_id: int | None = None) -> Booking | None:
    """The booking with this confirmation code (at the office, when given), or None."""
    code = parse_code(raw)
    if not contact.looks_like_code(code):
        return None
    booking = db.session.scalar(select(Booking).where(Booking.code == code))
    if booking is None or (office_id is not None and booking.office_id != office_id):
        return None
    return booking


# --- locking and counting ----------------------------------------------------------------


def lock_day(day_id: int) -> ReceptionDay:
    """Lock the reception day's row for the rest of the transaction; return it fresh."""
    day = lock_row(ReceptionDay, day_id, "lock_seq")
    if day is None:
        raise ReceptionError(_("没有找到该接待日。"))
    return day


def booked_count(slot_id: int) -> int:
    """Live bookings of a slot."""
    return count_rows(Booking, Booking.slot_id == slot_id, Booking.status.in_(LIVE_STATUSES))


def free_places(day: ReceptionDay) -> dict[int, int]:
    """Free places per slot id of a day (one query)."""
    counts = dict(
        db.session.execute(
            select(Booking.slot_id, func.count())
            .where(Booking.day_id == day.id, Booking.status.in_(LIVE_STATUSES))
            .group_by(Booking.slot_id)
        ).all()
    )
    return {s.id: max(s.capacity - counts.get(s.id, 0), 0) for s in day.slots}


def slot_start(slot: ReceptionSlot) -> datetime:
    """When the slot begins (aware, local)."""
    return local_datetime(slot.day.day, slot.start_time)


def slot_end(slot: ReceptionSlot) -> datetime:
    """When the slot ends (aware, local)."""
    return local_datetime(slot.day.day, slot.end_time)


def closed_reason(day: ReceptionDay, now: datetime | None = None) -> str | None:
    """Why the day cannot be booked now (cancelled, holiday, over), or None. Residents read
    it, so a cancellation reason comes through the publication gate (masked)."""
    if day.is_cancelled:
        return _("该接待日已取消：%(reason)s", reason=publish(day).cancel_reason or "")
    working, _source = is_working_day(day.day)
    if not working:
        return _(
            "%(date)s 是法定节假日或休息日，不安排领导接待，请选择其他日期。",
            date=day.day.isoformat(),
        )
    if local_datetime(day.day, day.end_time) <= (now or utc_now()):
        return _("该接待日已经结束。")
    return None


# --- booking -----------------------------------------------------------------------------


@dataclass
class BookingRequest:
    """What a resident (or staff, for a walk-in) submits."""

    name: str
    phone: str | None
    matter: str
    village: str | None = None
    named_leader: bool = False  # True: the leader of that day by name; False: the duty leader


def _clean_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ReceptionError(_("请填写姓名。"))
    if len(name) > NAME_MAX:
        raise ReceptionError(_("姓名不能超过 %(n)d 个字。", n=NAME_MAX))
    if re.search(r"[\d<>{}]", name):
        raise ReceptionError(_("姓名中不能包含数字或符号。"))
    return name


def clean_text(value: str | None, limit: int, label: str, *, required: bool = False) -> str | None:
    """Trimmed text within ``limit``; ReceptionError naming the field otherwise."""
    value = (value or "").strip()
    if required and not value:
        raise ReceptionError(_("请填写%(field)s。", field=label))
    if len(value) > limit:
        raise ReceptionError(_("%(field)s不能超过 %(n)d 个字。", field=label, n=limit))
    return value or None


def book(
    slot_id: int | None,
    request: BookingRequest,
    *,
    walk_in: bool = False,
    actor_id: int | None = None,
    now: datetime | None = None,
) -> Booking:
    """Book a place in a slot; the caller commits.

    Raises ReceptionError (nothing added) for bad input, a slot that is unknown, on a
    cancelled day or a holiday, already begun (for a walk-in: already over), full, or a phone
    that already has a booking at the office that day. A walk-in may come without a phone.
    """
    now = now or utc_now()
    name = _clean_name(request.name)
    if walk_in and not (request.phone or "").strip():
        phone = None
    else:
        phone = normalise_phone(request.phone)
    village = clean_text(request.village, VILLAGE_MAX, _("村（社区）"))
    matter = clean_text(request.matter, MATTER_MAX, _("反映的事项"), required=True)
    slot = db.session.get(ReceptionSlot, slot_id) if slot_id else None
    if slot is None:
        raise ReceptionError(_("请选择预约时段。"))

    day = lock_day(slot.day_id)
    db.session.refresh(slot)
    reason = closed_reason(day, now)
    if reason:
        raise ReceptionError(reason)
    if walk_in and slot_end(slot) <= now:
        raise ReceptionError(_("该时段已经结束，请选择其他时段。"))
    if not walk_in and slot_start(slot) <= now:
        raise ReceptionError(_("该时段已经开始或已经过去，不能预约，请选择其他时段。"))
    if booked_count(slot.id) >= slot.capacity:
        raise ReceptionError(_("该时段已约满，请选择其他时段。"))
    hashed = phone_hash(phone) if phone else None
    if (
        hashed
        and db.session.scalar(
            select(Booking.id).where(
                Booking.office_id == day.office_id,
                Booking.day_date == day.day,
                Booking.phone_hash == hashed,
            )
        )
        is not None
    ):
        raise ReceptionError(
            _(
                "该电话号码在 %(date)s 已有预约，每个电话号码每天只能预约一次。"
                "如需更改，请先凭确认码取消原预约。",
                date=day.day.isoformat(),
            )
        )
    booking = Booking(
        office_id=day.office_id,
        day_id=day.id,
        slot_id=slot.id,
        day_date=day.day,
        leader_id=day.leader_id if request.named_leader else None,
        name=name,
        phone=phone,
        phone_hash=hashed,
        village=village,
        matter=matter,
        code=new_code(),
        status=BookingStatus.BOOKED,
        source=BookingSource.WALK_IN if walk_in else BookingSource.ONLINE,
        created_by_id=actor_id if walk_in else None,
    )
    db.session.add(booking)
    try:
        db.session.flush()
    except IntegrityError:  # a second reception day of the same date, booked at the same time
        db.session.rollback()
        raise ReceptionError(
            _(
                "该电话号码在 %(date)s 已有预约，每个电话号码每天只能预约一次。"
                "如需更改，请先凭确认码取消原预约。",
                date=day.day.isoformat(),
            )
        ) from None
    return booking


def cancel(
    booking: Booking,
    *,
    by_office: bool = False,
    note: str | None = None,
    now: datetime | None = None,
) -> None:
    """Cancel a booking (the resident with the code, or staff); the place is free again and
    the phone may book again. Refused once the slot has begun or the resident was received."""
    now = now or utc_now()
    lock_day(booking.day_id)
    db.session.refresh(booking)
    if booking.status == BookingStatus.CANCELLED:
        raise ReceptionError(_("该预约已经取消，无需重复操作。"))
    if booking.status != BookingStatus.BOOKED:
        raise ReceptionError(_("该预约已经接待完毕，不能取消。"))
    if not by_office and slot_start(booking.slot) <= now:
        raise ReceptionError(_("接待时段已经开始，不能在网上取消；如不能到场，无需另行操作。"))
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.phone_hash = None
    booking.cancel_note = (note or "").strip()[:500] or (
        _("工作人员取消") if by_office else _("群众凭确认码取消")
    )


def mark(booking: Booking, status: BookingStatus) -> None:
    """Record that a booked resident came (attended) or did not (no show)."""
    if booking.status == BookingStatus.CANCELLED:
        raise ReceptionError(_("该预约已经取消。"))
    if status not in (BookingStatus.ATTENDED, BookingStatus.NO_SHOW):
        raise ReceptionError(_("无效的操作。"))
    booking.status = status
    if status == BookingStatus.NO_SHOW:
        booking.phone_hash = None
