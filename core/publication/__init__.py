"""The publication gate: the one boundary between the township's records and residents.

Everything a resident can fetch — pages, iCalendar and Atom feeds, PDFs, the JSON API — is
built from published views of records (``publish``), in which every field has a declared class
(``core.publication.fields``: public / person / text / withheld). Masking (numbers in every
notation, known private names, suspected names), review before publishing and withdrawal live
here, once. A plugin never hands a model field to a residents' template or API schema directly:

- declare its models' published fields with the ``publication_fields`` hook;
- list the columns that hold private persons' names with ``private_person_fields``;
- render residents' pages with ``render_public`` (rows in the context are published);
- type its API models' string fields with ``core.publication.schema`` (``Text``, ``PersonName``…);
- build absolute URLs with ``public_url``.
"""

from core.publication.fields import (
    HTML,
    MARKDOWN,
    PERSON,
    PUBLIC,
    PUBLIC_PHONE,
    TEXT,
    WITHHELD,
    Declaration,
    FieldClass,
    declare,
    office_text,
    person,
)
from core.publication.guard import published_context, render_public
from core.publication.masker import analyse, mask_html, mask_numbers, mask_person, mask_text
from core.publication.names import PersonField, mentions_names_added_since
from core.publication.outputs import public_url, published_changed
from core.publication.published import (
    Gated,
    PublicationError,
    Published,
    apply_class,
    publish,
    publish_many,
)
from core.publication.review import decisions_from, highlighted, record_decisions, suspects_in
from core.publication.withdrawal import (
    WithdrawalError,
    can_withdraw,
    withdraw,
    withdrawals_for,
    withdrawn_clause,
    withdrawn_ids,
)


def withdraw_url(row, next_url: str | None = None) -> str:
    """The core's staff screen that withdraws ``row`` (see ``core.publication.views``)."""
    from core.publication.views import withdraw_url as _url

    return _url(row, next_url)
