"""Admin-entered calendar days: holidays and make-up workdays the official package lacks."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models.base import TimestampMixin
from core.models.enums import LabelledEnum


class DayKind(LabelledEnum):
    """What an entered day is: a rest day (holiday) or a working day (调休 make-up day)."""

    HOLIDAY = "holiday", _l("休息日（节假日）")
    WORKDAY = "workday", _l("工作日（调休上班）")


class CalendarDay(TimestampMixin, db.Model):
    """One day entered by a township admin.

    It overrides the official calendar for that day, and a year with at least one entered day
    counts as covered (its other days follow the weekend rule) instead of falling back with a
    warning. ``note`` records why an officially covered day was overridden.
    """

    __tablename__ = "calendar_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(db.Date, unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(db.String(16), nullable=False)
    name: Mapped[str] = mapped_column(db.String(64), nullable=False)
    note: Mapped[str | None] = mapped_column(db.String(255))

    @property
    def working(self) -> bool:
        """True for a make-up working day."""
        return self.kind == DayKind.WORKDAY

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.name}"
