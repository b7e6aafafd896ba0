"""社会监督考评 — campaigns, residents', leaders' and colleagues' evaluations, results,
suspension decisions and rectification tasks.

- ``Campaign``: one evaluation (the 2026 yearly one, a quarterly one) of the organising office:
  its period, the weights of the three parts (residents 70 %, leaders 20 %, colleagues 10 % by
  default) and the bands (满意 / 基本满意 / 不满意, 警示, 不认可).
- ``CampaignCadre``: a cadre evaluated, at their office, with the leader who scores them.
- ``CampaignSupervisor``: a member of the supervision group (服务监督小组) of the campaign.
- ``EvaluationCode``: a one-time code handed out at the service hall; the first phone that uses
  it binds it (only a keyed hash of the phone is kept).
- ``ResidentEvaluation``: one resident's grade of one cadre, at most one per phone per cadre
  per campaign (a unique constraint, so it holds under any concurrency).
- ``StaffScore``: a leader's or a colleague's score (0–100) of one cadre.
- ``CadreResult`` / ``OfficeResult``: the figures computed when the campaign closes; office
  results are what residents see once the campaign is published.
- ``SuspensionDecision``: a leader's recorded decision on a cadre residents did not recognise.
- ``RectificationTask``: a problem a resident raised, as a core case with its deadline, with the
  supervisor of record and whom an overdue task is attributed to.
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.kit import Case, Office, TimestampMixin, User, UTCDateTime, VersionedMixin, db, utcnow

DRAFT, OPEN, CLOSED, PUBLISHED = "draft", "open", "closed", "published"


class Campaign(VersionedMixin, TimestampMixin, db.Model):
    """An evaluation campaign of one organising office, its weights and bands."""

    __tablename__ = "evaluation_campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    title: Mapped[str] = mapped_column(db.String(200))
    period_start: Mapped[date] = mapped_column(db.Date)
    period_end: Mapped[date] = mapped_column(db.Date)
    weight_residents: Mapped[int] = mapped_column(db.Integer, default=70)
    weight_leaders: Mapped[int] = mapped_column(db.Integer, default=20)
    weight_colleagues: Mapped[int] = mapped_column(db.Integer, default=10)
    band_satisfied: Mapped[int] = mapped_column(db.Integer, default=90)  # ≥ → 满意
    band_basic: Mapped[int] = mapped_column(db.Integer, default=70)  # ≥ → 基本满意, else 不满意
    warning_below: Mapped[int] = mapped_column(db.Integer, default=70)  # residents' score < → 警示
    recognition_below: Mapped[int] = mapped_column(db.Integer, default=50)  # < → 不认可
    status: Mapped[str] = mapped_column(db.String(12), default=DRAFT)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    office: Mapped[Office] = relationship()
    cadres: Mapped[list["CampaignCadre"]] = relationship(
        back_populates="campaign", order_by="CampaignCadre.id"
    )
    supervisors: Mapped[list["CampaignSupervisor"]] = relationship(order_by="CampaignSupervisor.id")

    def __str__(self) -> str:
        return self.title


class CampaignCadre(db.Model):
    """A cadre evaluated in a campaign, at their office, with the leader who scores them."""

    __tablename__ = "evaluation_cadre"
    __table_args__ = (
        db.UniqueConstraint("campaign_id", "user_id", name="uq_evaluation_cadre_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(db.ForeignKey("evaluation_campaign.id"), index=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id"), index=True)
    leader_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"), index=True)

    campaign: Mapped[Campaign] = relationship(back_populates="cadres")
    office: Mapped[Office] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id])

    def __str__(self) -> str:
        return self.user.display_name if self.user else str(self.id)


class CampaignSupervisor(db.Model):
    """A member of the campaign's supervision group (服务监督小组)."""

    __tablename__ = "evaluation_supervisor"
    __table_args__ = (
        db.UniqueConstraint("campaign_id", "user_id", name="uq_evaluation_supervisor_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(db.ForeignKey("evaluation_campaign.id"), index=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id"))

    user: Mapped[User] = relationship()


