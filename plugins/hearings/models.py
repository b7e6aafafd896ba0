"""Hearings, their attendees, questions, published minutes and messages to participants."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.hybrid import hybrid_property
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
    utc_now,
)


class HearingKind(LabelledEnum):
    """A hearing (听证) asks residents before a decision; an inquiry (质询) questions officials."""

    HEARING = "hearing", _l("听证会")
    INQUIRY = "inquiry", _l("质询会")


class HearingStatus(LabelledEnum):
    """Lifecycle: draft → announced → held → minutes published → results published.

    An announced hearing may be postponed (and announced again) or cancelled, with a reason
    that residents see.
    """

    DRAFT = "draft", _l("草稿")
    ANNOUNCED = "announced", _l("已公告，接受报名")
    POSTPONED = "postponed", _l("已延期")
    HELD = "held", _l("已举行，纪要整理中")
    MINUTES_PUBLISHED = "minutes_published", _l("纪要已公开")
    RESULTS_PUBLISHED = "results_published", _l("结果已公开")
    CANCELLED = "cancelled", _l("已取消")


# Statuses after the hearing took place.
HELD_STATUSES = (
    HearingStatus.HELD,
    HearingStatus.MINUTES_PUBLISHED,
    HearingStatus.RESULTS_PUBLISHED,
)


class AttendeeCategory(LabelledEnum):
    """Who attends, in the rulebook's words (群众听证质询制度)."""

    CONCERNED = "concerned", _l("利害关系人")  # 当事群众
    RETIRED_CADRE = "retired_cadre", _l("离退休老干部")
    NPC_DEPUTY = "npc_deputy", _l("人大代表")
    CPPCC_MEMBER = "cppcc_member", _l("政协委员")
    RESIDENT_REP = "resident_rep", _l("群众代表")
    STAFF = "staff", _l("工作人员")  # 干部

    @property
    def is_public_figure(self) -> bool:
        """Deputies, CPPCC members and officials act in a public role: named in full."""
        return self in PUBLIC_FIGURE_CATEGORIES


PUBLIC_FIGURE_CATEGORIES = frozenset(
    {AttendeeCategory.NPC_DEPUTY, AttendeeCategory.CPPCC_MEMBER, AttendeeCategory.STAFF}
)
# What a resident may pick on the public form (staff are invited, not self-registered).
SELF_REGISTER_CATEGORIES = (
    AttendeeCategory.CONCERNED,
    AttendeeCategory.RESIDENT_REP,
    AttendeeCategory.RETIRED_CADRE,
    AttendeeCategory.NPC_DEPUTY,
    AttendeeCategory.CPPCC_MEMBER,
)


class AttendeeStatus(LabelledEnum):
    """A place in the hall, a place on the waiting list, or withdrawn."""

    CONFIRMED = "confirmed", _l("已确认参加")
    WAITING = "waiting", _l("候补")
    WITHDRAWN = "withdrawn", _l("已退出")


class AttendeeSource(LabelledEnum):
    """Added by staff, or self-registered on the public page."""

    INVITED = "invited", _l("工作人员邀请")
    REGISTERED = "registered", _l("群众报名")


class QuestionStatus(LabelledEnum):
    """A question is raised, then answered on the spot or deferred to a tracked follow-up."""

    RAISED = "raised", _l("待答复")
    ANSWERED = "answered", _l("已当场答复")
    DEFERRED = "deferred", _l("会后限期答复")


