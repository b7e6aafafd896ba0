"""Offices: the township and its units, in a tree."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import TimestampMixin, enum_column
from core.models.enums import LabelledEnum


class OfficeKind(LabelledEnum):
    """Kinds of office in a township, as the source document names them."""

    TOWNSHIP = "township", _l("乡镇")  # root of the tree
    GOVERNMENT = "government", _l("镇政府")
    STATION = "station", _l("站办所")
    VILLAGE = "village", _l("村委会")
    COMMUNITY = "community", _l("社区")
    BUREAU = "bureau", _l("局")
    SERVICE_HALL = "service_hall", _l("服务大厅")


class Office(TimestampMixin, db.Model):
    """A unit that staff belong to and that modules are switched on for."""

    __tablename__ = "office"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[OfficeKind] = mapped_column(enum_column(OfficeKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    public_phone: Mapped[str | None] = mapped_column(String(32))  # the office's own line
    office_hours: Mapped[str | None] = mapped_column(String(120))
    sort_order: Mapped[int] = mapped_column(default=0)

    parent: Mapped["Office | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Office"]] = relationship(
        back_populates="parent", order_by="Office.sort_order, Office.code"
    )

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list["Office"]:
        """The chain from the root down to this office's parent."""
        chain, node = [], self.parent
        while node is not None:
            chain.insert(0, node)
            node = node.parent
        return chain
