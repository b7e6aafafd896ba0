"""What of the catalogue reaches residents, declared once for the publication gate.

A matter is the office's own published text: its name is free text, its legal basis, documents,
steps and who handles it are office text (the office's landline may stand; private mobiles, ID
numbers and private names are masked). The fee, place and category are plain facts.
"""

from flask_babel import lazy_gettext as _l

from core.kit import PUBLIC, TEXT, WITHHELD, declare, office_text
from plugins.catalogue.models import LiaisonOfficer, ServiceMatter, ServicePlace


def declarations() -> list:
    """The published fields of a matter (for the ``publication_fields`` hook)."""
    return [
        declare(
            ServiceMatter,
            {
                "id": PUBLIC,
                "office_id": PUBLIC,
                "office": PUBLIC,
                "category_code": PUBLIC,
                "place": PUBLIC,
                "fee": PUBLIC,
                "is_free": PUBLIC,
                "goes_to_county": PUBLIC,
                "listed": PUBLIC,
                "updated_at": PUBLIC,
                "name": TEXT,
                "legal_basis": office_text(),
                "handled_by": office_text(),
                "documents": office_text(),
                "fee_basis": office_text(),
                "steps": office_text(),
                "version": WITHHELD,
                "created_at": WITHHELD,
            },
            kind_label=_l("服务事项"),
        ),
        declare(
            ServicePlace,
            {
                "id": PUBLIC,
                "office_id": PUBLIC,
                "office": PUBLIC,
                "kind": PUBLIC,
                "name": TEXT,
                "address": office_text(),
                "opening_hours": office_text(),
                "phone": office_text(),
                "version": WITHHELD,
                "created_at": WITHHELD,
                "updated_at": WITHHELD,
            },
            kind_label=_l("服务场所"),
        ),
        # A liaison officer acts in a public role: the staff directory's name and post.
        declare(
            LiaisonOfficer,
            {
                "id": PUBLIC,
                "office_id": PUBLIC,
                "office": PUBLIC,
                "role": PUBLIC,
                "user": PUBLIC,
                "user_id": WITHHELD,
                "version": WITHHELD,
                "created_at": WITHHELD,
                "updated_at": WITHHELD,
            },
            kind_label=_l("联络员"),
        ),
    ]
