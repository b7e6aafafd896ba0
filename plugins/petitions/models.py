"""Petitions (信访事项), their petitioners, stages, notices and attachments; the repeat-detection
index; three-level mediation (三级调处); observed reception sessions (信访旁听).

Every table carries ``office_id`` so that each staff screen is office-scoped by the core and
"delete this module's data for an office" finds every row.
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case as sql_case
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.kit import (
    Case,
    LabelledEnum,
    Office,
    TimestampMixin,
    User,
    UTCDateTime,
    VersionedMixin,
    compute_due,
    db,
    enum_column,
    local_day,
    utc_now,
    utcnow,
)
from plugins.petitions import limits


class PetitionChannel(LabelledEnum):
    """The forms of petition the regulations name (书信、电子邮件、传真、电话、走访、网上信访)."""

    LETTER = "letter", _l("来信")
    VISIT = "visit", _l("来访")
    CALL = "call", _l("来电")
    ONLINE = "online", _l("网上信访")


class Level(LabelledEnum):
    """Administrative levels a petition can be brought to, from the bottom up."""

    VILLAGE = "village", _l("村（社区）")
    TOWNSHIP = "township", _l("乡镇")
    COUNTY = "county", _l("县（旗）")
    CITY = "city", _l("市")
    PROVINCE = "province", _l("省（自治区）")
    NATIONAL = "national", _l("国家")

    @property
    def rank(self) -> int:
        return list(Level).index(self)


class RiskLevel(LabelledEnum):
    """Hidden-risk level (排查信访隐患) set by staff and watched by supervisors."""

    NONE = "none", _l("无")
    LOW = "low", _l("低")
    MEDIUM = "medium", _l("中")
    HIGH = "high", _l("高")


class Stage(LabelledEnum):
    """Where a petition stands in the procedure of the Regulations on Letters and Visits Work.

    Stages with a staff deadline: registration, acceptance, handling, review, rereview.
    Windows (review_window, rereview_window) run on the petitioner's side. ``replied`` and
    ``review_decided`` wait for the written opinion to be delivered, which starts the window.
    """

    REGISTRATION = "registration", _l("登记转送")
    ACCEPTANCE = "acceptance", _l("待决定受理")
    HANDLING = "handling", _l("办理中")
    REPLIED = "replied", _l("已答复，待送达")
    REVIEW_WINDOW = "review_window", _l("复查申请期")
    REVIEW = "review", _l("复查中")
    REVIEW_DECIDED = "review_decided", _l("已复查，待送达")
    REREVIEW_WINDOW = "rereview_window", _l("复核申请期")
    REREVIEW = "rereview", _l("复核中")
    CLOSED = "closed", _l("已办结")
    NOT_ACCEPTED = "not_accepted", _l("不予受理")
    TERMINATED = "terminated", _l("复核终结")
    MERGED = "merged", _l("重复信访，已并案")


# Stages in which the office owes the next step (the backlog, 积压).
PENDING_STAGES = (
    Stage.REGISTRATION,
    Stage.ACCEPTANCE,
    Stage.HANDLING,
    Stage.REVIEW,
    Stage.REREVIEW,
)
# Stages whose deadline a core case carries (the petition's, its review's, its re-review's).
FIRST_INSTANCE_STAGES = (Stage.REGISTRATION, Stage.ACCEPTANCE, Stage.HANDLING)
CASE_STAGES = (*FIRST_INSTANCE_STAGES, Stage.REVIEW, Stage.REREVIEW)
# Stages after which nothing more happens.
FINAL_STAGES = (Stage.CLOSED, Stage.NOT_ACCEPTED, Stage.TERMINATED, Stage.MERGED)


class NoticeKind(LabelledEnum):
    """The written documents the regulations require."""

    ACCEPTANCE = "acceptance", _l("信访事项受理告知书")  # 受理告知书
    NON_ACCEPTANCE = "non_acceptance", _l("信访事项不予受理告知书")  # 不予受理告知书
    EXTENSION = "extension", _l("信访事项延期办理告知书")  # 延期办理告知书
    REPLY = "reply", _l("信访事项处理意见书")  # 信访事项处理意见书
    REVIEW = "review", _l("信访事项复查意见书")  # 复查意见书
    REREVIEW = "rereview", _l("信访事项复核意见书")  # 复核意见书


class DeliveryMethod(LabelledEnum):
    """How a written notice reached the petitioner (送达方式)."""

    IN_PERSON = "in_person", _l("直接送达")
    POST = "post", _l("邮寄送达")
    ELECTRONIC = "electronic", _l("电子送达")
    LEFT_AT_HOME = "left_at_home", _l("留置送达")
    PUBLIC_NOTICE = "public_notice", _l("公告送达")


class MediationLevel(LabelledEnum):
    """三级调处: village → township station → township."""

    VILLAGE = "village", _l("村级调解")
    STATION = "station", _l("站所调处")
    TOWNSHIP = "township", _l("乡镇调处")

    @property
    def next(self) -> "MediationLevel | None":
        order = list(MediationLevel)
        index = order.index(self)
        return order[index + 1] if index + 1 < len(order) else None


class MediationOutcome(LabelledEnum):
    """What one level's session came to."""

    PENDING = "pending", _l("待调处")
    SETTLED = "settled", _l("调解成功")
    NOT_SETTLED = "not_settled", _l("调解不成")
    PASSED_UP = "passed_up", _l("移交上一级")


