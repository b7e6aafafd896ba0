"""The annual report of one office for one year (政府信息公开工作年度报告).

``figures`` holds the generated tables (JSON: what the modules counted when the draft was last
refreshed, frozen when published); the staff-entered counts of administrative reconsideration
(行政复议) and litigation (行政诉讼) are columns, by result. ``submitted_at`` marks the report
sent to the township (due 31 January), ``published_at`` its publication (due 31 March).
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.kit import Office, TimestampMixin, User, UTCDateTime, VersionedMixin, db

# Staff-entered counts: (reconsideration | suit without review | suit after review) x result.
CASE_GROUPS = ("review", "suit", "suit_after_review")
CASE_RESULTS = ("upheld", "corrected", "other", "pending")
CASE_FIELDS = tuple(f"{g}_{r}" for g in CASE_GROUPS for r in CASE_RESULTS)


class AnnualReport(VersionedMixin, TimestampMixin, db.Model):
    """One office's report on one year; a draft until published."""

    __tablename__ = "annualreport_report"
    __table_args__ = (db.UniqueConstraint("office_id", "year", name="uq_annualreport_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    year: Mapped[int] = mapped_column(db.Integer, index=True)
    overview: Mapped[str] = mapped_column(db.Text, default="")  # 总体情况
    problems: Mapped[str] = mapped_column(db.Text, default="")  # 存在的主要问题及改进情况
    other_matters: Mapped[str] = mapped_column(db.Text, default="")  # 其他需要报告的事项
    figures: Mapped[dict] = mapped_column(db.JSON, default=dict)
    figures_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_upheld: Mapped[int] = mapped_column(db.Integer, default=0)
    review_corrected: Mapped[int] = mapped_column(db.Integer, default=0)
    review_other: Mapped[int] = mapped_column(db.Integer, default=0)
    review_pending: Mapped[int] = mapped_column(db.Integer, default=0)
    suit_upheld: Mapped[int] = mapped_column(db.Integer, default=0)
    suit_corrected: Mapped[int] = mapped_column(db.Integer, default=0)
    suit_other: Mapped[int] = mapped_column(db.Integer, default=0)
    suit_pending: Mapped[int] = mapped_column(db.Integer, default=0)
    suit_after_review_upheld: Mapped[int] = mapped_column(db.Integer, default=0)
    suit_after_review_corrected: Mapped[int] = mapped_column(db.Integer, default=0)
    suit_after_review_other: Mapped[int] = mapped_column(db.Integer, default=0)
    suit_after_review_pending: Mapped[int] = mapped_column(db.Integer, default=0)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))

    office: Mapped[Office] = relationship()
    published_by: Mapped[User | None] = relationship()

    def case_counts(self, group: str) -> dict[str, int]:
        """The staff-entered counts of one group by result, with their total."""
        counts = {r: getattr(self, f"{group}_{r}") or 0 for r in CASE_RESULTS}
        counts["total"] = sum(counts.values())
        return counts

    @property
    def state_label(self) -> str:
        """草稿, 已报送 or 已发布, in the reader's language."""
        if self.published_at is not None:
            return str(_l("已发布"))
        return str(_l("已报送乡镇") if self.submitted_at is not None else _l("草稿"))

    def __str__(self) -> str:
        return f"{self.year}"


MODELS = [AnnualReport]

AnnualReport.__table__.info["label"] = _l("信息公开年度报告")
