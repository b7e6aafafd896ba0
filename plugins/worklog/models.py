"""信息反馈, 工作备忘, 工作日志 — the rows of the information-work module.

- ``FeedbackStage``: a reporting stage defined by the activity office (dates), with the
  minimum of activity items each village reports in it (the rulebook: at least three) and how
  many working days before its end short villages are reminded.
- ``FeedbackReport``: one instructive activity item a village (``office_id``) reports for a
  stage, with its author and the moment it was reported.
- ``MemoItem`` and its ``MemoNote``: the work memo (工作备忘) — an important service matter or a
  report to the city bureau or the province, its responsible person, the day it was assigned
  and its time limit (counted by the core's deadline engine), with progress and supervision
  notes.
- ``LogCadre``: a cadre sent to a village (the office) who keeps a daily work log, from when.
- ``WorkLog``: the cadre's log of one day (what, where, for which case or household) and the
  leader's check of it. Nothing of it is ever published.
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.kit import Office, TimestampMixin, User, UTCDateTime, VersionedMixin, db, utcnow

DEFAULT_MIN_ITEMS = 3
DEFAULT_REMIND_DAYS = 3


class FeedbackStage(VersionedMixin, TimestampMixin, db.Model):
    """A reporting stage of the activity office (``office_id``), from ``starts_on`` to
    ``ends_on`` (Beijing dates, both included)."""

    __tablename__ = "worklog_stage"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    title: Mapped[str] = mapped_column(db.String(200))
    starts_on: Mapped[date] = mapped_column(db.Date)
    ends_on: Mapped[date] = mapped_column(db.Date, index=True)
    min_items: Mapped[int] = mapped_column(db.Integer, default=DEFAULT_MIN_ITEMS)
    remind_days: Mapped[int] = mapped_column(db.Integer, default=DEFAULT_REMIND_DAYS)

    office: Mapped[Office] = relationship()

    def __str__(self) -> str:
        return f"{self.title}（{self.starts_on:%Y-%m-%d}—{self.ends_on:%Y-%m-%d}）"


class FeedbackReport(TimestampMixin, db.Model):
    """One activity item a village reports for a stage, by ``author`` at ``reported_at``."""

    __tablename__ = "worklog_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    stage_id: Mapped[int] = mapped_column(db.ForeignKey("worklog_stage.id"), index=True)
    title: Mapped[str] = mapped_column(db.String(200))
    content: Mapped[str] = mapped_column(db.Text, default="")
    author_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    office: Mapped[Office] = relationship()
    stage: Mapped[FeedbackStage] = relationship()
    author: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return self.title


class MemoItem(VersionedMixin, TimestampMixin, db.Model):
    """A work-memo item: content, responsible person, assigned day, limit and its due moment
    (``due_at``, from the core's deadline engine), done day once finished."""

    __tablename__ = "worklog_memo"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    kind: Mapped[str] = mapped_column(db.String(20), default="service")
    content: Mapped[str] = mapped_column(db.Text)
    responsible_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    assigned_on: Mapped[date] = mapped_column(db.Date)
    limit_amount: Mapped[int] = mapped_column(db.Integer, default=5)
    limit_unit: Mapped[str] = mapped_column(db.String(20), default="working_days")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    done_on: Mapped[date | None] = mapped_column(db.Date)

    office: Mapped[Office] = relationship()
    responsible: Mapped[User | None] = relationship()
    notes: Mapped[list["MemoNote"]] = relationship(
        back_populates="memo", cascade="all, delete-orphan", order_by="MemoNote.id"
    )

    def __str__(self) -> str:
        return self.content[:40]


class MemoNote(db.Model):
    """A progress note (``progress``) or a supervision note (``supervision``) on a memo item."""

    __tablename__ = "worklog_memo_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    memo_id: Mapped[int] = mapped_column(
        db.ForeignKey("worklog_memo.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(db.String(20))
    body: Mapped[str] = mapped_column(db.Text)
    author_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memo: Mapped[MemoItem] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


class LogCadre(TimestampMixin, db.Model):
    """A cadre stationed at a village (``office_id``) who keeps a daily work log from
    ``starts_on`` (until ``ends_on`` when the posting ended)."""

    __tablename__ = "worklog_cadre"
    __table_args__ = (db.UniqueConstraint("office_id", "user_id", name="uq_worklog_cadre_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id"), index=True)
    starts_on: Mapped[date] = mapped_column(db.Date)
    ends_on: Mapped[date | None] = mapped_column(db.Date)

    office: Mapped[Office] = relationship()
    user: Mapped[User] = relationship()

    def __str__(self) -> str:
        return self.user.display_name if self.user else ""


class WorkLog(VersionedMixin, TimestampMixin, db.Model):
    """A cadre's work log of one day and the leader's check (``checked_*``)."""

    __tablename__ = "worklog_log"
    __table_args__ = (db.UniqueConstraint("user_id", "day", name="uq_worklog_log_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id"), index=True)
    day: Mapped[date] = mapped_column(db.Date, index=True)
    place: Mapped[str] = mapped_column(db.String(200), default="")
    content: Mapped[str] = mapped_column(db.Text)
    case_ref: Mapped[str | None] = mapped_column(db.String(100))  # case receipt no or household
    checked_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    check_note: Mapped[str | None] = mapped_column(db.String(500))

    office: Mapped[Office] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    checked_by: Mapped[User | None] = relationship(foreign_keys=[checked_by_id])

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}"


MODELS = [FeedbackStage, FeedbackReport, MemoItem, MemoNote, LogCadre, WorkLog]

# What the audit log and the delete-data preview call each table.
FeedbackStage.__table__.info["label"] = _l("信息反馈阶段")
FeedbackReport.__table__.info["label"] = _l("信息反馈")
MemoItem.__table__.info["label"] = _l("工作备忘")
MemoNote.__table__.info["label"] = _l("工作备忘记录")
LogCadre.__table__.info["label"] = _l("驻村干部")
WorkLog.__table__.info["label"] = _l("工作日志")
