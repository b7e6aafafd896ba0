"""Per-office enablement of plugins (modules)."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models.base import utcnow
from core.models.types import UTCDateTime


class OfficeModule(db.Model):
    """One row per office × plugin that was ever switched; ``enabled`` says if it is on now.

    Switching off keeps the row (and all the plugin's data); switching on again restores it.
    """

    __tablename__ = "office_module"

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), primary_key=True)
    plugin_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
