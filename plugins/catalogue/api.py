"""The 办事指南 in the public JSON API (/api/v1/catalogue/…): an office's listed matters with
place, documents, time limit, fee and steps, read only through the publication gate."""

from decimal import Decimal

from flask import g
from pydantic import BaseModel

from core.kit import OfficeText, PublicStr, Text, category_title, public_url, publish
from plugins.catalogue import services


class MatterOut(BaseModel):
    """One service matter of an office's 办事指南."""

    id: int
    name: Text
    category: PublicStr
    category_label: PublicStr
    time_limit: PublicStr
    place: PublicStr
    place_label: PublicStr
    handled_by: OfficeText
    legal_basis: OfficeText
    documents: list[OfficeText]
    steps: list[OfficeText]
    free: bool
    fee_yuan: Decimal | None
    fee_basis: OfficeText
    handled_for_county: bool
    url: PublicStr


def matter_out(row) -> dict:
    """The published facts of one matter (row read through its published view)."""
    matter = publish(row)
    return {
        "id": matter.id,
        "name": matter.name,
        "category": matter.category_code,
        "category_label": category_title(row.category_code),
        "time_limit": services.limit_text(row),
        "place": matter.place.value,
        "place_label": str(matter.place.label),
        "handled_by": matter.handled_by,
        "legal_basis": matter.legal_basis,
        "documents": services.lines(matter.documents),
        "steps": services.lines(matter.steps),
        "free": matter.is_free,
        "fee_yuan": None if matter.is_free else matter.fee,
        "fee_basis": matter.fee_basis if not matter.is_free else "",
        "handled_for_county": matter.goes_to_county,
        "url": public_url(
            "catalogue_public.matter_page", office_code=row.office.code, matter_id=row.id
        ),
    }


def register_endpoints(api) -> None:
    """Add /catalogue/<office_code>/matters."""

    @api.route("/catalogue/<office_code>/matters", list[MatterOut], tag="catalogue")
    def catalogue_matters(office_code):
        """The office's listed service matters (办事指南), by name."""
        return [matter_out(row) for row in services.listed_matters([g.office.id])]
