"""The case register: cases, their timeline, attachments, offices, extensions, pauses, agency
records, ratings, rectifications and rating appeals, plus offices' published limits.

Indexes follow the list screens' sorts: every list is ordered by (due_at, id) within an office
and/or status, so each filter combination has an index whose order is the list's order and a
page is an index range scan, never a sort of the whole table.
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import (
    LabelledEnum,
    Office,
    TimestampMixin,
    User,
    VersionedMixin,
    enum_column,
    utcnow,
)
from core.models.types import UTCDateTime
from core.sla import Limit, LimitUnit
from core.sla.engine import Colour
from core.time import as_utc


def _enum(cls, length=20):
    return enum_column(cls, length)


class CaseStatus(LabelledEnum):
    """Where a case stands. The first four are "active": the clock runs (or is paused).

    Open: registered or transferred, waiting for a handler to sign for it. Paused: the clock is
    stopped (material awaited, a third party consulted). With the leader: nobody could take it.
    Resolved (办结): the outcome is given and the resident may rate it. Closed (归档): rated, or
    filed by staff.
    """

    OPEN = "open", _l("待签收")
    IN_PROGRESS = "in_progress", _l("办理中")
    PAUSED = "paused", _l("暂停计时")
    WITH_LEADER = "with_leader", _l("呈报领导")
    RESOLVED = "resolved", _l("已办结")
    CLOSED = "closed", _l("已归档")


ACTIVE_STATUSES = (
    CaseStatus.OPEN,
    CaseStatus.IN_PROGRESS,
    CaseStatus.PAUSED,
    CaseStatus.WITH_LEADER,
)
FINISHED_STATUSES = (CaseStatus.RESOLVED, CaseStatus.CLOSED)
# The predicate of the partial indexes over active cases, written with literal values: a
# planner can only use a partial index when the query repeats its predicate, and cannot see
# through bound parameters.
ACTIVE_SQL = "status IN ({})".format(", ".join(f"'{s.value}'" for s in ACTIVE_STATUSES))


def _partial(name: str, *columns: str, where: str = ACTIVE_SQL) -> db.Index:
    return db.Index(name, *columns, sqlite_where=db.text(where), postgresql_where=db.text(where))


class Channel(LabelledEnum):
    """How the matter reached the township (统一接件: whatever the channel). A module whose
    matters come from its own proceedings (a hearing, a residents' meeting) uses MEETING; the
    case's ``source_type`` says which module."""

    WINDOW = "window", _l("窗口")
    VISIT = "visit", _l("来访")
    LETTER = "letter", _l("来信")
    PHONE = "phone", _l("来电")
    HOTLINE = "hotline_12345", _l("12345 热线")
    MAYOR_MAILBOX = "mayor_mailbox", _l("市长信箱")
    ONLINE = "online", _l("网上办理")
    MEETING = "meeting", _l("会议提出")


class Case(VersionedMixin, TimestampMixin, db.Model):
    """One matter a resident brought, from acceptance to rating.

    ``first_responder_id`` (首问责任人) and ``first_office_id`` (the accepting office, which
    leads a multi-office matter) never change; ``office_id`` and ``handler_id`` follow
    transfers. ``due_at``/``warn_at`` are computed by ``core.sla`` and stored so that lists,
    colour filters and the sweep are plain index range scans.
    """

    __tablename__ = "case_record"
    __table_args__ = (
        # The list: one office (and a status) in deadline order; everything; newest first.
        db.Index("ix_case_record_office_status_due", "office_id", "status", "due_at", "id"),
        db.Index("ix_case_record_office_due", "office_id", "due_at", "id"),
        db.Index("ix_case_record_status_due", "status", "due_at", "id"),
        db.Index("ix_case_record_due", "due_at", "id"),
        db.Index("ix_case_record_accepted", "accepted_at", "id"),
        db.Index("ix_case_record_office_accepted", "office_id", "accepted_at", "id"),
        # Cases still being handled (the list's default "未办结", colours, supervision, sweep).
        _partial("ix_case_record_active_office_due", "office_id", "due_at", "id"),
        _partial("ix_case_record_active_due", "due_at", "id"),
        _partial("ix_case_record_step_due", "step_due_at", where="step_due_at IS NOT NULL"),
        # Transferred away from the accepting office; the annual quota; plugins' lookups.
        db.Index("ix_case_record_first_office_due", "first_office_id", "due_at", "id"),
        db.Index("ix_case_record_handler_closed", "handler_id", "closed_at"),
        db.Index("ix_case_record_source", "source_type", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_no: Mapped[str] = mapped_column(db.String(16), unique=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"))
    first_office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"))
    category: Mapped[str] = mapped_column(db.String(64))
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    subject: Mapped[str] = mapped_column(db.String(200))
    content: Mapped[str] = mapped_column(db.Text, default="")
    # Personal data of a private person: masked in lists, never public, never exported.
    applicant_name: Mapped[str | None] = mapped_column(db.String(64))
    applicant_phone: Mapped[str | None] = mapped_column(db.String(32))
    applicant_id_number: Mapped[str | None] = mapped_column(db.String(32))
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus), default=CaseStatus.OPEN)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The limit the case runs on (the office's published one or the category's), and the
    # approved extensions in the same unit.
    limit_amount: Mapped[int] = mapped_column(db.Integer)
    limit_unit: Mapped[str] = mapped_column(db.String(20))
    extra_amount: Mapped[int] = mapped_column(db.Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    warn_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_warnings: Mapped[list | None] = mapped_column(db.JSON)
    due_uncovered: Mapped[bool] = mapped_column(db.Boolean, default=False)
    paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A step with its own limit: a transfer not yet signed for, or a hand-back.
    step_kind: Mapped[str | None] = mapped_column(db.String(20))
    step_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    step_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(db.Text)
    handler_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    first_responder_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    source_type: Mapped[str | None] = mapped_column(db.String(40))
    source_id: Mapped[str | None] = mapped_column(db.String(64))
    # Colour seen by the last deadline sweep: reminders go out when it changes.
    swept_colour: Mapped[str | None] = mapped_column(db.String(8))

    office: Mapped[Office] = relationship(foreign_keys=[office_id])
    first_office: Mapped[Office] = relationship(foreign_keys=[first_office_id])
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    first_responder: Mapped[User | None] = relationship(foreign_keys=[first_responder_id])
    events: Mapped[list["CaseEvent"]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list["CaseAttachment"]] = relationship(
        order_by="CaseAttachment.id", cascade="all, delete-orphan"
    )
    offices: Mapped[list["CaseOffice"]] = relationship(cascade="all, delete-orphan")
    extensions: Mapped[list["Extension"]] = relationship(
        order_by="Extension.id", cascade="all, delete-orphan"
    )
    pauses: Mapped[list["Pause"]] = relationship(order_by="Pause.id", cascade="all, delete-orphan")
    agencies: Mapped[list["AgencyRecord"]] = relationship(
        order_by="AgencyRecord.id", cascade="all, delete-orphan"
    )
    rating: Mapped["Rating | None"] = relationship(
        back_populates="case", uselist=False, cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.receipt_no} {self.subject}"

    @property
    def limit(self) -> Limit:
        """The limit the case runs on."""
        return Limit(self.limit_amount, LimitUnit(self.limit_unit))

    @property
    def extra(self) -> Limit | None:
        """Approved extensions, as one limit in the case's unit (None without any)."""
        return Limit(self.extra_amount, LimitUnit(self.limit_unit)) if self.extra_amount else None

    @property
    def is_active(self) -> bool:
        """True while the case is being handled (its clock runs or is paused)."""
        return self.status in ACTIVE_STATUSES

    def colour(self, now: datetime | None = None) -> Colour:
        """green, yellow (≤ 20 % of its time or one working day left), red (overdue) or
        closed. A paused case keeps the colour it had when its clock stopped."""
        if self.status in FINISHED_STATUSES:
            return Colour.CLOSED
        moment = as_utc(now) or utcnow()
        if self.paused_since is not None:
            moment = min(moment, self.paused_since)
        if moment > self.due_at:
            return Colour.RED
        if moment >= self.warn_at:
            return Colour.YELLOW
        return Colour.GREEN

    def step_colour(self, now: datetime | None = None) -> Colour | None:
        """Colour of the pending step (transfer to sign for, hand-back), or None."""
        if self.step_due_at is None or not self.is_active:
            return None
        moment = as_utc(now) or utcnow()
        due, started = self.step_due_at, self.step_started_at
        if moment > due:
            return Colour.RED
        if started is not None and moment >= due - (due - started) * 0.2:
            return Colour.YELLOW
        return Colour.GREEN


def is_active_sql():
    """WHERE clause "the case is still being handled", matching the partial indexes."""
    return Case.status.in_([db.literal_column(f"'{s.value}'") for s in ACTIVE_STATUSES])


class CaseEvent(db.Model):
    """One step on a case's timeline: who, when, what, why, from where to where."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("case_record.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(db.String(32))
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    actor_name: Mapped[str | None] = mapped_column(db.String(64))  # snapshot; "群众" for residents
    note: Mapped[str | None] = mapped_column(db.Text)
    from_office_id: Mapped[int | None] = mapped_column(db.ForeignKey("office.id"))
    to_office_id: Mapped[int | None] = mapped_column(db.ForeignKey("office.id"))
    from_user_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    to_user_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    data: Mapped[dict | None] = mapped_column(db.JSON)

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    from_office: Mapped[Office | None] = relationship(foreign_keys=[from_office_id])
    to_office: Mapped[Office | None] = relationship(foreign_keys=[to_office_id])
    from_user: Mapped[User | None] = relationship(foreign_keys=[from_user_id])
    to_user: Mapped[User | None] = relationship(foreign_keys=[to_user_id])


class CaseAttachment(db.Model):
    """A file on a case (type and size checked), stored through ``core.storage``."""

    __tablename__ = "case_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("case_record.id"), index=True)
    filename: Mapped[str] = mapped_column(db.String(200))
    storage_key: Mapped[str] = mapped_column(db.String(128))
    content_type: Mapped[str] = mapped_column(db.String(100))
    size: Mapped[int] = mapped_column(db.Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    uploaded_by: Mapped[User | None] = relationship()


class CaseOffice(db.Model):
    """An office on a multi-office matter: the lead office, or one it notified (知会)."""

    __tablename__ = "case_office"

    case_id: Mapped[int] = mapped_column(db.ForeignKey("case_record.id"), primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(db.String(10))  # "lead" | "notified"
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    note: Mapped[str | None] = mapped_column(db.Text)

    office: Mapped[Office] = relationship()


class Extension(db.Model):
    """A request for more time: reason, amount in the case's unit, a leader's decision."""

    __tablename__ = "case_extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("case_record.id"), index=True)
    amount: Mapped[int] = mapped_column(db.Integer)
    unit: Mapped[str] = mapped_column(db.String(20))
    reason: Mapped[str] = mapped_column(db.Text)
    status: Mapped[str] = mapped_column(db.String(10), default="requested", index=True)
    requested_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(db.Text)

    case: Mapped[Case] = relationship(back_populates="extensions")
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def limit(self) -> Limit:
        """The extension asked for, as a limit in the case's unit."""
        return Limit(self.amount, LimitUnit(self.unit))


class PauseReason(LabelledEnum):
    """Time the rules exclude from the limit."""

    MATERIAL = "material", _l("等待群众补正材料")
    THIRD_PARTY = "third_party", _l("征求第三方意见")


class Pause(db.Model):
    """An interval during which the case's clock stood still."""

    __tablename__ = "case_pause"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("case_record.id"), index=True)
    reason: Mapped[PauseReason] = mapped_column(_enum(PauseReason))
    note: Mapped[str | None] = mapped_column(db.Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    ended_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))


class AgencyRecord(db.Model):
    """办事代理: the receiving staff member takes the matter over as agent (代办人), delivers
    the result to the resident's door (上门送达) and a leader signs the record off."""

    __tablename__ = "case_agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("case_record.id"), index=True)
    agent_id: Mapped[int] = mapped_column(db.ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(db.Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    delivered_items: Mapped[str | None] = mapped_column(db.Text)
    signed_off_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sign_off_note: Mapped[str | None] = mapped_column(db.Text)

    agent: Mapped[User] = relationship(foreign_keys=[agent_id])
    delivered_by: Mapped[User | None] = relationship(foreign_keys=[delivered_by_id])
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])


class Grade(LabelledEnum):
    """The national five grades of the government-service evaluation system (好差评)."""

    VERY_SATISFIED = "very_satisfied", _l("非常满意")
    SATISFIED = "satisfied", _l("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _l("基本满意")
    DISSATISFIED = "dissatisfied", _l("不满意")
    VERY_DISSATISFIED = "very_dissatisfied", _l("非常不满意")

    @property
    def is_negative(self) -> bool:
        """不满意 or worse: opens a rectification."""
        return self in (Grade.DISSATISFIED, Grade.VERY_DISSATISFIED)


class Rating(db.Model):
    """The resident's one rating of a resolved case. ``voided`` when an appeal was upheld."""

    __tablename__ = "case_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("case_record.id"), unique=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    grade: Mapped[Grade] = mapped_column(_enum(Grade))
    comment: Mapped[str | None] = mapped_column(db.Text)
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    voided: Mapped[bool] = mapped_column(db.Boolean, default=False)

    case: Mapped[Case] = relationship(back_populates="rating")
    appeals: Mapped[list["RatingAppeal"]] = relationship(
        order_by="RatingAppeal.id", back_populates="rating"
    )
    rectification: Mapped["Rectification | None"] = relationship(
        back_populates="rating", uselist=False
    )


class Rectification(db.Model):
    """整改: opened by a rating of 不满意 or worse, for the office head, with its own deadline
    and a follow-up call (回访) to the resident."""

    __tablename__ = "case_rectification"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("case_record.id"), index=True)
    rating_id: Mapped[int] = mapped_column(db.ForeignKey("case_rating.id"), unique=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(
        db.String(12), default="open"
    )  # open, done, followed_up, cancelled
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    measures: Mapped[str | None] = mapped_column(db.Text)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))

    case: Mapped[Case] = relationship()
    rating: Mapped[Rating] = relationship(back_populates="rectification")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    calls: Mapped[list["FollowUpCall"]] = relationship(
        order_by="FollowUpCall.id", cascade="all, delete-orphan"
    )


