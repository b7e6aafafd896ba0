"""Field classes: what a published field is, declared once per model.

Every field of a record that reaches residents has a class:

- ``PUBLIC``: shown as stored (an office, an official's name and post, a date, a count, a
  status). ``PUBLIC_PHONE`` is an office landline or hotline, shown as stored.
- ``PERSON``: a private person's name, published as surname + 某 unless the row says that
  person is a public figure or consented (``person(public_when="named_in_full")``).
- ``TEXT``: free text, through the masker (numbers, known private names, suspected names).
  ``MARKDOWN`` is the same for Markdown source (stars escaped); ``HTML`` masks the text nodes
  of sanitised HTML.
- ``WITHHELD``: never published; reading it through a published record is an error.

A plugin declares its models' fields with the ``publication_fields`` hook; the core refuses to
publish any field without a class (``core.publication.published``).
"""

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """The privacy classes."""

    PUBLIC = "public"
    PERSON = "person"
    TEXT = "text"
    WITHHELD = "withheld"


@dataclass(frozen=True)
class FieldClass:
    """A field's class with its options."""

    kind: Kind
    keep_landlines: bool = False  # PUBLIC_PHONE, or TEXT where an office's number may stand
    markdown: bool = False  # TEXT holding Markdown source
    html: bool = False  # TEXT holding sanitised HTML
    public_when: str | None = None  # PERSON: attribute of the row that makes the name public


PUBLIC = FieldClass(Kind.PUBLIC)
PUBLIC_PHONE = FieldClass(Kind.PUBLIC, keep_landlines=True)
PERSON = FieldClass(Kind.PERSON)
TEXT = FieldClass(Kind.TEXT)
MARKDOWN = FieldClass(Kind.TEXT, markdown=True)
HTML = FieldClass(Kind.TEXT, html=True)
WITHHELD = FieldClass(Kind.WITHHELD)


def person(public_when: str | None = None) -> FieldClass:
    """A private person's name, in full where the row's ``public_when`` attribute is true."""
    return FieldClass(Kind.PERSON, public_when=public_when)


def office_text() -> FieldClass:
    """Free text an office writes for the public in which its own landline may stand (IDs,
    mobiles, e-mails and private names are still masked)."""
    return FieldClass(Kind.TEXT, keep_landlines=True)


@dataclass(frozen=True)
class Declaration:
    """The published fields of one model.

    ``withdrawable`` records can be withdrawn by a leader (``core.publication.withdrawal``);
    ``office`` names the attribute holding the record's office id (for scoping withdrawals),
    ``label`` a callable giving a short staff-side description of a record.
    """

    model: type
    fields: dict[str, FieldClass]
    withdrawable: bool = False
    kind_label: str = ""
    office: str = "office_id"


def declare(
    model: type,
    fields: dict[str, FieldClass],
    *,
    withdrawable: bool = False,
    kind_label: str = "",
    office: str = "office_id",
) -> Declaration:
    """A model's published fields, for a plugin's ``publication_fields`` hook."""
    return Declaration(model, dict(fields), withdrawable, kind_label, office)


# --- the registry of declarations (filled at start-up from ``publication_fields``) ---

_declarations: dict[type, Declaration] = {}


def register(declarations) -> None:
    """Add declarations (called by the core at start-up from ``publication_fields``)."""
    for d in declarations:
        _declarations[d.model] = d


def declaration_of(model: type) -> Declaration | None:
    """The declaration for a model class (or one of its bases), or None."""
    for cls in model.__mro__:
        if cls in _declarations:
            return _declarations[cls]
    return None


def declarations() -> list[Declaration]:
    """Every registered declaration."""
    return list(_declarations.values())
