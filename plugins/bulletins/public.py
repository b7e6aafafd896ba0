"""Residents' information pages (惠民信息), mounted at /o/<office_code>/bulletins/ (404 where
the module is off): the office's and the township's current products by kind, one page per
product with its current items, the Atom feeds and the printable A4 leaflet with a QR code.

Only products released on the residents' pages and still valid are shown, and of them only
the items still valid: an expired one leaves every page, feed and leaflet by itself (the
query compares with today's Beijing date). Everything goes through the publication gate.
"""

from flask import Blueprint, Response, abort, g, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from core.kit import (
    HomeSection,
    enabled_office_ids,
    public_url,
    publish,
    publish_many,
    render_public,
)
from plugins.bulletins import feeds, services
from plugins.bulletins.models import Kind

bp = Blueprint("bulletins_public", __name__, template_folder="templates")
CACHE = {"Cache-Control": "public, max-age=300"}


def _kind() -> str | None:
    value = request.args.get("kind", "")
    return value if value in {k.value for k in Kind} else None


def _rows(products) -> list:
    """(published product, first day on the residents' pages) for each product."""
    return [
        (view, services.released_on(row))
        for row, view in zip(products, publish_many(products), strict=True)
    ]


def _page(products, township: bool):
    kind = _kind()
    return render_public(
        "bulletins/public/index.html",
        office=g.office,
        rows=_rows(products),
        township=township,
        kinds=[(k.value, k.label) for k in Kind],
        kind=kind,
    )


@bp.route("/")
def index():
    """The office's current information products, filterable by kind."""
    return _page(services.current_products([g.office.id], kind=_kind()), township=False)


@bp.route("/township")
def township():
    """The township's current information products: every office with the module on."""
    offices = enabled_office_ids(services.PLUGIN)
    return _page(services.current_products(offices, kind=_kind()), township=True)


def _product_or_404(product_id: int):
    row = services.current_product(g.office.id, product_id)
    if row is None:
        abort(404)
    return row


def _product_url(product_id: int) -> str:
    return public_url("bulletins_public.product", office_code=g.office.code, product_id=product_id)


@bp.route("/p/<int:product_id>")
def product(product_id):
    """One product with its items still valid, a QR code and a link to its leaflet."""
    import segno

    row = _product_or_404(product_id)
    url = _product_url(row.id)
    return render_public(
        "bulletins/public/product.html",
        office=g.office,
        product=publish(row),
        items=publish_many(services.current_items(row)),
        released=services.released_on(row),
        qr=segno.make(url, error="m").svg_data_uri(scale=4, border=2),
        url=url,
    )


@bp.route("/p/<int:product_id>/leaflet.pdf")
def leaflet_pdf(product_id):
    """The product's printable A4 leaflet with a QR code to its page."""
    from plugins.bulletins import leaflet  # reportlab loads on the first leaflet, not at start-up

    row = _product_or_404(product_id)
    body = leaflet.leaflet_pdf(
        publish(g.office),
        publish(row),
        publish_many(services.current_items(row)),
        _product_url(row.id),
    )
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="bulletin-{row.id}.pdf"',
            "Cache-Control": "public, max-age=300",
        },
    )


def _feed(products, title: str, self_endpoint: str, page_endpoint: str) -> Response:
    rows = [
        (view, row.office.name, services.released_on(row))
        for row, view in zip(products, publish_many(products), strict=True)
    ]
    body = feeds.atom(
        title,
        g.office.name,
        rows,
        public_url(self_endpoint, office_code=g.office.code),
        public_url(page_endpoint, office_code=g.office.code),
        lambda p: public_url(
            "bulletins_public.product", office_code=p.office.code, product_id=p.id
        ),
    )
    return Response(body, mimetype="application/atom+xml", headers=CACHE)


@bp.route("/feed.atom")
def feed():
    """Atom feed of the office's current products."""
    return _feed(
        services.current_products([g.office.id]),
        _("%(office)s 惠民信息", office=g.office.name),
        "bulletins_public.feed",
        "bulletins_public.index",
    )


@bp.route("/township.atom")
def township_feed():
    """Atom feed of the township's current products."""
    return _feed(
        services.current_products(enabled_office_ids(services.PLUGIN)),
        _("全镇惠民信息"),
        "bulletins_public.township_feed",
        "bulletins_public.township",
    )


def home_section(offices) -> HomeSection:
    """惠民信息: the township's page, then each office's with how many products are current."""
    products = services.current_products([o.id for o in offices])
    counts: dict[int, int] = {}
    for row in products:
        counts[row.office_id] = counts.get(row.office_id, 0) + 1
    first = min(offices, key=lambda o: (o.parent_id is not None, o.id))
    items = [
        (
            _("全镇惠民信息"),
            url_for("bulletins_public.township", office_code=first.code),
            ngettext("%(num)d 条信息", "%(num)d 条信息", len(products)),
        )
    ]
    items += [
        (
            o.name,
            url_for("bulletins_public.index", office_code=o.code),
            ngettext("%(num)d 条信息", "%(num)d 条信息", counts.get(o.id, 0)),
        )
        for o in offices
    ]
    return HomeSection(title=_("惠民信息"), items=items, order=30)
