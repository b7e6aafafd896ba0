"""Column helpers shared by core and plugin models."""

from datetime import UTC, datetime

from sqlalchemy import Enum, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from core.models.types import UTCDateTime


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC; stored values are always UTC."""
    return datetime.now(UTC)


class TimestampMixin:
    """created_at / updated_at columns kept by the ORM."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """Optimistic locking: a save based on a stale version raises StaleDataError.

    Forms carry the version they were loaded with; ``core.concurrency.check_version`` and the
    desk helpers of ``core.admin.desk`` turn a stale save into the core's one "changed
    meanwhile" message instead of overwriting someone else's work.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


def enum_column(enum_cls, length: int = 20) -> Enum:
    """Column type for a StrEnum stored as its values in a VARCHAR (no native ENUM type), so
    it reads the same on SQLite and PostgreSQL and a new member needs no type migration."""
    return Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
    )
