"""Tables of the job machinery: failures, idempotency claims, schedule ticks, notifications,
and person-started jobs with their progress and result file."""

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models.base import utcnow
from core.models.types import UTCDateTime


class JobFailure(db.Model):
    """A job that raised while running in-process (no Redis); rq keeps its own failures.

    ``next_retry_at`` is when ``flask jobs run-due`` tries it again (None: no more automatic
    retries); ``resolved_at`` is set once a retry succeeded or an admin dismissed it.
    """

    __tablename__ = "job_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    func_path: Mapped[str] = mapped_column(db.String(200))
    args: Mapped[list] = mapped_column(db.JSON, default=list)
    job_id: Mapped[str | None] = mapped_column(db.String(100))
    error: Mapped[str] = mapped_column(db.String(500))
    traceback: Mapped[str] = mapped_column(db.Text, default="")
    attempts: Mapped[int] = mapped_column(db.Integer, default=1)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class JobRun(db.Model):
    """One piece of work a job has done, claimed with ``core.jobs.claim_once(name, key)``.

    The row is written in the same transaction as the work, so a job killed before its
    commit leaves no row and its retry does the work; a retry after the commit skips it.
    """

    __tablename__ = "job_run"
    __table_args__ = (db.UniqueConstraint("name", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(db.String(100))
    key: Mapped[str] = mapped_column(db.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ScheduleState(db.Model):
    """The last tick of each schedule that was started, for the in-process (no Redis) path."""

    __tablename__ = "schedule_state"

    name: Mapped[str] = mapped_column(db.String(100), primary_key=True)
    last_tick: Mapped[int] = mapped_column(db.Integer)
    last_run_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Notification(db.Model):
    """An in-app message to one staff member, optionally e-mailed too.

    ``email_state``: None (no e-mail), "pending", "sending", "sent" or "failed".
    ``dedupe_key`` makes ``notify`` idempotent per user.
    """

    __tablename__ = "notification"
    __table_args__ = (
        db.UniqueConstraint("user_id", "dedupe_key"),
        db.Index("ix_notification_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(db.String(200))
    body: Mapped[str] = mapped_column(db.Text, default="")
    url: Mapped[str | None] = mapped_column(db.String(500))
    dedupe_key: Mapped[str | None] = mapped_column(db.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email_state: Mapped[str | None] = mapped_column(db.String(10), index=True)
    email_attempts: Mapped[int] = mapped_column(db.Integer, default=0)
    email_error: Mapped[str | None] = mapped_column(db.String(300))


class NotificationSetting(db.Model):
    """Where a staff member wants notifications e-mailed (set on their notifications page)."""

    __tablename__ = "notification_setting"

    user_id: Mapped[int] = mapped_column(
        db.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str | None] = mapped_column(db.String(254))
    email_enabled: Mapped[bool] = mapped_column(db.Boolean, default=False)


class JobStatus:
    """Values of ``JobRecord.status``."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobRecord(db.Model):
    """Long work a person started (an export, a PDF): its progress and result file.

    ``interrupted_at`` is set when a run died with its worker (killed, out of memory) and the
    job was queued again or, with no retry left, failed (``core.jobs.interruptions``); it stays
    set so the person's screen keeps saying so while the retry runs and after it finished.
    """

    __tablename__ = "job_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(db.String(200))
    func_path: Mapped[str] = mapped_column(db.String(200))
    args: Mapped[list] = mapped_column(db.JSON, default=list)
    status: Mapped[str] = mapped_column(db.String(10), default=JobStatus.QUEUED)
    done: Mapped[int] = mapped_column(db.Integer, default=0)
    total: Mapped[int | None] = mapped_column(db.Integer)
    result_key: Mapped[str | None] = mapped_column(db.String(200))
    result_name: Mapped[str | None] = mapped_column(db.String(200))
    result_mime: Mapped[str | None] = mapped_column(db.String(100))
    error: Mapped[str | None] = mapped_column(db.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    interrupted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def percent(self) -> int | None:
        """Progress in whole percent, or None when the total is not known yet."""
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return None
        return max(0, min(100, int(self.done * 100 / self.total)))

    @property
    def finished(self) -> bool:
        """True once the job succeeded or failed (the status page stops refreshing)."""
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