class DisputeStatus(LabelledEnum):
    """A dispute is open until one level settles it or the last level fails to."""

    OPEN = "open", _l("调处中")
    SETTLED = "settled", _l("已调解")
    NOT_SETTLED = "not_settled", _l("调解不成")


class HostRole(LabelledEnum):
    """Who receives petitioners at an observed session (书记、镇长信访接待)."""

    PARTY_SECRETARY = "party_secretary", _l("党委书记")
    TOWNSHIP_HEAD = "township_head", _l("镇长")


class ObserverCategory(LabelledEnum):
    """The observers the rulebook names (信访旁听制度 3)."""

    STATION_HEAD = "station_head", _l("站办所负责人")
    PEOPLES_DEPUTY = "peoples_deputy", _l("旗镇两级人大代表")
    CPPCC_MEMBER = "cppcc_member", _l("政协委员")
    VILLAGE_PARTY_SECRETARY = "village_party_secretary", _l("村党支部书记")
    VILLAGE_COMMITTEE_HEAD = "village_committee_head", _l("村委会主任")
    RETIRED_CADRE = "retired_cadre", _l("退休老干部代表")
    RESIDENT_REPRESENTATIVE = "resident_representative", _l("群众代表")


# Observers who sit in a public role (信访旁听制度 3); the others are private persons.
PUBLIC_OBSERVERS = frozenset(
    {
        ObserverCategory.STATION_HEAD,
        ObserverCategory.PEOPLES_DEPUTY,
        ObserverCategory.CPPCC_MEMBER,
        ObserverCategory.VILLAGE_PARTY_SECRETARY,
        ObserverCategory.VILLAGE_COMMITTEE_HEAD,
    }
)


def select_choices(enum_cls, *, leave_out=()) -> list:
    """The members of an enum as WTForms ``SelectChoice`` options (value, translated label)."""
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice(m.value, m.label) for m in enum_cls if m not in leave_out]


# --- Petitions ---------------------------------------------------------------------------------


