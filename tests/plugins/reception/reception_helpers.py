"""Helpers of the reception plugin's tests: the module on for office A, reception days on
coming working days, and a resident's booking request.

Plain functions the test modules import; the fixtures are in this folder's conftest.py."""

from datetime import date, datetime, time, timedelta

from core.extensions import db
from core.sla import is_working_day
from core.time import local_today
from plugins.reception.models import ReceptionDay
from plugins.reception.services import roster
from plugins.reception.services.booking import BookingRequest, slot_start


def working_day_after(days: int, start: date | None = None) -> date:
    """The first working day (official calendar) at least ``days`` after today."""
    day = (start or local_today()) + timedelta(days=days)
    while not is_working_day(day)[0]:
        day += timedelta(days=1)
    return day


def make_day(
    office_id: int,
    leader_id: int,
    day: date | None = None,
    *,
    capacity: int = 2,
    start: time = time(8, 30),
    end: time = time(10, 30),
    minutes: int = 30,
    place: str = "镇政府一楼群众接待室",
) -> ReceptionDay:
    """A reception day with its slots, written directly (committed); default: a working day
    a week from now, four slots of 30 minutes."""
    row = ReceptionDay(
        office_id=office_id,
        day=day or working_day_after(7),
        start_time=start,
        end_time=end,
        place=place,
        leader_id=leader_id,
        original_leader_id=leader_id,
        manual=True,
    )
    roster.build_slots(row, minutes, capacity)
    db.session.add(row)
    db.session.commit()
    return row


def resident(
    name="张三", phone="13800138000", matter="承包地流转租金发放时间", village="东桥村", named=False
) -> BookingRequest:
    """A resident's booking request."""
    return BookingRequest(
        name=name, phone=phone, matter=matter, village=village, named_leader=named
    )


def recent_working_day() -> date:
    """Today, or the last working day before it (a weekend or holiday has no reception)."""
    day = local_today()
    while not is_working_day(day)[0]:
        day -= timedelta(days=1)
    return day


def booked_before(slot) -> datetime:
    """A booking time half an hour before ``slot`` starts. Tests that book the last slot of a
    day that has begun pass it as ``now``: late in the (Beijing) day that slot has begun too."""
    return slot_start(slot) - timedelta(minutes=30)


def card_version(app, card_id: int) -> str:
    """The current version of an appointment card, as a desk form posts it."""
    from plugins.reception.models import AppointmentCard

    with app.app_context():
        return str(db.session.get(AppointmentCard, card_id).version)
