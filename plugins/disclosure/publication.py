"""What of the disclosure board reaches residents, declared once for the publication gate.

Items and topics are published only through ``core.publication`` views: titles and topic texts
are free text (numbers, known private names and suspected names masked), an item's body is
Markdown masked before rendering (the office's own landline may stand), a decline reason may
give another office's landline. Both are withdrawable by a leader through the core. Who asked a
topic is on its core case (``Case.applicant_name``, a person field of the core), never here.
"""

from flask_babel import lazy_gettext as _l

from core.kit import PUBLIC, TEXT, WITHHELD, FieldClass, Kind, apply_class, declare, office_text
from plugins.disclosure.models import DisclosureItem, DisclosureTopic

# An item's body: Markdown source an office writes, masked with its stars escaped; the office's
# own landline may stand (an enquiry number), private mobiles and IDs never.
OFFICE_MARKDOWN = FieldClass(Kind.TEXT, markdown=True, keep_landlines=True)


def declarations() -> list:
    """The published fields of items and topics (for the ``publication_fields`` hook)."""
    return [
        declare(
            DisclosureItem,
            {
                "id": PUBLIC,
                "office_id": PUBLIC,
                "office": PUBLIC,
                "category": PUBLIC,
                "stage": PUBLIC,
                "published_at": PUBLIC,
                "title": TEXT,
                "body": OFFICE_MARKDOWN,
                "created_by": WITHHELD,
                "created_by_id": WITHHELD,
                "published_by": WITHHELD,
                "published_by_id": WITHHELD,
                "topics": WITHHELD,
            },
            withdrawable=True,
            kind_label=_l("公开事项"),
        ),
        declare(
            DisclosureTopic,
            {
                "id": PUBLIC,
                "office_id": PUBLIC,
                "office": PUBLIC,
                "status": PUBLIC,
                "created_at": PUBLIC,
                "answered_at": PUBLIC,
                "answer_item_id": PUBLIC,
                "answer_item": PUBLIC,
                "decline_ground": PUBLIC,
                "topic": TEXT,
                "answer_note": TEXT,
                "decline_reason": office_text(),
                "details": WITHHELD,
                "case": WITHHELD,
                "case_id": WITHHELD,
                "receipt_no": WITHHELD,
                "answered_by": WITHHELD,
                "answered_by_id": WITHHELD,
            },
            withdrawable=True,
            kind_label=_l("点题答复"),
        ),
    ]


def masked_body(item, allowed=frozenset()) -> str:
    """An item's body exactly as residents get it (for staff screens, also once withdrawn)."""
    return str(apply_class(item.body or "", OFFICE_MARKDOWN, item, allowed=allowed) or "")
