"""Duty rota (值班表) for seven-day service, after-hours cases and swaps.

- ``DutyRule``: an office's rota rule — who rotates (in order), how many consecutive rest days
  each person covers, from which day, the office's duty phone and its office hours.
- ``DutyAssignment``: one rest day of one office and who is on duty (None: a gap).
- ``DutySwap``: every change of the person on duty, with who for whom, why and by whom.
- ``HandoverReport`` and its ``HandoverItem``: what came in during a duty (letters, visits,
  hotline calls, each linked to its case where one was opened), filed by the person on duty
  before the next working day's start.
- ``DutyPledge``: the person on duty's no-banquet pledge, once per rota period (a month).
- ``AfterHoursCase``: a core case registered outside office hours or on a rest day, counted
  for the person on duty.
"""

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.kit import Case, Office, TimestampMixin, User, UTCDateTime, VersionedMixin, db, utcnow


class DutyRule(VersionedMixin, TimestampMixin, db.Model):
    """One office's rota rule: the members in order, rest days per turn, the duty phone."""

    __tablename__ = "duty_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), unique=True, index=True)
    member_ids: Mapped[str] = mapped_column(db.String(500), default="")  # "3,5,7" in rota order
    days_per_turn: Mapped[int] = mapped_column(db.Integer, default=1)
    starts_on: Mapped[date] = mapped_column(db.Date)
    duty_phone: Mapped[str | None] = mapped_column(db.String(32))  # the office's duty line
    hours_start: Mapped[time] = mapped_column(db.Time, default=time(8, 30))
    hours_end: Mapped[time] = mapped_column(db.Time, default=time(17, 30))

    office: Mapped[Office] = relationship()

    @property
    def members(self) -> list[int]:
        """The user ids of the rota, in order."""
        return [int(x) for x in self.member_ids.split(",") if x.strip().isdigit()]


class DutyAssignment(TimestampMixin, db.Model):
    """One rest day of one office and the person on duty (None: nobody, a gap)."""

    __tablename__ = "duty_assignment"
    __table_args__ = (db.UniqueConstraint("office_id", "day", name="uq_duty_assignment_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    day: Mapped[date] = mapped_column(db.Date, index=True)
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))

    office: Mapped[Office] = relationship()
    user: Mapped[User | None] = relationship()


class DutySwap(db.Model):
    """A change of the person on duty on one day: from whom to whom, why, recorded by whom."""

    __tablename__ = "duty_swap"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    day: Mapped[date] = mapped_column(db.Date)
    from_user_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    to_user_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(db.String(500))
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    office: Mapped[Office] = relationship()
    from_user: Mapped[User | None] = relationship(foreign_keys=[from_user_id])
    to_user: Mapped[User | None] = relationship(foreign_keys=[to_user_id])


class AfterHoursCase(db.Model):
    """A case registered outside office hours or on a rest day, counted for ``user``."""

    __tablename__ = "duty_after_hours_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("case_record.id"), unique=True)
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"), index=True)
    day: Mapped[date] = mapped_column(db.Date, index=True)
    rest_day: Mapped[bool] = mapped_column(default=False)

    case: Mapped[Case] = relationship()
    user: Mapped[User | None] = relationship()


class HandoverReport(VersionedMixin, TimestampMixin, db.Model):
    """The handover report of one duty day; ``filed_at`` None while it is being written."""

    __tablename__ = "duty_handover_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(db.ForeignKey("duty_assignment.id"), unique=True)
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    day: Mapped[date] = mapped_column(db.Date, index=True)
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    assignment: Mapped[DutyAssignment] = relationship()
    user: Mapped[User | None] = relationship()
    items: Mapped[list["HandoverItem"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="HandoverItem.id"
    )


class HandoverItem(db.Model):
    """One letter, visit or hotline call received on duty, with its case if one was opened."""

    __tablename__ = "duty_handover_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        db.ForeignKey("duty_handover_report.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(db.String(16))  # letter / visit / call
    summary: Mapped[str] = mapped_column(db.Text)
    case_id: Mapped[int | None] = mapped_column(db.ForeignKey("case_record.id"))

    report: Mapped[HandoverReport] = relationship(back_populates="items")
    case: Mapped[Case | None] = relationship()


class DutyPledge(db.Model):
    """A person's no-banquet pledge for one rota period (``period`` is "YYYY-MM")."""

    __tablename__ = "duty_pledge"
    __table_args__ = (
        db.UniqueConstraint("office_id", "user_id", "period", name="uq_duty_pledge_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id"))
    period: Mapped[str] = mapped_column(db.String(7))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()


MODELS = [
    DutyRule,
    DutyAssignment,
    DutySwap,
    AfterHoursCase,
    HandoverReport,
    HandoverItem,
    DutyPledge,
]


# What the audit log and the delete-data preview call each table.
DutyRule.__table__.info["label"] = _l("值班规则")
DutyAssignment.__table__.info["label"] = _l("值班安排")
DutySwap.__table__.info["label"] = _l("换班记录")
AfterHoursCase.__table__.info["label"] = _l("延时办理事项")
HandoverReport.__table__.info["label"] = _l("值班交接报告")
HandoverItem.__table__.info["label"] = _l("交接报告事项")
DutyPledge.__table__.info["label"] = _l("值班承诺")
