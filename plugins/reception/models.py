"""Reception days (领导接待日), bookings, the reception register and appointment cards.

- ``ReceptionRule``: a recurring duty (every Tuesday morning, the first Monday of the month, every
  working day) of one leader at one office; expanded into ``ReceptionDay`` rows on the official
  PRC calendar (see ``roster``).
- ``ReceptionDay`` and its ``ReceptionSlot``: a concrete reception day with its duty leader,
  place and hours, split into bookable slots with a capacity.
- ``RosterChange``: every exception to the roster (cancelled day, substitute, swap, extra day),
  with who changed what, with whom and why.
- ``Booking``: a resident's appointment, by confirmation code (personal data: name, phone).
- ``ReceptionMatter``: each letter, visit and call received on a reception day, with the
  leader's instruction and the core case it was handed over as.
- ``AppointmentCard``: 《群众预约领导办公卡》, filled when the leader asked for is away; the
  leader's home visit and the outcome are recorded on it.
- ``ReceptionSettings``: an office's own limit for the home visit.
"""

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.kit import (
    LabelledEnum,
    Office,
    TimestampMixin,
    User,
    UTCDateTime,
    VersionedMixin,
    db,
    enum_column,
    utcnow,
)


class Frequency(LabelledEnum):
    """How a reception rule repeats."""

    WEEKLY = "weekly", _l("每周")  # every N weeks on the chosen weekdays
    MONTHLY = "monthly", _l("每月")  # every N months on the n-th (or last) chosen weekday
    # every working day of the official calendar (调休上班日 included)
    WORKDAYS = "workdays", _l("每个工作日")


class HolidayPolicy(LabelledEnum):
    """What a rule does with a reception day that falls on a statutory holiday."""

    SKIP = "skip", _l("遇法定节假日不安排")  # no reception that week
    # 顺延 to the next working day (may be a 调休 day)
    NEXT_WORKING_DAY = "next_working_day", _l("遇法定节假日顺延至下一个工作日")


class DayStatus(LabelledEnum):
    """A reception day is held as planned or cancelled (with a reason residents see)."""

    SCHEDULED = "scheduled", _l("按计划接待")
    CANCELLED = "cancelled", _l("已取消")


class ChangeKind(LabelledEnum):
    """Kinds of exception to the roster."""

    CANCEL = "cancel", _l("取消接待日")
    SUBSTITUTE = "substitute", _l("换人接待")  # another leader takes the day
    SWAP = "swap", _l("互换接待日")  # two days' leaders exchange
    ADD = "add", _l("增加接待日")  # an extra day outside the rules
    RESTORE = "restore", _l("恢复接待日")  # a cancelled day held after all


class BookingStatus(LabelledEnum):
    """Where a booking stands."""

    BOOKED = "booked", _l("已预约")
    CANCELLED = "cancelled", _l("已取消")  # by the resident (with the code) or by the office
    ATTENDED = "attended", _l("已接待")  # the resident came and was received
    NO_SHOW = "no_show", _l("未到")


class BookingSource(LabelledEnum):
    """Who made the booking."""

    ONLINE = "online", _l("网上预约")  # the resident, on the public page
    WALK_IN = "walk_in", _l("工作人员代约")  # staff, for a resident at the counter or on the phone


class MatterChannel(LabelledEnum):
    """How a matter reached the duty leader (领导接待制度 1: 来信、来访、来电)."""

    VISIT = "visit", _l("来访")
    LETTER = "letter", _l("来信")
    PHONE = "phone", _l("来电")


class CardStatus(LabelledEnum):
    """《群众预约领导办公卡》: open until the leader's home visit, then the outcome."""

    OPEN = "open", _l("待上门走访")  # the leader has not visited yet
    VISITED = "visited", _l("已走访，待登记结果")  # home visit recorded, outcome not yet registered
    DONE = "done", _l("已办结登记")  # outcome registered (填表登记)
    WITHDRAWN = "withdrawn", _l("已撤销")  # the resident no longer needs the visit


class Satisfaction(LabelledEnum):
    """The resident's view of the outcome, asked when it is registered."""

    SATISFIED = "satisfied", _l("满意")
    BASICALLY = "basically", _l("基本满意")
    DISSATISFIED = "dissatisfied", _l("不满意")
    UNKNOWN = "unknown", _l("未表态")


WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR")
WEEKDAY_LABELS = {
    "MO": _l("星期一"),
    "TU": _l("星期二"),
    "WE": _l("星期三"),
    "TH": _l("星期四"),
    "FR": _l("星期五"),
}


