"""The audit log tables: the entries, the head of their hash chain, and the archive records."""

import json
from datetime import date, datetime

from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from core.audit.chain import canonical_json
from core.audit.sql import APPEND_ONLY_TRIGGER_SQL, ARCHIVE_APPEND_ONLY_TRIGGER_SQL
from core.extensions import db
from core.models.base import utcnow
from core.models.types import UTCDateTime


class CanonicalJSON(TypeDecorator):
    """A JSON value stored as its canonical text.

    Stored as plain text (not PostgreSQL ``json``/``jsonb``) so the bytes in the database are
    exactly the bytes that were hashed: verify hashes the raw text without parsing it.
    """

    impl = db.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else canonical_json(value)

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(value)


_BIG_ID = db.BigInteger().with_variant(db.Integer, "sqlite")


class AuditEntry(db.Model):
    """One recorded action: a row change, a login, an export, a module switch…

    Append-only. ``id`` is handed out by the chain (``core.audit.chain``), never by a sequence,
    so id order is chain order with no gaps; ``entry_hash`` covers the content and
    ``prev_hash``. Row changes keep ``changes`` = {column: [old, new]}.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (db.Index("ix_audit_entry_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    action: Mapped[str] = mapped_column(db.String(40), index=True)
    actor_id: Mapped[int | None] = mapped_column(db.Integer, index=True)
    actor_name: Mapped[str | None] = mapped_column(db.String(64))
    office_id: Mapped[int | None] = mapped_column(db.Integer, index=True)
    ip_address: Mapped[str | None] = mapped_column(db.String(45))
    request_id: Mapped[str | None] = mapped_column(db.String(32))
    target_type: Mapped[str | None] = mapped_column(db.String(64))
    target_id: Mapped[str | None] = mapped_column(db.String(64))
    changes: Mapped[dict | None] = mapped_column(CanonicalJSON)
    details: Mapped[dict | None] = mapped_column(CanonicalJSON)
    prev_hash: Mapped[str] = mapped_column(db.String(64))
    entry_hash: Mapped[str] = mapped_column(db.String(64))

    def __str__(self) -> str:
        return f"#{self.id} {self.action} {self.target_type or ''} {self.target_id or ''}".strip()


class AuditChainHead(db.Model):
    """The single row naming the last entry of the chain.

    Every writer locks it (``SELECT … FOR UPDATE`` on PostgreSQL, a write on SQLite) before
    appending, so concurrent transactions append one after another and the chain stays one
    line. Verify also compares it with the table's last entry, which reveals entries deleted
    from the end.
    """

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(_BIG_ID)
    last_hash: Mapped[str] = mapped_column(db.String(64))


class AuditArchive(db.Model):
    """One archive file: which entries left the table and the hash the chain continues from.

    Append-only like the entries (on PostgreSQL a trigger refuses UPDATE and DELETE and
    accepts only an archive that continues the last one, see ``core.audit.sql``).
    """

    __tablename__ = "audit_archive"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    before: Mapped[date] = mapped_column(db.Date)
    first_id: Mapped[int] = mapped_column(_BIG_ID)
    last_id: Mapped[int] = mapped_column(_BIG_ID, unique=True)
    entry_count: Mapped[int] = mapped_column(db.Integer)
    first_prev_hash: Mapped[str] = mapped_column(db.String(64))
    last_hash: Mapped[str] = mapped_column(db.String(64))
    file_name: Mapped[str] = mapped_column(db.String(200))
    file_sha256: Mapped[str] = mapped_column(db.String(64))


# db.create_all() installs the PostgreSQL guards too; the Alembic migrations run the same SQL.
db.event.listen(
    AuditEntry.__table__,
    "after_create",
    db.DDL(APPEND_ONLY_TRIGGER_SQL).execute_if(dialect="postgresql"),
)
db.event.listen(
    AuditArchive.__table__,
    "after_create",
    db.DDL(ARCHIVE_APPEND_ONLY_TRIGGER_SQL).execute_if(dialect="postgresql"),
)
