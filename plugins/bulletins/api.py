"""Current information products in the public JSON API (/api/v1/bulletins/…): an office's
and the township's products still valid, with their current items, read only through the
publication gate (an expired product or item is not in the answer)."""

import datetime as dt

from flask import g
from pydantic import BaseModel

from core.kit import PublicStr, Text, enabled_office_ids, public_url, publish, publish_many
from plugins.bulletins import services


class BulletinItemOut(BaseModel):
    """One collected piece of information of a product, still valid."""

    title: Text
    content: Text
    medium: PublicStr
    source: Text
    collected_on: dt.date
    valid_until: dt.date


class BulletinProductOut(BaseModel):
    """One current information product."""

    id: int
    office: PublicStr
    title: Text
    kind: PublicStr
    kind_label: PublicStr
    summary: Text
    valid_until: dt.date
    released_on: dt.date | None
    items: list[BulletinItemOut]
    url: PublicStr
    leaflet_url: PublicStr


def _item_out(item) -> dict:
    return {
        "title": item.title,
        "content": item.content,
        "medium": str(item.medium.label),
        "source": item.source,
        "collected_on": item.collected_on,
        "valid_until": item.valid_until,
    }


def product_out(row) -> dict:
    """The published facts of one product (row read through its published view)."""
    product = publish(row)
    code = row.office.code
    return {
        "id": product.id,
        "office": code,
        "title": product.title,
        "kind": product.kind.value,
        "kind_label": str(product.kind.label),
        "summary": product.summary,
        "valid_until": product.valid_until,
        "released_on": services.released_on(row),
        "items": [_item_out(i) for i in publish_many(services.current_items(row))],
        "url": public_url("bulletins_public.product", office_code=code, product_id=row.id),
        "leaflet_url": public_url(
            "bulletins_public.leaflet_pdf", office_code=code, product_id=row.id
        ),
    }


def register_endpoints(api) -> None:
    """Add /bulletins/<office_code>/products and /bulletins/<office_code>/township."""

    @api.route("/bulletins/<office_code>/products", list[BulletinProductOut], tag="bulletins")
    def bulletins_products(office_code):
        """The office's current information products (惠民信息), newest first."""
        return [product_out(row) for row in services.current_products([g.office.id])]

    @api.route("/bulletins/<office_code>/township", list[BulletinProductOut], tag="bulletins")
    def bulletins_township(office_code):
        """The township's current information products (every office with the module on)."""
        offices = enabled_office_ids(services.PLUGIN)
        return [product_out(row) for row in services.current_products(offices)]
