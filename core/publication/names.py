"""The private persons the township's records know, and the officials who may be named.

Every plugin lists, through the ``private_person_fields`` hook, the columns that hold a private
person's name (attendees, askers, petitioners, applicants, bookers, borrowers…). The core copies
each name it sees saved there into the ``private_name`` table, in the same transaction, so a
name typed into any form of any office is masked in every office's published text from then on.

Each process keeps the set in memory and reloads it when the row count, highest id or newest entry
changes (one indexed query per masking), so several web processes agree within one request.
"""

from dataclasses import dataclass
from datetime import datetime
from threading import Lock

from sqlalchemy import Integer, String, event, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.extensions import db
from core.models.base import utcnow
from core.models.types import UTCDateTime

NAME_MIN, NAME_MAX = 2, 6


class PrivateName(db.Model):
    """A private person's full name seen in the records (never published, only matched)."""

    __tablename__ = "private_name"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


@dataclass(frozen=True)
class PersonField:
    """A column holding a private person's name.

    ``public_when`` names a boolean attribute of the same row that, when true, makes the person
    a public figure (a confirmed deputy, an official) whose name is not collected.
    """

    column: object  # an InstrumentedAttribute, e.g. Attendee.name
    public_when: str | None = None


def clean_name(value) -> str | None:
    """The name as matched in text, or None when it cannot be a person's full name."""
    if not isinstance(value, str):
        return None
    name = "".join(value.split())
    if not (NAME_MIN <= len(name) <= NAME_MAX) or not all("\u4e00" <= c <= "\u9fff" for c in name):
        return None
    return name


_fields_by_class: dict[type, list[PersonField]] = {}


def watch_person_fields(fields: list[PersonField]) -> None:
    """Collect names saved to these columns from now on (called once at start-up)."""
    for f in fields:
        cls = f.column.class_
        bucket = _fields_by_class.setdefault(cls, [])
        if f not in bucket:
            bucket.append(f)


def person_fields() -> list[PersonField]:
    """Every watched column."""
    return [f for fields in _fields_by_class.values() for f in fields]


def _names_of(obj) -> set[str]:
    found = set()
    for f in _fields_by_class.get(type(obj), ()):
        if f.public_when and getattr(obj, f.public_when, False):
            continue
        name = clean_name(getattr(obj, f.column.key, None))
        if name:
            found.add(name)
    return found


@event.listens_for(Session, "before_flush")
def _collect_names(session, _flush_context, _instances):
    if not _fields_by_class:
        return
    names: set[str] = set()
    for obj in list(session.new) + list(session.dirty):
        if type(obj) in _fields_by_class:
            names |= _names_of(obj)
    if names:
        remember(session, names)


def remember(session, names: set[str]) -> None:
    """Insert names not yet known (a concurrent insert of the same name is ignored)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    now = utcnow()
    stmt = (
        insert(PrivateName.__table__)
        .values([{"name": n, "first_seen_at": now} for n in sorted(names)])
        .on_conflict_do_nothing()
    )
    session.connection().execute(stmt)


def rebuild() -> int:
    """Collect the names of every watched column from the whole database; the count added."""
    before = db.session.scalar(select(func.count()).select_from(PrivateName)) or 0
    for f in person_fields():
        cls = f.column.class_
        query = select(f.column).distinct()
        if f.public_when:
            query = query.where(~getattr(cls, f.public_when).is_(True))
        names = {n for n in (clean_name(v) for v in db.session.scalars(query)) if n}
        for chunk in _chunks(sorted(names), 500):
            remember(db.session, set(chunk))
    db.session.commit()
    after = db.session.scalar(select(func.count()).select_from(PrivateName)) or 0
    return after - before


def _chunks(items, size):
    for i in range(0, len(items), size):
        yield items[i : i + size]


class _NameCache:
    """The process's copy of the known names, keyed by (row count, highest id, newest time):
    a table emptied and refilled (ids restart on SQLite) still changes the key."""

    def __init__(self):
        self.key = None
        self.names: frozenset[str] = frozenset()
        self.lock = Lock()

    def get(self) -> frozenset[str]:
        key = tuple(
            db.session.execute(
                select(
                    func.count(PrivateName.id),
                    func.max(PrivateName.id),
                    func.max(PrivateName.first_seen_at),
                )
            ).one()
        )
        if key != self.key:
            with self.lock:
                names = frozenset(db.session.scalars(select(PrivateName.name)))
                self.key, self.names = key, names
        return self.names


_known = _NameCache()


def known_private_names() -> frozenset[str]:
    """Every private person's name the records know (2–6 Chinese characters)."""
    return _known.get()


def names_added_since(moment) -> set[str]:
    """Private names first seen after ``moment``: a cached rendering (a PDF) made before then
    must be made again if its text holds one of them."""
    if moment is None:
        return set()
    return set(
        db.session.scalars(select(PrivateName.name).where(PrivateName.first_seen_at > moment))
    )


def mentions_names_added_since(moment, *texts) -> bool:
    """Whether any of ``texts`` holds a private name first seen after ``moment``."""
    added = names_added_since(moment)
    return bool(added) and any(name in (text or "") for text in texts for name in added)


def official_names() -> frozenset[str]:
    """Names of active staff: officials, whose names may stand in published text."""
    from core.models import User

    rows = db.session.scalars(select(User.display_name).where(User.active.is_(True)))
    return frozenset(n for n in (clean_name(v) for v in rows) if n)
