"""The archive of an office: settings, catalogue (全宗 › 类别 › 案卷 › 件), loans, losses and
each file's history.

One file cannot be out twice: besides the service's row lock, the partial unique index
``uq_archive_loan_one_out`` allows at most one loan with status "out" per file, so even two
concurrent hand-outs that slipped past every check cannot both commit.
"""

from datetime import date, datetime

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
    utc_now,
)


class Retention(LabelledEnum):
    """Retention periods (保管期限) in the current national categories for official records:
    permanent, 30 years, 10 years."""

    PERMANENT = "permanent", _l("永久")
    YEARS_30 = "30y", _l("30 年")
    YEARS_10 = "10y", _l("10 年")


class Security(LabelledEnum):
    """Who may see and consult a file.

    public: residents may ask to consult it (可查询制度); internal: the office's staff, approved
    by the keeper; restricted: the office's staff, approved by the keeper and a leader.
    """

    PUBLIC = "public", _l("公开")
    INTERNAL = "internal", _l("内部")
    RESTRICTED = "restricted", _l("限制")


class FileStatus(LabelledEnum):
    """Where a file is: in the store, out on a loan, or reported lost (kept for the record)."""

    IN_STORE = "in_store", _l("在库")
    LENT = "lent", _l("借出")
    LOST = "lost", _l("遗失")


class LoanStatus(LabelledEnum):
    """The lending procedure (借阅手续): requested → approved → out → returned.

    A request may be rejected or withdrawn before hand-out; a loan out may end as lost.
    """

    REQUESTED = "requested", _l("待审批")
    APPROVED = "approved", _l("已批准，待借出")
    REJECTED = "rejected", _l("未批准")
    CANCELLED = "cancelled", _l("已撤回")
    OUT = "out", _l("借出中")
    RETURNED = "returned", _l("已归还")
    LOST = "lost", _l("遗失")


class BorrowerKind(LabelledEnum):
    """A staff member of the office, or a resident consulting a public record."""

    STAFF = "staff", _l("工作人员")
    RESIDENT = "resident", _l("群众查阅")


class EventKind(LabelledEnum):
    """Entries of a file's history."""

    CATALOGUED = "catalogued", _l("编目归档")
    FILED = "filed", _l("由业务模块归档")
    REQUESTED = "requested", _l("借阅申请")
    KEEPER_APPROVED = "keeper_approved", _l("档案管理员批准")
    LEADER_APPROVED = "leader_approved", _l("领导批准")
    REJECTED = "rejected", _l("未批准")
    CANCELLED = "cancelled", _l("已撤回")
    HANDED_OUT = "handed_out", _l("借出")
    RETURNED = "returned", _l("归还")
    LOST = "lost", _l("已登记遗失")


# Loans still waiting for a decision or a hand-out.
PENDING_STATUSES = (LoanStatus.REQUESTED, LoanStatus.APPROVED)
DEFAULT_MAX_LOAN_DAYS = 10
MAX_LOAN_DAYS_CAP = 60


class ArchiveSettings(VersionedMixin, TimestampMixin, db.Model):
    """Per office: the designated keeper (确定专人负责), a deputy keeper for the keeper's own
    requests, and the longest loan allowed."""

    __tablename__ = "archive_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), unique=True)
    keeper_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"), index=True)
    # Approves the keeper's own requests (nobody approves their own); a leader may too.
    deputy_keeper_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"), index=True)
    max_loan_days: Mapped[int] = mapped_column(db.Integer, default=DEFAULT_MAX_LOAN_DAYS)
    reading_room: Mapped[str | None] = mapped_column(db.String(200))  # where residents consult

    office: Mapped[Office] = relationship()
    keeper: Mapped[User | None] = relationship(foreign_keys=[keeper_id])
    deputy_keeper: Mapped[User | None] = relationship(foreign_keys=[deputy_keeper_id])

    def __str__(self) -> str:
        return str(_l("%(office)s 档案设置", office=self.office.name if self.office else ""))


