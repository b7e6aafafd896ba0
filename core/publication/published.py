"""Published records: read-only views of model rows with every field masked by its class.

``publish(row)`` wraps a row in a ``Published`` view built from its model's declaration. The
view answers only declared fields, masks each by its class, wraps related rows in their own
views, and raises ``PublicationError`` (loudly, never as an empty value) for a field that has
no class or is withheld. A withdrawn record's view has ``withdrawal`` set and its non-public
fields empty. Templates, feeds, PDFs and the API read records only through these views.
"""

from datetime import UTC, date, datetime
from enum import Enum

from core.publication.fields import (  # the registry lives with the declarations
    Declaration,
    FieldClass,
    Kind,
    declaration_of,
)
from core.publication.masker import mask_html, mask_person, mask_text


class PublicationError(RuntimeError):
    """A field was about to be published without a class, or is withheld."""


class Gated(str):
    """A string that came out of the publication gate (already masked by its class)."""

    __slots__ = ()


def apply_class(value, cls: FieldClass, row=None, *, allowed=frozenset()):
    """``value`` as residents may see it under ``cls``."""
    if value is None:
        return None
    if cls.kind is Kind.WITHHELD:
        raise PublicationError("withheld field")
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # stored UTC; SQLite returns it without its zone
    if cls.kind is Kind.PUBLIC:
        return Gated(value) if type(value) is str else value
    if cls.kind is Kind.PERSON:
        public = bool(cls.public_when and row is not None and getattr(row, cls.public_when, False))
        return Gated(mask_person(str(value), public=public))
    if isinstance(value, bool | int | float | date | datetime | Enum) or callable(value):
        return value
    if cls.html:
        return Gated(mask_html(str(value), allowed=allowed, keep_landlines=cls.keep_landlines))
    return Gated(
        mask_text(
            str(value), allowed=allowed, keep_landlines=cls.keep_landlines, markdown=cls.markdown
        )
    )


class Published:
    """A read-only, masked view of one row (see the module docstring)."""

    __slots__ = ("_row", "_decl", "_cache", "withdrawal", "allowed")

    def __init__(self, row, decl: Declaration, withdrawal=None, allowed=frozenset()):
        object.__setattr__(self, "_row", row)
        object.__setattr__(self, "_decl", decl)
        object.__setattr__(self, "_cache", {})
        object.__setattr__(self, "withdrawal", withdrawal)
        object.__setattr__(self, "allowed", frozenset(allowed))

    def __getattr__(self, name):
        cache = self._cache
        if name in cache:
            return cache[name]
        cls = self._decl.fields.get(name)
        if cls is None:
            if name.startswith("__"):
                raise AttributeError(name)
            raise PublicationError(
                f"{self._decl.model.__name__}.{name} has no privacy class: declare it in the "
                "plugin's publication_fields hook before publishing it"
            )
        if cls.kind is Kind.WITHHELD:
            raise PublicationError(f"{self._decl.model.__name__}.{name} is withheld")
        if self.withdrawal is not None and cls.kind is not Kind.PUBLIC:
            value = ""
        else:
            value = _wrap(getattr(self._row, name), cls, self._row, self.allowed)
        cache[name] = value
        return value

    def __setattr__(self, name, value):
        raise PublicationError("published records are read-only")

    def __eq__(self, other):
        return isinstance(other, Published) and other._row is self._row

    def __hash__(self):
        return hash(id(self._row))

    def __repr__(self):
        return f"<Published {self._decl.model.__name__} {getattr(self._row, 'id', '?')}>"

    @property
    def withdrawn(self) -> bool:
        """Whether a leader withdrew this record (its notice stays in its place)."""
        return self.withdrawal is not None


def _wrap(value, cls: FieldClass, row, allowed):
    if callable(value) and not isinstance(value, type):
        return _wrap_callable(value, cls, row, allowed)
    if _is_model(value):
        return publish(value)
    if isinstance(value, list | tuple | set) and value and any(_is_model(v) for v in value):
        return publish_many(value)
    return apply_class(value, cls, row, allowed=allowed)


def _wrap_callable(func, cls, row, allowed):
    def call(*args, **kwargs):
        return _wrap(func(*args, **kwargs), cls, row, allowed)

    return call


def _is_model(value) -> bool:
    from core.extensions import db

    return isinstance(value, db.Model)


def publish(row, *, allowed=frozenset()):
    """The published view of ``row``, or None for None (see ``Published``)."""
    if row is None:
        return None
    if isinstance(row, Published):
        return row
    decl = declaration_of(type(row))
    if decl is None:
        raise PublicationError(f"{type(row).__name__} has no publication declaration")
    withdrawal = None
    if decl.withdrawable:
        from core.publication.withdrawal import withdrawals_for

        withdrawal = withdrawals_for(decl.model, [row]).get(row.id)
    if not allowed and decl.withdrawable:
        from core.publication.review import allowed_names_for

        allowed = allowed_names_for(decl.model, [row]).get(row.id, frozenset())
    return Published(row, decl, withdrawal, allowed)


def publish_many(rows) -> list:
    """Published views of many rows of one model, with withdrawals and review decisions
    loaded in one query each."""
    rows = [r for r in rows if r is not None]
    if not rows:
        return []
    if all(isinstance(r, Published) for r in rows):
        return rows
    decl = declaration_of(type(rows[0]))
    if decl is None or not all(type(r) is type(rows[0]) for r in rows):
        return [publish(r) for r in rows]
    withdrawn, allowed = {}, {}
    if decl.withdrawable:
        from core.publication.review import allowed_names_for
        from core.publication.withdrawal import withdrawals_for

        withdrawn = withdrawals_for(decl.model, rows)
        allowed = allowed_names_for(decl.model, rows)
    return [Published(r, decl, withdrawn.get(r.id), allowed.get(r.id, frozenset())) for r in rows]