class Petition(VersionedMixin, TimestampMixin, db.Model):
    """One petition as registered, with the procedure's stage and its deadline.

    A petition is a core case (``case``: receipt number, timeline, rating); a review (复查) and
    a re-review (复核) each open a case of their own. A repeat petition is linked to the
    original (``repeat_of``) and opens no case: it is not counted as a new matter.
    ``stage`` is where the procedure stands. Its deadline has one source: the core case of
    the stage (``stage_case``), or for the petitioner's windows the delivery date and the
    statutory limit (``window_due``); the steps keep a snapshot of it when they end.
    """

    __tablename__ = "petition"
    __table_args__ = (
        db.Index("ix_petition_office_stage", "office_id", "stage"),
        db.Index("ix_petition_office_received", "office_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(db.ForeignKey("case_record.id"), index=True)
    review_case_id: Mapped[int | None] = mapped_column(db.ForeignKey("case_record.id"))
    rereview_case_id: Mapped[int | None] = mapped_column(db.ForeignKey("case_record.id"))
    receipt_no: Mapped[str | None] = mapped_column(db.String(16), index=True)
    channel: Mapped[PetitionChannel] = mapped_column(enum_column(PetitionChannel, 24))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    subject: Mapped[str] = mapped_column(db.String(200))
    demands: Mapped[str] = mapped_column(db.Text, default="")
    content: Mapped[str] = mapped_column(db.Text, default="")
    people_count: Mapped[int] = mapped_column(db.Integer, default=1)
    collective: Mapped[bool] = mapped_column(db.Boolean, default=False, index=True)
    level_brought_to: Mapped[Level] = mapped_column(enum_column(Level, 24), default=Level.TOWNSHIP)
    proper_level: Mapped[Level] = mapped_column(enum_column(Level, 24), default=Level.TOWNSHIP)
    skip_level: Mapped[bool] = mapped_column(db.Boolean, default=False, index=True)
    hidden_risk: Mapped[RiskLevel] = mapped_column(
        enum_column(RiskLevel, 24), default=RiskLevel.NONE, index=True
    )
    risk_note: Mapped[str | None] = mapped_column(db.Text)
    risk_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    risk_set_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))

    stage: Mapped[Stage] = mapped_column(enum_column(Stage, 24), default=Stage.REGISTRATION)
    stage_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    handling_unit: Mapped[str | None] = mapped_column(db.String(120))  # 转送/交办 to
    passed_on_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted: Mapped[bool | None] = mapped_column(db.Boolean)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(db.Text)
    extension_days: Mapped[int | None] = mapped_column(db.Integer)
    extension_reason: Mapped[str | None] = mapped_column(db.Text)
    extension_approved_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    extended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    result: Mapped[str | None] = mapped_column(db.Text)  # 处理意见 (the recorded result)
    reply_delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_opinion: Mapped[str | None] = mapped_column(db.Text)
    review_delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rereview_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rereview_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rereview_opinion: Mapped[str | None] = mapped_column(db.Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    repeat_of_id: Mapped[int | None] = mapped_column(db.ForeignKey("petition.id"), index=True)
    repeat_score: Mapped[float | None] = mapped_column(db.Float)
    registered_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    handler_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))

    office: Mapped[Office] = relationship()
    case: Mapped[Case | None] = relationship(foreign_keys=[case_id])
    review_case: Mapped[Case | None] = relationship(foreign_keys=[review_case_id])
    rereview_case: Mapped[Case | None] = relationship(foreign_keys=[rereview_case_id])
    repeat_of: Mapped["Petition | None"] = relationship(remote_side=[id], back_populates="repeats")
    repeats: Mapped[list["Petition"]] = relationship(
        back_populates="repeat_of", order_by="Petition.received_at"
    )
    petitioners: Mapped[list["Petitioner"]] = relationship(
        back_populates="petition", order_by="Petitioner.id", cascade="all, delete-orphan"
    )
    steps: Mapped[list["PetitionStep"]] = relationship(
        back_populates="petition", order_by="PetitionStep.id", cascade="all, delete-orphan"
    )
    pauses: Mapped[list["PetitionPause"]] = relationship(
        back_populates="petition", order_by="PetitionPause.id", cascade="all, delete-orphan"
    )
    notices: Mapped[list["PetitionNotice"]] = relationship(
        back_populates="petition", order_by="PetitionNotice.id", cascade="all, delete-orphan"
    )
    registered_by: Mapped[User | None] = relationship(foreign_keys=[registered_by_id])
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    extension_approved_by: Mapped[User | None] = relationship(
        foreign_keys=[extension_approved_by_id]
    )
    risk_set_by: Mapped[User | None] = relationship(foreign_keys=[risk_set_by_id])

    def __str__(self) -> str:
        return f"{self.receipt_no or '#' + str(self.id)} {self.subject}"

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of_id is not None

    @property
    def is_pending(self) -> bool:
        """The office owes the next step (the petition is part of the backlog)."""
        return self.stage in PENDING_STAGES

    @property
    def first_petitioner(self) -> "Petitioner | None":
        return self.petitioners[0] if self.petitioners else None

    @property
    def stage_case(self) -> Case | None:
        """The core case that carries the current stage's deadline: the first-instance case
        from registration to the reply, then the review's and the re-review's."""
        if self.stage not in CASE_STAGES:
            return None
        if self.stage in FIRST_INSTANCE_STAGES:
            return self.case
        if self.stage == Stage.REVIEW:
            return self.review_case
        return self.rereview_case

    def window_due(self, stage: Stage | None = None):
        """The petitioner's window (``stage``, default the current one) to ask for a review
        or re-review: a ``DueDate`` counted from the delivery of the written opinion, or None
        outside the windows."""
        stage = stage or self.stage
        if stage == Stage.REVIEW_WINDOW and self.reply_delivered_at is not None:
            return compute_due(self.reply_delivered_at, limits.REVIEW_REQUEST)
        if stage == Stage.REREVIEW_WINDOW and self.review_delivered_at is not None:
            return compute_due(self.review_delivered_at, limits.REREVIEW_REQUEST)
        return None

    @hybrid_property
    def due_at(self) -> datetime | None:
        """When the current stage's limit ends (aware UTC), or None for a stage without one.
        In a query: the stage case's ``due_at`` (None in the windows)."""
        case = self.stage_case
        if case is not None:
            return case.due_at
        window = self.window_due()
        return window.due_at_utc if window is not None else None

    @due_at.inplace.expression
    @classmethod
    def _due_at_expression(cls):
        stage_case_id = sql_case(
            (cls.stage == Stage.REVIEW.value, cls.review_case_id),
            (cls.stage == Stage.REREVIEW.value, cls.rereview_case_id),
            else_=cls.case_id,
        )
        return (
            db.select(Case.due_at)
            .where(Case.id == stage_case_id, cls.stage.in_([s.value for s in CASE_STAGES]))
            .scalar_subquery()
        )

    @property
    def last_day(self) -> date | None:
        """The current stage's last day (local), or None."""
        return local_day(self.due_at)

    @property
    def is_overdue(self) -> bool:
        """The office owes the next step and its limit has passed."""
        return self.is_pending and self.due_at is not None and utc_now() > self.due_at