class Fonds(TimestampMixin, db.Model):
    """全宗: all the records of one office (or of a predecessor body it keeps)."""

    __tablename__ = "archive_fonds"
    __table_args__ = (db.UniqueConstraint("office_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    code: Mapped[str] = mapped_column(db.String(12))
    title: Mapped[str] = mapped_column(db.String(200))
    note: Mapped[str | None] = mapped_column(db.Text)

    office: Mapped[Office] = relationship()
    series: Mapped[list["Series"]] = relationship(back_populates="fonds", order_by="Series.code")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Series(TimestampMixin, db.Model):
    """类别: a class within a fonds; one per activity, so each activity has its own archive.

    ``source_type`` is set on series created by the ``file_record`` hook for another module's
    records (e.g. "hearing_minutes"); one such series per office and source type.
    """

    __tablename__ = "archive_series"
    __table_args__ = (
        db.UniqueConstraint("fonds_id", "code", name="uq_archive_series_code"),
        db.UniqueConstraint("office_id", "source_type", name="uq_archive_series_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    fonds_id: Mapped[int] = mapped_column(db.ForeignKey("archive_fonds.id"), index=True)
    code: Mapped[str] = mapped_column(db.String(12))
    title: Mapped[str] = mapped_column(db.String(200))
    source_type: Mapped[str | None] = mapped_column(db.String(64))

    office: Mapped[Office] = relationship()
    fonds: Mapped[Fonds] = relationship(back_populates="series")

    def __str__(self) -> str:
        fonds = self.fonds.code if self.fonds else ""
        return f"{fonds}-{self.code} {self.title}"


class ArchiveFile(VersionedMixin, TimestampMixin, db.Model):
    """案卷: the unit that is catalogued, shelved and lent.

    ``catalogue_no`` (档号) reads 全宗号-类别号-年度-案卷号, e.g. ``A1-WS-2025-003``; it is
    assigned when the file is catalogued and never changes.
    """

    __tablename__ = "archive_file"
    __table_args__ = (
        db.UniqueConstraint("office_id", "catalogue_no", name="uq_archive_file_catalogue_no"),
        db.UniqueConstraint("series_id", "year", "seq", name="uq_archive_file_series_year_seq"),
        db.UniqueConstraint("office_id", "source_type", "source_id", name="uq_archive_file_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    series_id: Mapped[int] = mapped_column(db.ForeignKey("archive_series.id"), index=True)
    catalogue_no: Mapped[str] = mapped_column(db.String(48), index=True)
    seq: Mapped[int] = mapped_column(db.Integer)
    title: Mapped[str] = mapped_column(db.String(200))
    year: Mapped[int] = mapped_column(db.Integer, index=True)
    retention: Mapped[Retention] = mapped_column(enum_column(Retention), default=Retention.YEARS_30)
    security: Mapped[Security] = mapped_column(
        enum_column(Security), default=Security.INTERNAL, index=True
    )
    location: Mapped[str | None] = mapped_column(db.String(120))  # room, cabinet, shelf
    description: Mapped[str | None] = mapped_column(db.Text)
    status: Mapped[FileStatus] = mapped_column(
        enum_column(FileStatus), default=FileStatus.IN_STORE, index=True
    )
    # Set when another module's record was filed here through the file_record hook.
    source_type: Mapped[str | None] = mapped_column(db.String(64))
    source_id: Mapped[str | None] = mapped_column(db.String(64))
    source_url: Mapped[str | None] = mapped_column(db.String(500))

    office: Mapped[Office] = relationship()
    series: Mapped[Series] = relationship()
    items: Mapped[list["ArchiveItem"]] = relationship(
        back_populates="file", order_by="ArchiveItem.item_no", cascade="all, delete-orphan"
    )
    loans: Mapped[list["Loan"]] = relationship(
        back_populates="file", order_by="Loan.id", cascade="all, delete-orphan"
    )
    events: Mapped[list["ArchiveEvent"]] = relationship(
        back_populates="file", order_by="ArchiveEvent.id", cascade="all, delete-orphan"
    )
    losses: Mapped[list["LossReport"]] = relationship(
        back_populates="file", order_by="LossReport.id", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.catalogue_no} {self.title}"

    @property
    def open_to_residents(self) -> bool:
        """A public file that is not lost: residents may ask to consult it."""
        return self.security == Security.PUBLIC and self.status != FileStatus.LOST


class ArchiveItem(TimestampMixin, db.Model):
    """件: one document inside a file (a notice, a form, a ledger page…)."""

    __tablename__ = "archive_item"
    __table_args__ = (db.UniqueConstraint("file_id", "item_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    file_id: Mapped[int] = mapped_column(db.ForeignKey("archive_file.id"), index=True)
    item_no: Mapped[int] = mapped_column(db.Integer)
    title: Mapped[str] = mapped_column(db.String(200))
    author: Mapped[str | None] = mapped_column(db.String(120))  # 责任者
    doc_ref: Mapped[str | None] = mapped_column(db.String(64))  # 文号
    doc_date: Mapped[date | None] = mapped_column(db.Date)
    pages: Mapped[int | None] = mapped_column(db.Integer)

    office: Mapped[Office] = relationship()
    file: Mapped[ArchiveFile] = relationship(back_populates="items")

    def __str__(self) -> str:
        return f"{self.file.catalogue_no if self.file else ''}-{self.item_no:03d} {self.title}"


class Loan(VersionedMixin, TimestampMixin, db.Model):
    """One request to borrow (or, for a resident, consult) a file, and what became of it.

    ``handed_out_by`` is the keeper of record: the person who handed the file out and to whom,
    with the borrower, a loss is traced.
    """

    __tablename__ = "archive_loan"
    __table_args__ = (
        db.Index(
            "uq_archive_loan_one_out",
            "file_id",
            unique=True,
            sqlite_where=db.text("status = 'out'"),
            postgresql_where=db.text("status = 'out'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    file_id: Mapped[int] = mapped_column(db.ForeignKey("archive_file.id"), index=True)
    reference: Mapped[str] = mapped_column(db.String(16), unique=True)
    status: Mapped[LoanStatus] = mapped_column(
        enum_column(LoanStatus), default=LoanStatus.REQUESTED, index=True
    )
    borrower_kind: Mapped[BorrowerKind] = mapped_column(enum_column(BorrowerKind))
    borrower_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"), index=True)
    resident_name: Mapped[str | None] = mapped_column(db.String(64))
    resident_phone: Mapped[str | None] = mapped_column(db.String(32))  # personal data
    purpose: Mapped[str] = mapped_column(db.Text)
    period_days: Mapped[int] = mapped_column(db.Integer)  # working days
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    keeper_approved_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    keeper_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    leader_approved_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    leader_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    decision_note: Mapped[str | None] = mapped_column(db.Text)  # reason of a rejection
    handed_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handed_out_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"), index=True)
    condition_out: Mapped[str | None] = mapped_column(db.Text)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    condition_in: Mapped[str | None] = mapped_column(db.Text)

    office: Mapped[Office] = relationship()
    file: Mapped[ArchiveFile] = relationship(back_populates="loans")
    borrower: Mapped[User | None] = relationship(foreign_keys=[borrower_id])
    keeper_approved_by: Mapped[User | None] = relationship(foreign_keys=[keeper_approved_by_id])
    leader_approved_by: Mapped[User | None] = relationship(foreign_keys=[leader_approved_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    handed_out_by: Mapped[User | None] = relationship(foreign_keys=[handed_out_by_id])
    received_by: Mapped[User | None] = relationship(foreign_keys=[received_by_id])

    def __str__(self) -> str:
        return f"{self.reference}"

    @property
    def borrower_label(self) -> str:
        """The borrower's name as staff lists show it (a resident's name masked)."""
        from core.kit import mask_name

        if self.borrower_kind == BorrowerKind.RESIDENT:
            return str(_l("%(name)s（群众查阅）", name=mask_name(self.resident_name)))
        return self.borrower.display_name if self.borrower else ""


class LossReport(TimestampMixin, db.Model):
    """A loss (遗失), traced to the borrower and the keeper of record; never deleted.

    Names are kept as written at the time, so the record reads the same after accounts change.
    """

    __tablename__ = "archive_loss"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    file_id: Mapped[int] = mapped_column(db.ForeignKey("archive_file.id"), index=True)
    loan_id: Mapped[int | None] = mapped_column(db.ForeignKey("archive_loan.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    reported_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    borrower_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"), index=True)
    borrower_name: Mapped[str | None] = mapped_column(db.String(64))
    keeper_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"), index=True)
    keeper_name: Mapped[str | None] = mapped_column(db.String(64))
    circumstances: Mapped[str] = mapped_column(db.Text)

    office: Mapped[Office] = relationship()
    file: Mapped[ArchiveFile] = relationship(back_populates="losses")
    loan: Mapped[Loan | None] = relationship()
    reported_by: Mapped[User | None] = relationship(foreign_keys=[reported_by_id])
    borrower: Mapped[User | None] = relationship(foreign_keys=[borrower_id])
    keeper: Mapped[User | None] = relationship(foreign_keys=[keeper_id])

    def __str__(self) -> str:
        return str(_l("遗失登记 %(no)s", no=self.file.catalogue_no if self.file else ""))


class ArchiveEvent(db.Model):
    """One step in a file's history: catalogued, requested, approved, out, back, lost."""

    __tablename__ = "archive_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    file_id: Mapped[int] = mapped_column(db.ForeignKey("archive_file.id"), index=True)
    loan_id: Mapped[int | None] = mapped_column(db.ForeignKey("archive_loan.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    actor_name: Mapped[str | None] = mapped_column(db.String(64))
    note: Mapped[str | None] = mapped_column(db.Text)

    file: Mapped[ArchiveFile] = relationship(back_populates="events")
    loan: Mapped[Loan | None] = relationship()

    def __str__(self) -> str:
        return f"{self.kind.label} {self.at:%Y-%m-%d}"


# Parents before children: the core deletes an office's data in reverse order.
MODELS = [ArchiveSettings, Fonds, Series, ArchiveFile, ArchiveItem, Loan, LossReport, ArchiveEvent]


# Names of tables without a screen of their own (the audit log, the delete-data preview).
ArchiveEvent.__table__.info["label"] = _l("档案操作记录")