class ReceptionSettings(TimestampMixin, db.Model):
    """An office's own rules for the reception module.

    ``card_limit_*``: how long after the leader's return the home visit of an appointment card
    may take before the card turns red (default 3 days: the rulebook's 1–3 days for providing
    a service; the office may publish another limit, in either unit, up to 30 days).
    """

    __tablename__ = "reception_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), unique=True)
    card_limit_amount: Mapped[int] = mapped_column(db.Integer, default=3)
    card_limit_unit: Mapped[str] = mapped_column(db.String(20), default="calendar_days")

    office: Mapped[Office] = relationship()

    def __str__(self) -> str:
        return str(self.office) if self.office else ""


class ReceptionRule(TimestampMixin, db.Model):
    """A recurring reception duty of one leader; ``roster.sync_rule`` expands it into days."""

    __tablename__ = "reception_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    leader_id: Mapped[int] = mapped_column(db.ForeignKey("user.id"))
    title: Mapped[str | None] = mapped_column(db.String(100))
    frequency: Mapped[Frequency] = mapped_column(
        enum_column(Frequency, 24), default=Frequency.WEEKLY
    )
    interval: Mapped[int] = mapped_column(db.Integer, default=1)
    weekdays: Mapped[str] = mapped_column(db.String(32), default="")  # "TU" or "MO,TH"
    week_of_month: Mapped[int | None] = mapped_column(db.Integer)  # 1..4, or -1 for the last
    starts_on: Mapped[date] = mapped_column(db.Date)
    ends_on: Mapped[date | None] = mapped_column(db.Date)
    start_time: Mapped[time] = mapped_column(db.Time)
    end_time: Mapped[time] = mapped_column(db.Time)
    place: Mapped[str] = mapped_column(db.String(200))
    slot_minutes: Mapped[int] = mapped_column(db.Integer, default=30)
    slot_capacity: Mapped[int] = mapped_column(db.Integer, default=2)
    on_holiday: Mapped[HolidayPolicy] = mapped_column(
        enum_column(HolidayPolicy, 24), default=HolidayPolicy.SKIP
    )
    active: Mapped[bool] = mapped_column(db.Boolean, default=True)
    note: Mapped[str | None] = mapped_column(db.String(500))  # shown to residents

    office: Mapped[Office] = relationship()
    leader: Mapped[User] = relationship()

    def __str__(self) -> str:
        from plugins.reception.services.roster import describe_rule

        return describe_rule(self)