class Petitioner(db.Model):
    """A person who brought the petition. Name, phone and ID number are personal data: masked
    everywhere but the petition's detail screen for roles allowed to read them. The hashes
    (keyed with the app's secret) find the same person's earlier petitions without comparing
    plain numbers."""

    __tablename__ = "petition_petitioner"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    petition_id: Mapped[int] = mapped_column(db.ForeignKey("petition.id"), index=True)
    name: Mapped[str] = mapped_column(db.String(64))
    phone: Mapped[str | None] = mapped_column(db.String(32))
    id_number: Mapped[str | None] = mapped_column(db.String(32))
    address: Mapped[str | None] = mapped_column(db.String(200))
    is_representative: Mapped[bool] = mapped_column(db.Boolean, default=False)
    phone_hash: Mapped[str | None] = mapped_column(db.String(64), index=True)
    id_hash: Mapped[str | None] = mapped_column(db.String(64), index=True)

    petition: Mapped[Petition] = relationship(back_populates="petitioners")

    def __str__(self) -> str:
        from core.kit import mask_name

        return mask_name(self.name)


class PetitionStep(db.Model):
    """One stage of a petition as it ran: its start event, its limit and how it ended.

    The deadline of the open step is the petition's (``Petition.due_at``, carried by the core
    case); ``due_at``/``last_day``/``overdue`` are the snapshot taken when the step ends."""

    __tablename__ = "petition_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    petition_id: Mapped[int] = mapped_column(db.ForeignKey("petition.id"), index=True)
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, 24))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    start_event: Mapped[str] = mapped_column(db.String(120))
    limit_days: Mapped[int | None] = mapped_column(db.Integer)
    extra_days: Mapped[int | None] = mapped_column(db.Integer)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_day: Mapped[date | None] = mapped_column(db.Date)
    explanation: Mapped[list | None] = mapped_column(db.JSON)
    warnings: Mapped[list | None] = mapped_column(db.JSON)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_event: Mapped[str | None] = mapped_column(db.String(120))
    overdue: Mapped[bool] = mapped_column(db.Boolean, default=False)
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))

    petition: Mapped[Petition] = relationship(back_populates="steps")

    @property
    def deadline_day(self) -> date | None:
        """The step's last day: its snapshot once ended, the petition's while it runs."""
        if self.ended_at is None and self.limit_days:
            return self.petition.last_day
        return self.last_day


class PetitionPause(db.Model):
    """Time the limit does not count: a hearing held during a re-review (听证所需时间不计)."""

    __tablename__ = "petition_pause"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    petition_id: Mapped[int] = mapped_column(db.ForeignKey("petition.id"), index=True)
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, 24))
    reason: Mapped[str] = mapped_column(db.String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))

    petition: Mapped[Petition] = relationship(back_populates="pauses")


