"""Figures per leader and month, the leader's agenda and the day sheet's rows."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.kit import User, db, local_datetime, local_today, utc_now
from plugins.reception.errors import ReceptionError
from plugins.reception.models import (
    AppointmentCard,
    Booking,
    BookingStatus,
    CardStatus,
    DayStatus,
    MatterChannel,
    ReceptionDay,
    ReceptionMatter,
)
from plugins.reception.services.booking import free_places
from plugins.reception.services.cards import card_colour, visited_late
from plugins.reception.services.matters import case_rows

# Columns of the monthly table and its export, in order: (attribute, label).
COLUMNS = (
    ("days_held", _l("接待日（已举行）")),
    ("days_cancelled", _l("接待日（取消）")),
    ("bookings", _l("预约")),
    ("attended", _l("预约已接待")),
    ("no_show", _l("预约未到")),
    ("visits", _l("来访")),
    ("letters", _l("来信")),
    ("calls", _l("来电")),
    ("matters_closed", _l("事项已办结")),
    ("matters_open", _l("事项办理中")),
    ("matters_red", _l("事项超期")),
    ("cards", _l("预约卡")),
    ("cards_visited", _l("上门走访")),
    ("cards_late", _l("走访超时")),
    ("cards_done", _l("预约卡办结登记")),
)


@dataclass
class LeaderMonth:
    """One leader's figures for one month."""

    leader_id: int
    name: str
    counts: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.counts.get(key, 0)


def parse_month(raw: str | None) -> tuple[date, date]:
    """First and last day of ``YYYY-MM`` (default: the current month)."""
    if not raw:
        first = local_today().replace(day=1)
    else:
        try:
            year, month = (int(x) for x in raw.split("-"))
            first = date(year, month, 1)
        except ValueError:
            raise ReceptionError(_("月份格式应为 2026-11。")) from None
        if not 2000 <= year <= 2100:
            raise ReceptionError(_("月份格式应为 2026-11。"))
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


def _utc_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return local_datetime(first, time()), local_datetime(last + timedelta(days=1), time())


class _Tally(dict):
    """Counts per leader: ``tally.add(leader_id, key, n)``."""

    def add(self, leader_id, key, n=1):
        if leader_id is not None:
            bucket = self.setdefault(leader_id, {})
            bucket[key] = bucket.get(key, 0) + n


def monthly_counts(
    office_ids, first: date, last: date, now: datetime | None = None
) -> list[LeaderMonth]:
    """Figures per leader for the month ``first``..``last`` in the given offices."""
    now = now or utc_now()
    ids = list(office_ids)
    tally = _Tally()
    _count_days(tally, ids, first, last, local_today(now))
    _count_bookings(tally, ids, first, last)
    start, end = _utc_bounds(first, last)
    _count_matters(tally, ids, start, end, now)
    _count_cards(tally, ids, first, last, start, end)
    names = dict(
        db.session.execute(
            select(User.id, User.display_name).where(User.id.in_(list(tally) or [0]))
        ).all()
    )
    return sorted(
        (LeaderMonth(i, names.get(i, str(i)), c) for i, c in tally.items()), key=lambda r: r.name
    )


def _count_days(tally: _Tally, ids, first: date, last: date, today: date) -> None:
    for leader_id, status, day, n in db.session.execute(
        select(ReceptionDay.leader_id, ReceptionDay.status, ReceptionDay.day, func.count())
        .where(ReceptionDay.office_id.in_(ids), ReceptionDay.day.between(first, last))
        .group_by(ReceptionDay.leader_id, ReceptionDay.status, ReceptionDay.day)
    ):
        if status == DayStatus.CANCELLED:
            tally.add(leader_id, "days_cancelled", n)
        elif day <= today:
            tally.add(leader_id, "days_held", n)


def _count_bookings(tally: _Tally, ids, first: date, last: date) -> None:
    keys = {BookingStatus.ATTENDED: "attended", BookingStatus.NO_SHOW: "no_show"}
    for leader_id, status, n in db.session.execute(
        select(ReceptionDay.leader_id, Booking.status, func.count())
        .join(ReceptionDay, ReceptionDay.id == Booking.day_id)
        .where(
            Booking.office_id.in_(ids),
            Booking.day_date.between(first, last),
            Booking.status != BookingStatus.CANCELLED,
        )
        .group_by(ReceptionDay.leader_id, Booking.status)
    ):
        tally.add(leader_id, "bookings", n)
        if status in keys:
            tally.add(leader_id, keys[status], n)


