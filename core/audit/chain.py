"""The hash chain: canonical content, entry hashes, and appending under the chain-head lock.

Every entry's ``entry_hash`` is sha256 over a canonical JSON array of its content and its
``prev_hash``. Ids are handed out here (last id + 1) while the chain head is locked, so id
order is chain order, without gaps, however many processes write at once.

Appending talks to the two supported drivers (sqlite3, psycopg 3) directly: it runs on every
audited commit, where going through SQLAlchemy's statement handling cost more than the
database's own work.
"""

import json
import math
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import Enum
from hashlib import sha256

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Session

from core.audit.sql import SQLITE_HEAD_TRIGGER_SQL

GENESIS_HASH = "0" * 64
HASH_FORMAT = 1  # bump only with a verify that still understands the old format

# The audit table as plain columns: JSON columns are read and written as the exact text that
# was hashed (no parsing), which keeps both appending and verifying cheap.
RAW_ENTRIES = Table(
    "audit_entry",
    MetaData(),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("at", DateTime(timezone=True)),
    Column("action", String(40)),
    Column("actor_id", Integer),
    Column("actor_name", String(64)),
    Column("office_id", Integer),
    Column("ip_address", String(45)),
    Column("request_id", String(32)),
    Column("target_type", String(64)),
    Column("target_id", String(64)),
    Column("changes", Text),
    Column("details", Text),
    Column("prev_hash", String(64)),
    Column("entry_hash", String(64)),
)
# An entry's own content, then the columns its hash covers (RAW_ENTRIES' order).
CONTENT_COLUMNS = tuple(c.name for c in RAW_ENTRIES.c)[:-2]
HASHED_COLUMNS = (*CONTENT_COLUMNS, "prev_hash")

_HEAD_KEY = "audit_chain_head"
_encode_array = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# One encoder for every call: json.dumps() with options builds a new one each time.
_encode_canonical = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
).encode


def canonical_json(value) -> str:
    """The one JSON spelling stored and hashed: sorted keys, no spaces, UTF-8 kept as is."""
    return _encode_canonical(value)


