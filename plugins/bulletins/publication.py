"""What of information work reaches residents, declared once for the publication gate.

A product and its items are the office's own published text (titles, summaries, contents and
sources as text: mobiles, ID numbers and private names are masked). Kinds, days and validity
are plain facts. The plan and the release records are staff records: of a release only the
day and the channels are public, its audience and archive number are withheld.
"""

from flask_babel import lazy_gettext as _l

from core.kit import PUBLIC, TEXT, WITHHELD, declare
from plugins.bulletins.models import CollectedItem, InfoProduct, PlanEntry, Release, ReleasePlan


def declarations() -> list:
    """The published fields of products and items (for the ``publication_fields`` hook)."""
    return [
        declare(
            InfoProduct,
            {
                "id": PUBLIC,
                "office_id": PUBLIC,
                "office": PUBLIC,
                "kind": PUBLIC,
                "valid_until": PUBLIC,
                "updated_at": PUBLIC,
                "title": TEXT,
                "summary": TEXT,
                "items": PUBLIC,
                "releases": PUBLIC,
                "version": WITHHELD,
                "created_at": WITHHELD,
            },
            kind_label=_l("信息产品"),
        ),
        declare(
            CollectedItem,
            {
                "id": PUBLIC,
                "office_id": PUBLIC,
                "office": PUBLIC,
                "kind": PUBLIC,
                "medium": PUBLIC,
                "collected_on": PUBLIC,
                "valid_until": PUBLIC,
                "title": TEXT,
                "source": TEXT,
                "content": TEXT,
                "product_id": PUBLIC,
                "product": PUBLIC,
                "version": WITHHELD,
                "created_at": WITHHELD,
                "updated_at": WITHHELD,
            },
            kind_label=_l("信息"),
        ),
        declare(
            Release,
            {
                "id": PUBLIC,
                "office_id": PUBLIC,
                "product_id": PUBLIC,
                "released_on": PUBLIC,
                "programme": PUBLIC,
                "meeting": PUBLIC,
                "blackboard": PUBLIC,
                "window": PUBLIC,
                "leaflet": PUBLIC,
                "web": PUBLIC,
                "audience": WITHHELD,
                "archive_no": WITHHELD,
                "entry_id": WITHHELD,
                "created_at": WITHHELD,
                "updated_at": WITHHELD,
            },
        ),
        declare(ReleasePlan, {"id": PUBLIC, "year": PUBLIC, "notes": WITHHELD}),
        declare(PlanEntry, {"id": PUBLIC, "kind": PUBLIC, "planned_on": PUBLIC}),
    ]