class EvaluationCode(db.Model):
    """A one-time code handed out at the hall; bound to the first phone that uses it."""

    __tablename__ = "evaluation_code"
    __table_args__ = (db.UniqueConstraint("campaign_id", "code", name="uq_evaluation_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(db.ForeignKey("evaluation_campaign.id"), index=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    code: Mapped[str] = mapped_column(db.String(16))
    phone_hash: Mapped[str | None] = mapped_column(db.String(64))
    issued_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    bound_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ResidentEvaluation(db.Model):
    """One resident's grade of one cadre: one per phone per cadre per campaign."""

    __tablename__ = "evaluation_resident"
    __table_args__ = (
        db.UniqueConstraint(
            "campaign_id", "cadre_id", "phone_hash", name="uq_evaluation_resident_phone"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(db.ForeignKey("evaluation_campaign.id"), index=True)
    cadre_id: Mapped[int] = mapped_column(db.ForeignKey("evaluation_cadre.id"), index=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    phone_hash: Mapped[str] = mapped_column(db.String(64))
    grade_code: Mapped[str] = mapped_column(db.String(16))
    points: Mapped[int] = mapped_column(db.Integer)
    comment: Mapped[str | None] = mapped_column(db.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    cadre: Mapped[CampaignCadre] = relationship()


class StaffScore(db.Model):
    """A leader's or a colleague's score (0–100) of one cadre; one per scorer per cadre."""

    __tablename__ = "evaluation_staff_score"
    __table_args__ = (
        db.UniqueConstraint("cadre_id", "scorer_id", name="uq_evaluation_staff_score_scorer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(db.ForeignKey("evaluation_campaign.id"), index=True)
    cadre_id: Mapped[int] = mapped_column(db.ForeignKey("evaluation_cadre.id"), index=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    scorer_id: Mapped[int] = mapped_column(db.ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(db.String(12))  # leader / colleague
    score: Mapped[int] = mapped_column(db.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CadreResult(db.Model):
    """A cadre's figures when the campaign closed (leaders, the cadre, auditors only)."""

    __tablename__ = "evaluation_cadre_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(db.ForeignKey("evaluation_campaign.id"), index=True)
    cadre_id: Mapped[int] = mapped_column(db.ForeignKey("evaluation_cadre.id"), unique=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    residents_score: Mapped[float | None] = mapped_column(db.Float)
    resident_count: Mapped[int] = mapped_column(db.Integer, default=0)
    case_rating_count: Mapped[int] = mapped_column(db.Integer, default=0)
    leaders_score: Mapped[float | None] = mapped_column(db.Float)
    leader_count: Mapped[int] = mapped_column(db.Integer, default=0)
    colleagues_score: Mapped[float | None] = mapped_column(db.Float)
    colleague_count: Mapped[int] = mapped_column(db.Integer, default=0)
    total: Mapped[float | None] = mapped_column(db.Float)
    band_code: Mapped[str] = mapped_column(db.String(16))
    warned: Mapped[bool] = mapped_column(db.Boolean, default=False)
    ineligible_year: Mapped[int | None] = mapped_column(db.Integer)
    not_recognised: Mapped[bool] = mapped_column(db.Boolean, default=False)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    cadre: Mapped[CampaignCadre] = relationship()


class OfficeResult(db.Model):
    """An office's overall figures of a campaign: published to residents after it closes."""

    __tablename__ = "evaluation_office_result"
    __table_args__ = (
        db.UniqueConstraint("campaign_id", "office_id", name="uq_evaluation_office_result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(db.ForeignKey("evaluation_campaign.id"), index=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    cadre_count: Mapped[int] = mapped_column(db.Integer, default=0)
    resident_count: Mapped[int] = mapped_column(db.Integer, default=0)
    residents_score: Mapped[float | None] = mapped_column(db.Float)
    leaders_score: Mapped[float | None] = mapped_column(db.Float)
    colleagues_score: Mapped[float | None] = mapped_column(db.Float)
    total: Mapped[float | None] = mapped_column(db.Float)
    band_code: Mapped[str] = mapped_column(db.String(16))
    rectification_total: Mapped[int] = mapped_column(db.Integer, default=0)  # previous campaign's
    rectification_on_time: Mapped[int] = mapped_column(db.Integer, default=0)
    rectification_closed: Mapped[int] = mapped_column(db.Integer, default=0)

    campaign: Mapped[Campaign] = relationship()
    office: Mapped[Office] = relationship()


class SuspensionDecision(db.Model):
    """停职候岗 or not: a leader's recorded decision on a cadre residents did not recognise."""

    __tablename__ = "evaluation_suspension"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(db.ForeignKey("evaluation_campaign.id"), index=True)
    cadre_id: Mapped[int] = mapped_column(db.ForeignKey("evaluation_cadre.id"), unique=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    suspend: Mapped[bool] = mapped_column(db.Boolean)
    reason: Mapped[str] = mapped_column(db.Text)
    decided_by_id: Mapped[int] = mapped_column(db.ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    decided_by: Mapped[User] = relationship()


class RectificationTask(db.Model):
    """整改: a problem a resident raised, as a core case, with its supervisor of record."""

    __tablename__ = "evaluation_rectification"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(db.ForeignKey("evaluation_campaign.id"), index=True)
    cadre_id: Mapped[int] = mapped_column(db.ForeignKey("evaluation_cadre.id"), index=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    evaluation_id: Mapped[int] = mapped_column(db.ForeignKey("evaluation_resident.id"), unique=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("case_record.id"), unique=True)
    supervisor_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    follow_up_note: Mapped[str | None] = mapped_column(db.Text)
    attributed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attributed_handler_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    attributed_supervisor_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[Case] = relationship()
    cadre: Mapped[CampaignCadre] = relationship()
    supervisor: Mapped[User | None] = relationship(foreign_keys=[supervisor_id])
    attributed_handler: Mapped[User | None] = relationship(foreign_keys=[attributed_handler_id])
    attributed_supervisor: Mapped[User | None] = relationship(
        foreign_keys=[attributed_supervisor_id]
    )


MODELS = [
    Campaign,
    CampaignCadre,
    CampaignSupervisor,
    EvaluationCode,
    ResidentEvaluation,
    StaffScore,
    CadreResult,
    OfficeResult,
    SuspensionDecision,
    RectificationTask,
]

# What the audit log and the delete-data preview call each table.
Campaign.__table__.info["label"] = _l("考评活动")
CampaignCadre.__table__.info["label"] = _l("被考评干部")
CampaignSupervisor.__table__.info["label"] = _l("监督小组成员")
EvaluationCode.__table__.info["label"] = _l("群众评议码")
ResidentEvaluation.__table__.info["label"] = _l("群众评议")
StaffScore.__table__.info["label"] = _l("领导及互评评分")
CadreResult.__table__.info["label"] = _l("干部考评结果")
OfficeResult.__table__.info["label"] = _l("单位考评结果")
SuspensionDecision.__table__.info["label"] = _l("停职候岗决定")
RectificationTask.__table__.info["label"] = _l("整改任务")
