"""Column types shared by core and plugin models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A moment in time, stored in UTC and read back aware (UTC) on every database.

    SQLite keeps only the wall time of a ``DateTime(timezone=True)`` value and hands it back
    naive; storing a Beijing-time value there silently shifts it by eight hours. This type
    converts every value to UTC before it is stored (a naive value is taken to be UTC) and
    attaches UTC to what comes back, so code never has to "make a datetime aware".
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Store UTC (an aware value is converted; a naive one is taken as UTC)."""
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        """Hand back an aware UTC datetime."""
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value