class Hearing(VersionedMixin, TimestampMixin, db.Model):
    """A public hearing or inquiry convened by decision of the Party committee (党委会决定)."""

    __tablename__ = "hearing"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    kind: Mapped[HearingKind] = mapped_column(
        enum_column(HearingKind, 16), default=HearingKind.HEARING
    )
    title: Mapped[str] = mapped_column(db.String(200))
    issue: Mapped[str] = mapped_column(db.Text, default="")  # 议题：the matter at stake
    decision_date: Mapped[date | None] = mapped_column(db.Date)  # 党委会决定日期
    decision_ref: Mapped[str | None] = mapped_column(db.String(120))  # 会议纪要/文号
    venue: Mapped[str | None] = mapped_column(db.String(200))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    capacity: Mapped[int] = mapped_column(db.Integer, default=50)
    waitlist_size: Mapped[int] = mapped_column(db.Integer, default=20)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[HearingStatus] = mapped_column(
        enum_column(HearingStatus, 24), default=HearingStatus.DRAFT, index=True
    )
    status_reason: Mapped[str | None] = mapped_column(db.Text)  # why cancelled/postponed (public)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    organiser_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"), index=True)
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    minutes_draft: Mapped[str] = mapped_column(db.Text, default="")
    minutes_draft_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    results_summary: Mapped[str | None] = mapped_column(db.Text)
    results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped by every registration on SQLite so the database write lock is taken before the
    # places are counted (PostgreSQL uses SELECT … FOR UPDATE on this row instead).
    registration_seq: Mapped[int] = mapped_column(db.Integer, default=0, nullable=False)

    office: Mapped[Office] = relationship()
    organiser: Mapped[User | None] = relationship(foreign_keys=[organiser_id])
    attendees: Mapped[list["Attendee"]] = relationship(
        back_populates="hearing", cascade="all, delete-orphan", order_by="Attendee.id"
    )
    questions: Mapped[list["Question"]] = relationship(
        back_populates="hearing", cascade="all, delete-orphan", order_by="Question.number"
    )
    minutes: Mapped[list["MinutesVersion"]] = relationship(
        back_populates="hearing", cascade="all, delete-orphan", order_by="MinutesVersion.number"
    )
    messages: Mapped[list["ParticipantMessage"]] = relationship(
        back_populates="hearing", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.title

    @property
    def latest_minutes(self) -> "MinutesVersion | None":
        return self.minutes[-1] if self.minutes else None

    @property
    def is_public(self) -> bool:
        """Residents see a hearing once it was announced (a draft cancelled unseen stays hidden)."""
        return self.announced_at is not None


class Attendee(TimestampMixin, db.Model):
    """A person on a hearing's attendee list: invited by staff or registered by a resident."""

    __tablename__ = "hearing_attendee"
    __table_args__ = (db.UniqueConstraint("hearing_id", "phone_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(db.ForeignKey("hearing.id"), index=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    name: Mapped[str] = mapped_column(db.String(64))
    category: Mapped[AttendeeCategory] = mapped_column(enum_column(AttendeeCategory, 24))
    village: Mapped[str | None] = mapped_column(db.String(64))  # 村/社区
    affiliation: Mapped[str | None] = mapped_column(db.String(120))  # 单位、职务（代表/委员/干部）
    phone: Mapped[str | None] = mapped_column(db.String(32))  # personal data: staff only
    # HMAC of the normalised phone: one registration per phone per hearing without putting
    # the raw number in an index. Cleared on withdrawal so the number may register again.
    phone_hash: Mapped[str | None] = mapped_column(db.String(64))
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"), index=True)  # staff
    consent_public_name: Mapped[bool] = mapped_column(db.Boolean, default=False)
    source: Mapped[AttendeeSource] = mapped_column(enum_column(AttendeeSource, 16))
    status: Mapped[AttendeeStatus] = mapped_column(enum_column(AttendeeStatus, 16), index=True)
    code: Mapped[str] = mapped_column(db.String(16), unique=True)  # confirmation code
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_in_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    invited_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))

    hearing: Mapped[Hearing] = relationship(back_populates="attendees")
    office: Mapped[Office] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    def __str__(self) -> str:
        return f"{self.name}（{self.category.label}）"

    @hybrid_property
    def named_in_full(self) -> bool:
        """Published under their full name: a public figure whom staff put on the list.

        Anyone can tick 人大代表 on the public form and nobody checks it there, so a
        self-registered "deputy" is treated as a private person (张某, only with consent)
        until staff add or confirm them as invited."""
        return self.category.is_public_figure and self.source == AttendeeSource.INVITED

    @named_in_full.inplace.expression
    @classmethod
    def _named_in_full_expression(cls):
        return cls.category.in_(PUBLIC_FIGURE_CATEGORIES) & (cls.source == AttendeeSource.INVITED)


class Question(TimestampMixin, db.Model):
    """A question raised at the hearing and how it was answered.

    A deferred answer records the reason, the responsible staff member and a deadline, and
    opens a follow-up case in the core (``case_id``; the case points back through its
    ``source_type="hearing_question"`` / ``source_id``). ``case_id`` is a plain column so the
    plugin's tables do not depend on the core's case table existing first.
    """

    __tablename__ = "hearing_question"
    __table_args__ = (db.UniqueConstraint("hearing_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(db.ForeignKey("hearing.id"), index=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    number: Mapped[int] = mapped_column(db.Integer)
    attendee_id: Mapped[int | None] = mapped_column(db.ForeignKey("hearing_attendee.id"))
    asker_name: Mapped[str] = mapped_column(db.String(64))
    asker_category: Mapped[AttendeeCategory] = mapped_column(enum_column(AttendeeCategory, 24))
    text: Mapped[str] = mapped_column(db.Text)
    status: Mapped[QuestionStatus] = mapped_column(
        enum_column(QuestionStatus, 16), default=QuestionStatus.RAISED
    )
    answer: Mapped[str | None] = mapped_column(db.Text)
    answered_by: Mapped[str | None] = mapped_column(db.String(64))  # the official who answered
    deferred_reason: Mapped[str | None] = mapped_column(db.Text)
    responsible_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    case_id: Mapped[int | None] = mapped_column(db.Integer, index=True)
    case_receipt_no: Mapped[str | None] = mapped_column(db.String(40))
    outcome: Mapped[str | None] = mapped_column(db.Text)  # published through the gate (TEXT)
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    hearing: Mapped[Hearing] = relationship(back_populates="questions")
    office: Mapped[Office] = relationship()
    attendee: Mapped[Attendee | None] = relationship()
    responsible: Mapped[User | None] = relationship(foreign_keys=[responsible_id])

    def __str__(self) -> str:
        return f"#{self.number} {self.text[:30]}"

    @hybrid_property
    def asker_named_in_full(self) -> bool:
        """The asker acts in a public role (deputy, CPPCC member, official): named in full."""
        return self.asker_category.is_public_figure

    @asker_named_in_full.inplace.expression
    @classmethod
    def _asker_named_in_full_expression(cls):
        return cls.asker_category.in_(PUBLIC_FIGURE_CATEGORIES)

    @property
    def answered_by_official(self) -> bool:
        """答复人 is exactly the name of an active official (published in full); anything
        else staff typed there is published as a private person's name (张某)."""
        from core.kit import clean_name, official_names

        name = clean_name(self.answered_by)
        return bool(name) and name in official_names()


class MinutesVersion(db.Model):
    """One published version of a hearing's minutes; never edited after publication.

    ``body_md`` holds the text staff published and ``body_html`` its sanitised HTML (for the
    staff side); residents get both only through the publication gate, which masks numbers and
    private persons' names on the way out (``plugins.hearings.publication``). A correction is a
    new version whose ``correction_note`` residents see; a leader may withdraw a version.
    """

    __tablename__ = "hearing_minutes"
    __table_args__ = (db.UniqueConstraint("hearing_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(db.ForeignKey("hearing.id"), index=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    number: Mapped[int] = mapped_column(db.Integer)
    body_md: Mapped[str] = mapped_column(db.Text)
    body_html: Mapped[str] = mapped_column(db.Text)
    search_text: Mapped[str] = mapped_column(db.Text, default="")  # plain text for search
    correction_note: Mapped[str | None] = mapped_column(db.Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    published_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    published_by_name: Mapped[str | None] = mapped_column(db.String(64))  # snapshot
    pdf_key: Mapped[str | None] = mapped_column(db.String(128))
    pdf_pages: Mapped[int | None] = mapped_column(db.Integer)
    pdf_rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The version read aloud (plugins.hearings.audio), made from the published text by a job.
    audio_key: Mapped[str | None] = mapped_column(db.String(128))
    audio_mimetype: Mapped[str | None] = mapped_column(db.String(32))
    audio_seconds: Mapped[float | None] = mapped_column(db.Float)
    audio_made_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    hearing: Mapped[Hearing] = relationship(back_populates="minutes")
    office: Mapped[Office] = relationship()

    def __str__(self) -> str:
        return f"{self.hearing.title} · v{self.number}"


class ParticipantMessage(db.Model):
    """A message to a resident participant (SMS/e-mail) as handed to the configured sender.

    The table is the record of what was (or, with the default recording sender, would have
    been) sent; ``dedupe_key`` makes each notice go out once. Only a masked recipient is kept.
    """

    __tablename__ = "hearing_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(db.ForeignKey("hearing.id"), index=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    attendee_id: Mapped[int | None] = mapped_column(db.ForeignKey("hearing_attendee.id"))
    channel: Mapped[str] = mapped_column(db.String(16))  # "sms" | "email"
    recipient_masked: Mapped[str] = mapped_column(db.String(64))
    body: Mapped[str] = mapped_column(db.Text)
    status: Mapped[str] = mapped_column(db.String(16))  # recorded | sent | failed
    error: Mapped[str | None] = mapped_column(db.String(200))
    dedupe_key: Mapped[str] = mapped_column(db.String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    hearing: Mapped[Hearing] = relationship(back_populates="messages")
    office: Mapped[Office] = relationship()
    attendee: Mapped[Attendee | None] = relationship()


MODELS = [Hearing, Attendee, Question, MinutesVersion, ParticipantMessage]


# Names of tables without a screen of their own (the audit log, the delete-data preview).
MinutesVersion.__table__.info["label"] = _l("会议纪要版本")