class PetitionNotice(db.Model):
    """A written notice generated from its template, frozen when issued, and its delivery
    (how, when, by whom). Delivery of a reply or review opinion starts the petitioner's
    window to ask for the next review."""

    __tablename__ = "petition_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    petition_id: Mapped[int] = mapped_column(db.ForeignKey("petition.id"), index=True)
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind, 24))
    number: Mapped[str] = mapped_column(db.String(64))  # 文号
    recipient: Mapped[str] = mapped_column(db.String(200))
    body_html: Mapped[str] = mapped_column(db.Text)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    delivery_method: Mapped[DeliveryMethod | None] = mapped_column(enum_column(DeliveryMethod, 24))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    delivery_note: Mapped[str | None] = mapped_column(db.Text)

    petition: Mapped[Petition] = relationship(back_populates="notices")
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    delivered_by: Mapped[User | None] = relationship(foreign_keys=[delivered_by_id])

    def __str__(self) -> str:
        return f"{self.kind.label} {self.number}"


class PetitionGram(db.Model):
    """The repeat-detection index: one row per character bigram of a petition's subject.

    The primary key (gram, office_id, petition_id) is the index the candidate search reads:
    all petitions of some offices sharing a gram are one range of it (an index-only scan).
    Derived data, rebuilt from the subject; written with bulk inserts.
    """

    __tablename__ = "petition_gram"

    gram: Mapped[str] = mapped_column(db.String(8), primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), primary_key=True)
    petition_id: Mapped[int] = mapped_column(
        db.ForeignKey("petition.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class PetitionGramStat(db.Model):
    """How many indexed petitions contain each gram: the order in which a search uses its
    grams, rarest first (see ``plugins.petitions.repeats.subject_candidates``).

    Only an ordering: any order finds the same candidates, so a count that drifts (rows
    removed with a module's data) can slow a search down but never change its result.
    """

    __tablename__ = "petition_gram_stat"

    gram: Mapped[str] = mapped_column(db.String(8), primary_key=True)
    petitions: Mapped[int] = mapped_column(db.Integer, default=0)


# --- Three-level mediation ---------------------------------------------------------------------


class Dispute(VersionedMixin, TimestampMixin, db.Model):
    """A dispute taken through three-level mediation (三级调处), optionally from a petition."""

    __tablename__ = "petition_dispute"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    petition_id: Mapped[int | None] = mapped_column(db.ForeignKey("petition.id"), index=True)
    title: Mapped[str] = mapped_column(db.String(200))
    parties: Mapped[str] = mapped_column(db.Text)  # the parties, as the mediators list them
    facts: Mapped[str] = mapped_column(db.Text, default="")
    status: Mapped[DisputeStatus] = mapped_column(
        enum_column(DisputeStatus, 24), default=DisputeStatus.OPEN
    )
    current_level: Mapped[MediationLevel] = mapped_column(
        enum_column(MediationLevel, 24), default=MediationLevel.VILLAGE
    )
    opened_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))

    office: Mapped[Office] = relationship()
    petition: Mapped[Petition | None] = relationship()
    sessions: Mapped[list["MediationSession"]] = relationship(
        back_populates="dispute", order_by="MediationSession.id", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.title


class MediationSession(db.Model):
    """One level's mediation of a dispute: when, who mediated, who came, what it came to, and
    the signed agreement when settled (an uploaded scan or a recorded signature)."""

    __tablename__ = "petition_mediation"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    dispute_id: Mapped[int] = mapped_column(db.ForeignKey("petition_dispute.id"), index=True)
    level: Mapped[MediationLevel] = mapped_column(enum_column(MediationLevel, 24))
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    place: Mapped[str | None] = mapped_column(db.String(200))
    mediators: Mapped[str | None] = mapped_column(db.Text)
    parties_present: Mapped[str | None] = mapped_column(db.Text)
    summary: Mapped[str | None] = mapped_column(db.Text)
    outcome: Mapped[MediationOutcome] = mapped_column(
        enum_column(MediationOutcome, 24), default=MediationOutcome.PENDING
    )
    agreement_key: Mapped[str | None] = mapped_column(db.String(128))
    agreement_filename: Mapped[str | None] = mapped_column(db.String(200))
    agreement_content_type: Mapped[str | None] = mapped_column(db.String(100))
    signature_record: Mapped[str | None] = mapped_column(db.Text)  # 当场签字的记录
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    dispute: Mapped[Dispute] = relationship(back_populates="sessions")
    office: Mapped[Office] = relationship()

    def __str__(self) -> str:
        return f"{self.dispute.title if self.dispute else ''} · {self.level.label}"


# --- Observed reception sessions -------------------------------------------------------------


class ReceptionSession(VersionedMixin, TimestampMixin, db.Model):
    """A petition reception by the Party secretary or township head, open to observers
    (信访旁听制度), convened by the executive deputy secretary."""

    __tablename__ = "petition_reception"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    held_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(db.String(200))
    host_role: Mapped[HostRole] = mapped_column(enum_column(HostRole, 24))
    host_name: Mapped[str] = mapped_column(db.String(64))
    convenor_name: Mapped[str] = mapped_column(db.String(64))  # 党委常务副书记
    summary: Mapped[str | None] = mapped_column(db.Text)

    office: Mapped[Office] = relationship()
    observers: Mapped[list["SessionObserver"]] = relationship(
        back_populates="session", order_by="SessionObserver.id", cascade="all, delete-orphan"
    )
    hearings: Mapped[list["SessionHearing"]] = relationship(
        back_populates="session", order_by="SessionHearing.id", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        from core.kit import format_local

        return f"{format_local(self.held_at)} {self.host_name}"


class SessionObserver(db.Model):
    """An observer at a reception session and the opinions and suggestions they gave."""

    __tablename__ = "petition_reception_observer"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    session_id: Mapped[int] = mapped_column(db.ForeignKey("petition_reception.id"), index=True)
    category: Mapped[ObserverCategory] = mapped_column(enum_column(ObserverCategory, 32))
    name: Mapped[str] = mapped_column(db.String(64))
    unit: Mapped[str | None] = mapped_column(db.String(120))
    opinions: Mapped[str | None] = mapped_column(db.Text)
    suggestions: Mapped[str | None] = mapped_column(db.Text)

    session: Mapped[ReceptionSession] = relationship(back_populates="observers")

    @hybrid_property
    def is_public_figure(self) -> bool:
        """An observer in a public role (station head, deputy, CPPCC member, village secretary
        or head): their name may stand. Retired cadres and resident representatives are
        private persons whose names the publication gate masks."""
        return self.category in PUBLIC_OBSERVERS

    @is_public_figure.inplace.expression
    @classmethod
    def _is_public_figure_expression(cls):
        return cls.category.in_([c.value for c in PUBLIC_OBSERVERS])

    def __str__(self) -> str:
        return f"{self.category.label} {self.name}"


class SessionHearing(db.Model):
    """A petition heard at a reception session; an important case goes to a collective
    meeting of the leadership (党政领导班子集体协商) whose decision is recorded."""

    __tablename__ = "petition_reception_hearing"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    session_id: Mapped[int] = mapped_column(db.ForeignKey("petition_reception.id"), index=True)
    petition_id: Mapped[int] = mapped_column(db.ForeignKey("petition.id"), index=True)
    notes: Mapped[str | None] = mapped_column(db.Text)
    referred_to_collective: Mapped[bool] = mapped_column(db.Boolean, default=False)
    meeting_held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    meeting_decision: Mapped[str | None] = mapped_column(db.Text)

    session: Mapped[ReceptionSession] = relationship(back_populates="hearings")
    petition: Mapped[Petition] = relationship()

    def __str__(self) -> str:
        return str(self.petition) if self.petition else str(self.petition_id)


# Parents before children: the Modules screen deletes office data in the reverse order.
MODELS = [
    Petition,
    Petitioner,
    PetitionStep,
    PetitionPause,
    PetitionNotice,
    PetitionGram,
    PetitionGramStat,
    Dispute,
    MediationSession,
    ReceptionSession,
    SessionObserver,
    SessionHearing,
]


# Names of tables without a screen of their own (the audit log, the delete-data preview).
PetitionStep.__table__.info["label"] = _l("信访办理环节")
PetitionPause.__table__.info["label"] = _l("信访暂停计时")
PetitionGram.__table__.info["label"] = _l("信访重复件索引")
PetitionGramStat.__table__.info["label"] = _l("信访重复件索引统计")
SessionObserver.__table__.info["label"] = _l("信访旁听人员")
SessionHearing.__table__.info["label"] = _l("信访接待会审议的信访件")
