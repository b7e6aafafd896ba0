"""信息收集与发布 — collected information, information products, the yearly release plan.

- ``CollectedItem``: one piece of information collected from the internet, television, radio
  or a newspaper: its source, the day it was collected, its kind (market prices, farming
  techniques, jobs, policies…) and the last day it stays valid.
- ``InfoProduct``: an information product made of collected items of one kind (a product
  line), valid until a day: after it, it leaves the residents' pages by itself.
- ``ReleasePlan``: an office's plan for one year, with its release cycle (monthly unless the
  office sets otherwise); ``PlanEntry``: one planned release date of one product line.
- ``Release``: one release of a product: the day, the channels (programme, release meeting,
  blackboard, display window, leaflet, the residents' pages), the audience, the plan entry it
  fulfils and the archive's catalogue number it was filed under.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.kit import LabelledEnum, Office, TimestampMixin, VersionedMixin, db, enum_column


class Kind(LabelledEnum):
    """What a piece of information is about (also an information product's line)."""

    MARKET = "market", _l("市场价格")
    TECHNIQUE = "technique", _l("农业技术")
    JOBS = "jobs", _l("务工就业")
    POLICY = "policy", _l("政策法规")
    OTHER = "other", _l("其他信息")


class Medium(LabelledEnum):
    """Where a piece of information was collected."""

    INTERNET = "internet", _l("互联网")
    TELEVISION = "television", _l("电视")
    RADIO = "radio", _l("广播")
    NEWSPAPER = "newspaper", _l("报刊")
    OTHER = "other", _l("其他渠道")


class Cycle(LabelledEnum):
    """How often the plan releases each product line (the rulebook's regular cycle)."""

    WEEKLY = "weekly", _l("每周")
    MONTHLY = "monthly", _l("每月")
    QUARTERLY = "quarterly", _l("每季度")


class CollectedItem(VersionedMixin, TimestampMixin, db.Model):
    """One collected piece of information, valid until ``valid_until``."""

    __tablename__ = "bulletins_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    title: Mapped[str] = mapped_column(db.String(200))
    medium: Mapped[Medium] = mapped_column(enum_column(Medium, 12), default=Medium.INTERNET)
    source: Mapped[str] = mapped_column(db.String(200), default="")  # the site, channel, paper
    collected_on: Mapped[date] = mapped_column(db.Date)
    kind: Mapped[Kind] = mapped_column(enum_column(Kind, 12), default=Kind.MARKET)
    valid_until: Mapped[date] = mapped_column(db.Date, index=True)
    content: Mapped[str] = mapped_column(db.Text, default="")
    product_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("bulletins_product.id"), index=True
    )

    office: Mapped[Office] = relationship()
    product: Mapped["InfoProduct | None"] = relationship(back_populates="items")

    def __str__(self) -> str:
        return self.title


class InfoProduct(VersionedMixin, TimestampMixin, db.Model):
    """An information product of one line, made of collected items, valid until a day."""

    __tablename__ = "bulletins_product"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    title: Mapped[str] = mapped_column(db.String(200))
    kind: Mapped[Kind] = mapped_column(enum_column(Kind, 12), default=Kind.MARKET)
    summary: Mapped[str] = mapped_column(db.Text, default="")
    valid_until: Mapped[date] = mapped_column(db.Date, index=True)

    office: Mapped[Office] = relationship()
    items: Mapped[list[CollectedItem]] = relationship(
        back_populates="product", order_by="CollectedItem.collected_on"
    )
    releases: Mapped[list["Release"]] = relationship(
        back_populates="product", order_by="Release.released_on"
    )

    def __str__(self) -> str:
        return self.title


class ReleasePlan(VersionedMixin, TimestampMixin, db.Model):
    """An office's release plan for one year, with its cycle (monthly by default)."""

    __tablename__ = "bulletins_plan"
    __table_args__ = (db.UniqueConstraint("office_id", "year", name="uq_bulletins_plan_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    year: Mapped[int] = mapped_column(db.Integer)
    cycle: Mapped[Cycle] = mapped_column(enum_column(Cycle, 12), default=Cycle.MONTHLY)
    release_day: Mapped[int] = mapped_column(db.Integer, default=10)  # day of month (1–28)
    notes: Mapped[str] = mapped_column(db.Text, default="")  # how it fits the local economy

    office: Mapped[Office] = relationship()
    entries: Mapped[list["PlanEntry"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanEntry.planned_on"
    )

    def __str__(self) -> str:
        return f"{self.year}"


class PlanEntry(TimestampMixin, db.Model):
    """One planned release: a product line on a date of the plan."""

    __tablename__ = "bulletins_plan_entry"
    __table_args__ = (
        db.UniqueConstraint("plan_id", "kind", "planned_on", name="uq_bulletins_plan_entry"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    plan_id: Mapped[int] = mapped_column(
        db.ForeignKey("bulletins_plan.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[Kind] = mapped_column(enum_column(Kind, 12))
    planned_on: Mapped[date] = mapped_column(db.Date, index=True)

    plan: Mapped[ReleasePlan] = relationship(back_populates="entries")
    releases: Mapped[list["Release"]] = relationship(back_populates="entry")

    def __str__(self) -> str:
        return f"{self.planned_on.isoformat()} {self.kind.label}"


class Release(TimestampMixin, db.Model):
    """One release of a product: when, through which channels, to whom; filed once."""

    __tablename__ = "bulletins_release"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    product_id: Mapped[int] = mapped_column(db.ForeignKey("bulletins_product.id"), index=True)
    # One release fulfils a planned date (unique: two desks cannot both record it).
    entry_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("bulletins_plan_entry.id", ondelete="SET NULL"), index=True, unique=True
    )
    released_on: Mapped[date] = mapped_column(db.Date, index=True)
    programme: Mapped[bool] = mapped_column(db.Boolean, default=False)  # 节目 (broadcast)
    meeting: Mapped[bool] = mapped_column(db.Boolean, default=False)  # 发布会
    blackboard: Mapped[bool] = mapped_column(db.Boolean, default=False)
    window: Mapped[bool] = mapped_column(db.Boolean, default=False)  # 橱窗
    leaflet: Mapped[bool] = mapped_column(db.Boolean, default=False)
    web: Mapped[bool] = mapped_column(db.Boolean, default=False)  # the residents' pages
    audience: Mapped[str] = mapped_column(db.String(200), default="")
    archive_no: Mapped[str | None] = mapped_column(db.String(64))

    office: Mapped[Office] = relationship()
    product: Mapped[InfoProduct] = relationship(back_populates="releases")
    entry: Mapped[PlanEntry | None] = relationship(back_populates="releases")


CHANNELS = ("programme", "meeting", "blackboard", "window", "leaflet", "web")
CHANNEL_LABELS = {
    "programme": _l("广播电视节目"),
    "meeting": _l("信息发布会"),
    "blackboard": _l("黑板报"),
    "window": _l("宣传橱窗"),
    "leaflet": _l("宣传单"),
    "web": _l("群众信息页"),
}

MODELS = [CollectedItem, InfoProduct, ReleasePlan, PlanEntry, Release]

# What the audit log and the delete-data preview call each table.
CollectedItem.__table__.info["label"] = _l("收集的信息")
InfoProduct.__table__.info["label"] = _l("信息产品")
ReleasePlan.__table__.info["label"] = _l("信息发布计划")
PlanEntry.__table__.info["label"] = _l("计划发布日期")
Release.__table__.info["label"] = _l("信息发布记录")
