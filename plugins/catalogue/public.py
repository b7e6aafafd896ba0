"""Residents' 办事指南, mounted at /o/<office_code>/catalogue/ (404 where the module is off).

The office's guide and the township-wide one (every office with the module on), both
searchable and grouped; one page per matter with where it is handled, by whom, what to bring,
the time limit (the core's), the fee and its basis, and the steps — printable, with a QR code
that opens the same page. Every matter reaches the page through the publication gate.
"""

from flask import Blueprint, abort, g, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape
from sqlalchemy import func, select

from core.kit import (
    HomeSection,
    category_title,
    db,
    enabled_office_ids,
    format_local_date,
    public_url,
    publish,
    publish_many,
    render_public,
)
from plugins.catalogue import services
from plugins.catalogue.models import Place, ServiceMatter
from plugins.catalogue.services import PLUGIN

bp = Blueprint("catalogue_public", __name__, template_folder="templates")


def _query() -> str:
    """The search words of the request, trimmed (at most 50 characters)."""
    return (request.args.get("q") or "").strip()[:50]


def _grouped(matters) -> list[tuple]:
    """Matters grouped by office, in office order: [(office, [list row…])…]."""
    groups: dict[int, tuple] = {}
    for row in matters:
        groups.setdefault(row.office_id, (row.office, []))[1].append(row)
    ordered = sorted(groups.values(), key=lambda item: (item[0].code, item[0].id))
    return [(office, _list_rows(office, rows)) for office, rows in ordered]


def _list_rows(office, rows) -> Markup:
    """The list items of these matters, read through the publication gate: each links its
    name to its page, with "place · fee". Labels are translated once per page and the URL
    built once per office, so a township-wide list of hundreds of matters stays fast."""
    places = {place: str(place.label) for place in Place}
    fees: dict = {}
    prefix = url_for("catalogue_public.matter_page", office_code=office.code, matter_id=0)[:-1]
    items = []
    for matter in publish_many(rows):
        fee = matter.fee
        if fee not in fees:
            fees[fee] = fee_text(matter)
        # Every piece escaped here (str.format through Markup costs several times more).
        items.append(
            f'<li><a href="{escape(prefix)}{matter.id}">{escape(matter.name)}</a> '
            f'<span class="c-note">{escape(places[matter.place])} · '
            f"{escape(fees[fee])}</span></li>"
        )
    return Markup("".join(items))


@bp.route("/")
def index():
    """The office's 办事指南, searchable."""
    query = _query()
    rows = _list_rows(g.office, services.listed_matters([g.office.id], query, summary=True))
    return render_public(
        "catalogue/public/index.html",
        office=g.office,
        rows=rows,
        query=query,
        township=False,
        groups=None,
        places=publish_many(services.places_of([g.office.id])),
        liaisons=publish_many(services.liaisons_of([g.office.id]).get(g.office.id, [])),
    )


@bp.route("/township")
def township():
    """The township-wide 办事指南: every office's matters, searchable."""
    query = _query()
    groups = _grouped(services.listed_matters(enabled_office_ids(PLUGIN), query, summary=True))
    return render_public(
        "catalogue/public/index.html",
        office=g.office,
        rows=None,
        query=query,
        township=True,
        groups=groups,
        places=[],
        liaisons=[],
    )


@bp.route("/places")
def places():
    """限地: the township's service hall and every village's convenience room with opening
    hours, and each village's liaison officers."""
    offices = enabled_office_ids(PLUGIN)
    liaisons = services.liaisons_of(offices)
    rows = [
        (publish(place), publish_many(liaisons.get(place.office_id, [])))
        for place in services.places_of(offices)
    ]
    return render_public("catalogue/public/places.html", office=g.office, rows=rows)


def fee_text(matter) -> str:
    """免费, or "20.00 元" — the published standard."""
    return _("免费") if matter.is_free else _("%(fee)s 元", fee=matter.fee)


@bp.route("/matter/<int:matter_id>")
def matter_page(matter_id):
    """One matter's guide page, printable, with a QR code to itself."""
    row = db.session.get(ServiceMatter, matter_id) if matter_id < 2**31 else None
    if row is None or row.office_id != g.office.id or not row.listed:
        abort(404)
    import segno

    url = public_url("catalogue_public.matter_page", office_code=g.office.code, matter_id=row.id)
    qr = segno.make(url, error="m").svg_data_uri(scale=4, border=2)
    matter = publish(row)
    liaisons = (
        services.liaisons_of([row.office_id]).get(row.office_id, [])
        if row.place == Place.HOME
        else []
    )
    return render_public(
        "catalogue/public/matter.html",
        office=g.office,
        matter=matter,
        where=publish(services.place_for(row)),
        liaisons=publish_many(liaisons),
        category=category_title(row.category_code),
        limit=services.limit_text(row),
        documents=services.lines(matter.documents),
        steps=services.lines(matter.steps),
        fee=fee_text(matter),
        qr=qr,
        url=url,
        updated=format_local_date(matter.updated_at),
    )


def home_section(offices) -> HomeSection:
    """办事指南: the township-wide guide, then each office's with how many matters it lists."""
    ids = [o.id for o in offices]
    counts = dict(
        db.session.execute(
            select(ServiceMatter.office_id, func.count())
            .where(ServiceMatter.office_id.in_(ids), ServiceMatter.listed.is_(True))
            .group_by(ServiceMatter.office_id)
        ).all()
    )
    first = min(offices, key=lambda o: (o.parent_id is not None, o.id))
    items = [
        (
            _("全镇办事指南"),
            url_for("catalogue_public.township", office_code=first.code),
            ngettext("%(num)d 个事项", "%(num)d 个事项", sum(counts.values())),
        )
    ]
    items += [
        (
            o.name,
            url_for("catalogue_public.index", office_code=o.code),
            ngettext("%(num)d 个事项", "%(num)d 个事项", counts.get(o.id, 0)),
        )
        for o in offices
    ]
    return HomeSection(title=_("办事指南"), items=items, order=20)