class FollowUpCall(db.Model):
    """回访: a call to the resident after the rectification, reached or not, and their view."""

    __tablename__ = "case_follow_up_call"

    id: Mapped[int] = mapped_column(primary_key=True)
    rectification_id: Mapped[int] = mapped_column(
        db.ForeignKey("case_rectification.id"), index=True
    )
    called_at: Mapped[datetime] = mapped_column(UTCDateTime())
    called_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    reached: Mapped[bool] = mapped_column(db.Boolean, default=True)
    resident_grade: Mapped[Grade | None] = mapped_column(_enum(Grade))
    note: Mapped[str | None] = mapped_column(db.Text)

    called_by: Mapped[User | None] = relationship()


class AppealReason(LabelledEnum):
    """Why an office says a rating should not count."""

    MISTAKEN = "mistaken", _l("误评")
    MALICIOUS = "malicious", _l("恶意评价")


class RatingAppeal(db.Model):
    """An office's appeal against a rating; a leader upholds (the rating is voided) or rejects it."""

    __tablename__ = "case_rating_appeal"

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(db.ForeignKey("case_rating.id"), index=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("case_record.id"), index=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    reason: Mapped[AppealReason] = mapped_column(_enum(AppealReason))
    statement: Mapped[str] = mapped_column(db.Text)
    status: Mapped[str] = mapped_column(
        db.String(10), default="pending", index=True
    )  # pending, upheld, rejected
    filed_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(db.Text)

    rating: Mapped[Rating] = relationship(back_populates="appeals")
    filed_by: Mapped[User | None] = relationship(foreign_keys=[filed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class OfficeCategoryLimit(TimestampMixin, db.Model):
    """An office's own published limit for a category (公示), never longer than the category's
    cap; new cases of that office run on it."""

    __tablename__ = "case_office_limit"
    __table_args__ = (db.UniqueConstraint("office_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    category: Mapped[str] = mapped_column(db.String(64))
    amount: Mapped[int] = mapped_column(db.Integer)
    unit: Mapped[str] = mapped_column(db.String(20))
    note: Mapped[str | None] = mapped_column(db.Text)  # shown to residents

    office: Mapped[Office] = relationship()

    @property
    def limit(self) -> Limit:
        """The office's published limit."""
        return Limit(self.amount, LimitUnit(self.unit))


class CaseMonthStat(db.Model):
    """Open and overdue cases of an office at the end of a month (督办 chart), frozen once the
    month is over, as a monthly statistical return is."""

    __tablename__ = "case_month_stat"

    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), primary_key=True)
    month: Mapped[date] = mapped_column(db.Date, primary_key=True)  # first day of the month
    open_count: Mapped[int] = mapped_column(db.Integer, default=0)
    overdue_count: Mapped[int] = mapped_column(db.Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReceiptLookupCounter(db.Model):
    """Lookups of unknown receipt numbers per address within a window (without Redis),
    against enumeration. The key is a hash of the address."""

    __tablename__ = "case_lookup_counter"

    key: Mapped[str] = mapped_column(db.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(db.Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