def jsonable(value):
    """``value`` as plain JSON data (enums by value, times in ISO form, bytes by digest)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return "sha256:" + sha256(bytes(value)).hexdigest()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


def format_at(at: datetime) -> str:
    """The hashed spelling of a timestamp: naive UTC, ISO 8601, always with microseconds.

    SQLite hands back naive UTC, PostgreSQL aware values in the session's zone: both end here.
    """
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def compute_hash(content) -> str:
    """sha256 (hex) of one entry's canonical content: the HASHED_COLUMNS values in order, ``at``
    in its hashed spelling (``format_at``) and JSON columns as their stored text."""
    payload = _encode_array([HASH_FORMAT, *content])
    return sha256(payload.encode("utf-8")).hexdigest()


def hash_row(row, prev_hash: str, at_text: str | None = None) -> str:
    """The hash a row (a mapping with RAW_ENTRIES' columns) ought to carry after ``prev_hash``."""
    values = {**row, "prev_hash": prev_hash, "at": at_text or format_at(row["at"])}
    return compute_hash([values[column] for column in HASHED_COLUMNS])


# --- the chain head ---------------------------------------------------------------------------


def lock_head(session: Session) -> list:
    """Lock the chain head for the rest of the transaction; return [last_id, last_hash].

    The value is cached on the session until the transaction (or savepoint) ends. Like every
    statement of an append, the lock goes to the database driver directly: it runs on every
    audited commit, and SQLAlchemy's statement handling cost more than the database's work.
    """
    head = session.info.get(_HEAD_KEY)
    if head is not None:
        return head
    conn = session.connection()
    raw = conn.connection.driver_connection
    lock = _lock_sqlite_head if conn.dialect.name == "sqlite" else _lock_postgresql_head
    row = lock(raw)
    if row is None:
        _create_head(conn)
        row = lock(raw)
    head = [row[0], row[1]]
    session.info[_HEAD_KEY] = head
    return head


def _lock_sqlite_head(raw):
    """The head row, read under SQLite's one write lock (``raw``: the sqlite3 connection).

    The driver opens a transaction (BEGIN DEFERRED) only before a data-changing statement, so
    ``in_transaction`` means this transaction has written and already holds the write lock;
    otherwise a no-op UPDATE takes it before the head is read. (Should a transaction be open
    without having written, say after a SAVEPOINT, the chain is still safe: SQLite lets a
    transaction write only if nothing was committed since it read, and the primary key
    refuses a second entry with the same id.)
    """
    if raw.in_transaction:
        return raw.execute(
            "SELECT last_id, last_hash FROM audit_chain_head WHERE id = 1"
        ).fetchone()
    return raw.execute(
        "UPDATE audit_chain_head SET last_id = last_id WHERE id = 1 RETURNING last_id, last_hash"
    ).fetchone()


def _lock_postgresql_head(raw):
    """The head row under ``SELECT … FOR UPDATE`` (``raw``: the psycopg connection), so
    concurrent writers queue here until this transaction ends."""
    return raw.execute(
        "SELECT last_id, last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE"
    ).fetchone()


def _create_head(conn) -> None:
    """Create the head row from the table's last entry (or the last archive, or genesis)."""
    last = conn.execute(
        text("SELECT id, entry_hash FROM audit_entry ORDER BY id DESC LIMIT 1")
    ).first()
    if last is None:
        last = conn.execute(
            text("SELECT last_id, last_hash FROM audit_archive ORDER BY last_id DESC LIMIT 1")
        ).first()
    last_id, last_hash = (last[0], last[1]) if last is not None else (0, GENESIS_HASH)
    conn.execute(
        text(
            "INSERT INTO audit_chain_head (id, last_id, last_hash) VALUES (1, :i, :h) "
            "ON CONFLICT (id) DO NOTHING"
        ),
        {"i": last_id, "h": last_hash},
    )


def forget_head(session: Session) -> None:
    """Drop the cached head (the transaction or savepoint that locked it has ended)."""
    session.info.pop(_HEAD_KEY, None)


def append(session: Session, rows: list[dict]) -> None:
    """Give ``rows`` their ids and hashes, insert them in one statement, advance the head.

    Each row holds every RAW_ENTRIES column except id/prev_hash/entry_hash, with ``changes``
    and ``details`` already as canonical JSON text (or None) and ``at`` an aware datetime.
    """
    if not rows:
        return
    head = lock_head(session)
    last_id, last_hash = head
    conn = session.connection()
    sqlite = conn.dialect.name == "sqlite"
    values = []
    at, at_text = None, ""
    for row in rows:
        last_id += 1
        if row["at"] is not at:  # rows of one flush share one timestamp
            at = row["at"]
            at_text = format_at(at)
        row["id"] = last_id
        row["prev_hash"] = last_hash
        last_hash = row["entry_hash"] = hash_row(row, last_hash, at_text)
        # SQLite keeps UTC digits as text (SQLAlchemy's spelling); other drivers adapt times.
        values.append(
            (
                last_id,
                at_text.replace("T", " ") if sqlite else row["at"],
                row["action"],
                row["actor_id"],
                row["actor_name"],
                row["office_id"],
                row["ip_address"],
                row["request_id"],
                row["target_type"],
                row["target_id"],
                row["changes"],
                row["details"],
                row["prev_hash"],
                row["entry_hash"],
            )
        )
    raw = conn.connection.driver_connection
    if sqlite:
        _insert_sqlite(raw, values, last_id, last_hash)
    else:
        _insert_postgresql(raw, values, last_id, last_hash)
    head[0], head[1] = last_id, last_hash


def _insert_sqlite(raw, values: list[tuple], last_id: int, last_hash: str) -> None:
    """Insert the rows through the sqlite3 connection ``raw``; its head trigger moves the head.

    The driver's own executemany: SQLAlchemy's per-row parameter processing would cost more
    than hashing the row. SQLite counts the trigger's UPDATE in ``total_changes``; on a
    connection without the trigger yet (its first append, or the table was re-created) the
    head is moved here and the trigger installed for the next append.
    """
    changes_before = raw.total_changes
    raw.executemany(_SQLITE_INSERT_SQL, values)
    if raw.total_changes - changes_before == len(values):
        raw.execute(
            "UPDATE audit_chain_head SET last_id = ?, last_hash = ? WHERE id = 1",
            (last_id, last_hash),
        )
        raw.execute(SQLITE_HEAD_TRIGGER_SQL)


def _insert_postgresql(raw, values: list[tuple], last_id: int, last_hash: str) -> None:
    """Insert the rows and move the head through the psycopg connection ``raw``: COPY for many
    rows, else one data-modifying WITH, so the rows and the head take one round trip."""
    if len(values) >= COPY_FROM_ROWS:
        with raw.cursor() as cursor:
            with cursor.copy(_COPY_SQL) as copy:
                for value in values:
                    copy.write_row(value)
        raw.execute(
            "UPDATE audit_chain_head SET last_id = %s, last_hash = %s WHERE id = 1",
            (last_id, last_hash),
        )
        return
    raw.execute(
        "WITH appended AS ("
        + _INSERT_SQL
        + ", ".join([_one_row("%s")] * len(values))
        + ") UPDATE audit_chain_head SET last_id = %s, last_hash = %s WHERE id = 1",
        tuple(v for value in values for v in value) + (last_id, last_hash),
    )


def _one_row(marker: str) -> str:
    return "(" + ", ".join([marker] * len(_ALL_COLUMNS)) + ")"


_ALL_COLUMNS = tuple(c.name for c in RAW_ENTRIES.c)
_INSERT_SQL = "INSERT INTO audit_entry (" + ", ".join(_ALL_COLUMNS) + ") VALUES "
_SQLITE_INSERT_SQL = _INSERT_SQL + _one_row("?")
_COPY_SQL = "COPY audit_entry (" + ", ".join(_ALL_COLUMNS) + ") FROM STDIN"
COPY_FROM_ROWS = 200  # from this many rows in one go, PostgreSQL gets them by COPY