class ReceptionDay(TimestampMixin, db.Model):
    """One reception day: date, hours, place, duty leader, and its slots.

    ``nominal_day`` is set when the rule's day fell on a statutory holiday and was moved on
    (顺延). ``manual`` marks a day changed by hand (cancelled, substituted, swapped, added):
    re-expanding the rule leaves it alone. ``original_leader_id`` keeps whom the rule planned.
    ``lock_seq`` is bumped to take the database's write lock before counting (see booking).
    """

    __tablename__ = "reception_day"
    __table_args__ = (
        db.UniqueConstraint("rule_id", "day", name="uq_reception_day_rule_day"),
        db.Index("ix_reception_day_office_day", "office_id", "day"),
        db.Index("ix_reception_day_leader_day", "leader_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"))
    rule_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("reception_rule.id", ondelete="SET NULL")
    )
    day: Mapped[date] = mapped_column(db.Date)
    start_time: Mapped[time] = mapped_column(db.Time)
    end_time: Mapped[time] = mapped_column(db.Time)
    place: Mapped[str] = mapped_column(db.String(200))
    leader_id: Mapped[int] = mapped_column(db.ForeignKey("user.id"))
    original_leader_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    status: Mapped[DayStatus] = mapped_column(
        enum_column(DayStatus, 24), default=DayStatus.SCHEDULED
    )
    cancel_reason: Mapped[str | None] = mapped_column(db.String(500))  # public
    nominal_day: Mapped[date | None] = mapped_column(db.Date)
    manual: Mapped[bool] = mapped_column(db.Boolean, default=False)
    note: Mapped[str | None] = mapped_column(db.String(500))  # public
    lock_seq: Mapped[int] = mapped_column(db.Integer, default=0)

    office: Mapped[Office] = relationship()
    rule: Mapped[ReceptionRule | None] = relationship()
    leader: Mapped[User] = relationship(foreign_keys=[leader_id])
    original_leader: Mapped[User | None] = relationship(foreign_keys=[original_leader_id])
    slots: Mapped[list["ReceptionSlot"]] = relationship(
        back_populates="day", order_by="ReceptionSlot.start_time", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == DayStatus.CANCELLED


class ReceptionSlot(db.Model):
    """A bookable part of a reception day (local times) with its capacity."""

    __tablename__ = "reception_slot"
    __table_args__ = (db.UniqueConstraint("day_id", "start_time", name="uq_reception_slot_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(
        db.ForeignKey("reception_day.id", ondelete="CASCADE"), index=True
    )
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"))
    start_time: Mapped[time] = mapped_column(db.Time)
    end_time: Mapped[time] = mapped_column(db.Time)
    capacity: Mapped[int] = mapped_column(db.Integer, default=2)

    day: Mapped[ReceptionDay] = relationship(back_populates="slots")

    def __str__(self) -> str:
        return f"{self.start_time:%H:%M}–{self.end_time:%H:%M}"


class RosterChange(db.Model):
    """One exception to the roster: what, which day(s), who for whom, why, recorded by whom."""

    __tablename__ = "reception_roster_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    kind: Mapped[ChangeKind] = mapped_column(enum_column(ChangeKind, 24))
    day_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("reception_day.id", ondelete="SET NULL")
    )
    other_day_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("reception_day.id", ondelete="SET NULL")
    )
    day_date: Mapped[date] = mapped_column(db.Date)  # kept readable if the day row goes
    other_day_date: Mapped[date | None] = mapped_column(db.Date)
    from_leader_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    to_leader_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(db.String(500))
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    office: Mapped[Office] = relationship()
    from_leader: Mapped[User | None] = relationship(foreign_keys=[from_leader_id])
    to_leader: Mapped[User | None] = relationship(foreign_keys=[to_leader_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class Booking(TimestampMixin, db.Model):
    """A resident's appointment in a slot. ``phone_hash`` (keyed hash of the normalised number)
    is unique per office and date while the booking is live; a cancelled booking drops it."""

    __tablename__ = "reception_booking"
    __table_args__ = (
        db.UniqueConstraint(
            "office_id", "day_date", "phone_hash", name="uq_reception_booking_phone_day"
        ),
        db.Index("ix_reception_booking_slot_status", "slot_id", "status"),
        db.Index("ix_reception_booking_day", "day_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"))
    day_id: Mapped[int] = mapped_column(db.ForeignKey("reception_day.id"))
    slot_id: Mapped[int] = mapped_column(db.ForeignKey("reception_slot.id"))
    day_date: Mapped[date] = mapped_column(db.Date)
    # The leader asked for by name; None: whoever is the duty leader that day.
    leader_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    name: Mapped[str] = mapped_column(db.String(32))
    phone: Mapped[str | None] = mapped_column(db.String(20))  # personal data
    phone_hash: Mapped[str | None] = mapped_column(db.String(64))
    village: Mapped[str | None] = mapped_column(db.String(64))
    matter: Mapped[str] = mapped_column(db.String(500))
    code: Mapped[str] = mapped_column(db.String(12), unique=True)
    status: Mapped[BookingStatus] = mapped_column(
        enum_column(BookingStatus, 24), default=BookingStatus.BOOKED
    )
    source: Mapped[BookingSource] = mapped_column(
        enum_column(BookingSource, 24), default=BookingSource.ONLINE
    )
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_note: Mapped[str | None] = mapped_column(db.String(500))

    day: Mapped[ReceptionDay] = relationship()
    slot: Mapped[ReceptionSlot] = relationship()
    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id])

    def __str__(self) -> str:
        return f"{self.day_date.isoformat()} {self.name}"


