"""The office's service matters (服务事项清单).

A ``ServiceMatter`` is one matter an office may handle: its legal basis (限事), the core case
category it opens (限时: the time limit is the category's, or the office's own published one),
where and by whom it is handled (限地), what the resident brings, the fee (限费: ``fee`` None is
free; a standard carries its legal basis) and the steps. A matter ``listed`` False is kept but
no longer offered to residents.
"""

from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.kit import (
    Case,
    LabelledEnum,
    Office,
    TimestampMixin,
    User,
    UTCDateTime,
    VersionedMixin,
    db,
    enum_column,
)


class Place(LabelledEnum):
    """Where a matter is handled (限地): as close to the resident as the matter allows."""

    HOME = "home", _l("上门（在家办）")
    VILLAGE = "village", _l("村便民服务室")
    HALL = "hall", _l("乡镇便民服务大厅")
    COUNTY = "county", _l("县级部门（乡镇代办）")


class ServiceMatter(VersionedMixin, TimestampMixin, db.Model):
    """One matter on an office's list, with everything its 办事指南 page shows."""

    __tablename__ = "catalogue_matter"
    __table_args__ = (db.Index("ix_catalogue_matter_office_listed", "office_id", "listed"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    name: Mapped[str] = mapped_column(db.String(200))
    legal_basis: Mapped[str] = mapped_column(db.Text, default="")
    category_code: Mapped[str] = mapped_column(db.String(40))
    place: Mapped[Place] = mapped_column(enum_column(Place, 12), default=Place.HALL)
    handled_by: Mapped[str] = mapped_column(db.String(100), default="")  # a window or post
    documents: Mapped[str] = mapped_column(db.Text, default="")  # one per line
    fee: Mapped[Decimal | None] = mapped_column(db.Numeric(10, 2))  # yuan; None = free
    fee_basis: Mapped[str] = mapped_column(db.Text, default="")
    steps: Mapped[str] = mapped_column(db.Text, default="")  # one per line
    listed: Mapped[bool] = mapped_column(db.Boolean, default=True)

    office: Mapped[Office] = relationship()

    @property
    def is_free(self) -> bool:
        """True when the matter carries no fee."""
        return self.fee is None or self.fee == 0

    @property
    def goes_to_county(self) -> bool:
        """True when a county office decides and the township handles it on the resident's
        behalf (办事代理)."""
        return self.place == Place.COUNTY

    def __str__(self) -> str:
        return self.name


class LiaisonRole(LabelledEnum):
    """Who a village's liaison officer is (限地: 村妇女主任、报账员为联络员)."""

    WOMEN_DIRECTOR = "women_director", _l("村妇女主任")
    BOOKKEEPER = "bookkeeper", _l("村报账员")
    OTHER = "other", _l("其他联络员")


class ServicePlace(VersionedMixin, TimestampMixin, db.Model):
    """Where residents are served: the township's service hall or a village's convenience
    room, with its address, opening hours and the office's landline."""

    __tablename__ = "catalogue_place"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    kind: Mapped[Place] = mapped_column(enum_column(Place, 12), default=Place.VILLAGE)
    name: Mapped[str] = mapped_column(db.String(120))
    address: Mapped[str] = mapped_column(db.String(200), default="")
    opening_hours: Mapped[str] = mapped_column(db.Text, default="")
    phone: Mapped[str] = mapped_column(db.String(32), default="")  # the office's landline

    office: Mapped[Office] = relationship()

    def __str__(self) -> str:
        return self.name


class LiaisonOfficer(VersionedMixin, TimestampMixin, db.Model):
    """A village's liaison officer: a staff record of that office, in a liaison role."""

    __tablename__ = "catalogue_liaison"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id"), index=True)
    role: Mapped[LiaisonRole] = mapped_column(
        enum_column(LiaisonRole, 20), default=LiaisonRole.OTHER
    )

    office: Mapped[Office] = relationship()
    user: Mapped[User] = relationship()

    def __str__(self) -> str:
        return f"{self.user.display_name if self.user else ''}（{self.role.label}）"


class CaseFee(TimestampMixin, db.Model):
    """The fee charged on a case of a matter, recorded when the case is closed (限费).

    ``standard`` is the matter's published standard at that moment (None: free). A fee below
    the standard (a reduction or waiver) names the leader who approved it; ``unrecorded`` is
    True when the case was closed without the fee being entered (on the core's case screen).
    Never above the standard: that is refused before anything is saved.
    """

    __tablename__ = "catalogue_case_fee"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("case_record.id"), unique=True)
    matter_id: Mapped[int] = mapped_column(db.ForeignKey("catalogue_matter.id"), index=True)
    standard: Mapped[Decimal | None] = mapped_column(db.Numeric(10, 2))
    amount: Mapped[Decimal] = mapped_column(db.Numeric(10, 2), default=Decimal("0"))
    unrecorded: Mapped[bool] = mapped_column(db.Boolean, default=False)
    approved_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(db.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    office: Mapped[Office] = relationship()
    case: Mapped[Case] = relationship()
    matter: Mapped[ServiceMatter] = relationship()
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

    @property
    def is_override(self) -> bool:
        """True when the fee differs from the published standard (a reduction, a waiver, or
        a fee never entered on a matter that has one)."""
        return self.amount != (self.standard or Decimal("0")) or self.unrecorded


MODELS = [ServiceMatter, ServicePlace, LiaisonOfficer, CaseFee]

# What the audit log and the delete-data preview call the table without a screen of its own.
CaseFee.__table__.info["label"] = _l("办件收费记录")