def _count_matters(tally: _Tally, ids, start: datetime, end: datetime, now: datetime) -> None:
    matters = db.session.scalars(
        select(ReceptionMatter).where(
            ReceptionMatter.office_id.in_(ids),
            ReceptionMatter.received_at >= start,
            ReceptionMatter.received_at < end,
        )
    ).all()
    cases = case_rows(m.case_id for m in matters)
    channel_key = {
        MatterChannel.VISIT: "visits",
        MatterChannel.LETTER: "letters",
        MatterChannel.PHONE: "calls",
    }
    for matter in matters:
        tally.add(matter.leader_id, channel_key[matter.channel])
        case = cases.get(matter.case_id)
        state = case.colour(now) if case is not None else "closed"
        tally.add(matter.leader_id, "matters_closed" if state == "closed" else "matters_open")
        if state == "red":
            tally.add(matter.leader_id, "matters_red")


def _count_cards(
    tally: _Tally, ids, first: date, last: date, start: datetime, end: datetime
) -> None:
    cards = select(AppointmentCard).where(AppointmentCard.office_id.in_(ids))
    for card in db.session.scalars(
        cards.where(AppointmentCard.filled_at >= start, AppointmentCard.filled_at < end)
    ):
        tally.add(card.leader_id, "cards")
    for card in db.session.scalars(cards.where(AppointmentCard.visited_on.between(first, last))):
        tally.add(card.visitor_id or card.leader_id, "cards_visited")
        if visited_late(card):
            tally.add(card.visitor_id or card.leader_id, "cards_late")
    for card in db.session.scalars(
        cards.where(
            AppointmentCard.status == CardStatus.DONE,
            AppointmentCard.outcome_at >= start,
            AppointmentCard.outcome_at < end,
        )
    ):
        tally.add(card.leader_id, "cards_done")


# --- the leader's agenda -------------------------------------------------------------------


@dataclass
class Agenda:
    """What one leader has to do: coming duty days, cards, matters still open."""

    days: list = field(default_factory=list)  # (day, live bookings, free places)
    cards_due: list = field(default_factory=list)  # (card, colour): leader back, not visited
    cards_waiting: list = field(default_factory=list)  # (card, colour): leader still away
    cards_visited: list = field(default_factory=list)  # visited, outcome not registered
    matters: list = field(default_factory=list)  # (matter, case)


def agenda(leader_id: int, now: datetime | None = None) -> Agenda:
    """The leader's own agenda (several small queries)."""
    now = now or utc_now()
    today = local_today(now)
    result = Agenda()
    days = db.session.scalars(
        select(ReceptionDay)
        .where(
            ReceptionDay.leader_id == leader_id,
            ReceptionDay.day >= today,
            ReceptionDay.status == DayStatus.SCHEDULED,
        )
        .order_by(ReceptionDay.day, ReceptionDay.start_time)
        .limit(20)
    ).all()
    for day in days:
        bookings = db.session.scalars(
            select(Booking)
            .where(
                Booking.day_id == day.id,
                Booking.status.in_((BookingStatus.BOOKED, BookingStatus.ATTENDED)),
            )
            .order_by(Booking.slot_id, Booking.id)
        ).all()
        result.days.append((day, bookings, sum(free_places(day).values())))
    for card in db.session.scalars(
        select(AppointmentCard)
        .where(
            AppointmentCard.leader_id == leader_id,
            AppointmentCard.status.in_((CardStatus.OPEN, CardStatus.VISITED)),
        )
        .order_by(AppointmentCard.visit_due_at)
    ):
        colour = card_colour(card, now)
        if card.status == CardStatus.VISITED:
            result.cards_visited.append((card, colour))
        elif colour == "waiting":
            result.cards_waiting.append((card, colour))
        else:
            result.cards_due.append((card, colour))
    matters = db.session.scalars(
        select(ReceptionMatter)
        .where(ReceptionMatter.leader_id == leader_id, ReceptionMatter.closed_at.is_(None))
        .order_by(ReceptionMatter.received_at.desc())
        .limit(200)
    ).all()
    cases = case_rows(m.case_id for m in matters)
    result.matters = [(m, cases.get(m.case_id)) for m in matters]
    return result


def day_matters(day: ReceptionDay, now: datetime | None = None) -> list[tuple]:
    """(matter, case, colour) of a day's register, in the order received."""
    now = now or utc_now()
    matters = db.session.scalars(
        select(ReceptionMatter)
        .where(ReceptionMatter.day_id == day.id)
        .order_by(ReceptionMatter.received_at, ReceptionMatter.id)
    ).all()
    cases = case_rows(m.case_id for m in matters)
    out = []
    for matter in matters:
        case = cases.get(matter.case_id)
        out.append((matter, case, case.colour(now) if case is not None else "closed"))
    return out