class ReceptionMatter(TimestampMixin, db.Model):
    """A letter, visit or call the duty leader received, handed over as a core case.

    ``source_type="reception_matter"``/``source_id`` on the case point back here; the
    ``case_closed`` hook copies the outcome so the day sheet shows it.
    """

    __tablename__ = "reception_matter"
    __table_args__ = (db.Index("ix_reception_matter_leader_received", "leader_id", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    day_id: Mapped[int | None] = mapped_column(db.ForeignKey("reception_day.id"), index=True)
    booking_id: Mapped[int | None] = mapped_column(db.ForeignKey("reception_booking.id"))
    leader_id: Mapped[int] = mapped_column(db.ForeignKey("user.id"))
    channel: Mapped[MatterChannel] = mapped_column(enum_column(MatterChannel, 24))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    name: Mapped[str] = mapped_column(db.String(32))
    phone: Mapped[str | None] = mapped_column(db.String(20))  # personal data
    village: Mapped[str | None] = mapped_column(db.String(64))
    subject: Mapped[str] = mapped_column(db.String(200))
    content: Mapped[str] = mapped_column(db.Text, default="")
    instruction: Mapped[str] = mapped_column(db.Text)  # 领导批示
    responsible_office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"))
    handler_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    instructed_last_day: Mapped[date | None] = mapped_column(db.Date)  # the leader's own deadline
    answered_on_the_spot: Mapped[bool] = mapped_column(db.Boolean, default=False)
    collective: Mapped[bool] = mapped_column(db.Boolean, default=False)  # 重要案件：班子集体协商
    case_id: Mapped[int | None] = mapped_column(db.ForeignKey("case_record.id"))
    case_receipt_no: Mapped[str | None] = mapped_column(db.String(16))
    outcome: Mapped[str | None] = mapped_column(db.Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))

    office: Mapped[Office] = relationship(foreign_keys=[office_id])
    responsible_office: Mapped[Office] = relationship(foreign_keys=[responsible_office_id])
    day: Mapped[ReceptionDay | None] = relationship()
    leader: Mapped[User] = relationship(foreign_keys=[leader_id])
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])

    def __str__(self) -> str:
        return self.subject


class AppointmentCard(VersionedMixin, TimestampMixin, db.Model):
    """《群众预约领导办公卡》: the leader asked for was away; visit at home on return.

    The visit's clock starts the day the leader is back (``leader_back_on``, else the
    expected ``expected_back_on``); ``visit_due_at`` is computed with ``core.sla`` from the
    office's limit and drives the yellow/red colour like any case.
    """

    __tablename__ = "reception_card"
    __table_args__ = (
        db.UniqueConstraint("office_id", "number", name="uq_reception_card_number"),
        db.Index("ix_reception_card_leader_status", "leader_id", "status"),
        db.Index("ix_reception_card_status_due", "status", "visit_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    number: Mapped[str] = mapped_column(db.String(16))  # 2026-0007
    leader_id: Mapped[int] = mapped_column(db.ForeignKey("user.id"))  # the leader asked for
    name: Mapped[str] = mapped_column(db.String(32))
    phone: Mapped[str | None] = mapped_column(db.String(20))  # personal data
    address: Mapped[str] = mapped_column(db.String(200))  # personal data: where to visit
    village: Mapped[str | None] = mapped_column(db.String(64))
    matter: Mapped[str] = mapped_column(db.Text)
    away_reason: Mapped[str | None] = mapped_column(db.String(200))  # 因公外出…
    filled_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    filled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expected_back_on: Mapped[date] = mapped_column(db.Date)
    leader_back_on: Mapped[date | None] = mapped_column(db.Date)
    limit_amount: Mapped[int] = mapped_column(db.Integer)
    limit_unit: Mapped[str] = mapped_column(db.String(20))
    visit_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[CardStatus] = mapped_column(enum_column(CardStatus, 24), default=CardStatus.OPEN)
    visited_on: Mapped[date | None] = mapped_column(db.Date)
    visitor_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    findings: Mapped[str | None] = mapped_column(db.Text)  # 了解的情况
    resolution: Mapped[str | None] = mapped_column(db.Text)  # 解决办法
    visit_recorded_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    case_id: Mapped[int | None] = mapped_column(db.ForeignKey("case_record.id"))
    case_receipt_no: Mapped[str | None] = mapped_column(db.String(16))
    outcome: Mapped[str | None] = mapped_column(db.Text)
    satisfaction: Mapped[Satisfaction | None] = mapped_column(enum_column(Satisfaction, 24))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    withdrawn_reason: Mapped[str | None] = mapped_column(db.String(500))

    office: Mapped[Office] = relationship()
    leader: Mapped[User] = relationship(foreign_keys=[leader_id])
    visitor: Mapped[User | None] = relationship(foreign_keys=[visitor_id])
    filled_by: Mapped[User | None] = relationship(foreign_keys=[filled_by_id])

    def __str__(self) -> str:
        return self.number


# Registration order: parents before children (office-data deletion runs it backwards).
MODELS = [
    ReceptionSettings,
    ReceptionRule,
    ReceptionDay,
    ReceptionSlot,
    RosterChange,
    Booking,
    ReceptionMatter,
    AppointmentCard,
]


# Names of tables without a screen of their own (the audit log, the delete-data preview).
ReceptionSlot.__table__.info["label"] = _l("接待时段")
