"""The catalogue's rules: what a matter must say before residents read it, and how residents
find matters (per office, township-wide, by search)."""

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import load_only, selectinload

from core.kit import db, effective_limit, enabled_office_ids, get_category
from plugins.catalogue.errors import CatalogueError
from plugins.catalogue.models import LiaisonOfficer, Place, ServiceMatter, ServicePlace

PLUGIN = "catalogue"
SEARCH_MAX = 50


def clean_fee(value) -> Decimal | None:
    """A fee in yuan as stored: None for free (empty or 0), else a positive amount in fen."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise CatalogueError(_("收费标准须为金额（元）。")) from None
    if amount < 0:
        raise CatalogueError(_("收费标准不能为负数。"))
    return None if amount == 0 else amount


def validate_matter(matter: ServiceMatter) -> None:
    """Refuse a matter residents could not rely on: no name, an unknown case category (its
    time limit would be unknown), or a fee without the legal basis of its standard."""
    matter.name = (matter.name or "").strip()
    if not matter.name:
        raise CatalogueError(_("请填写事项名称。"))
    if get_category(matter.category_code or "") is None:
        raise CatalogueError(_("请选择事项对应的办件类别（决定办理时限）。"))
    matter.fee = clean_fee(matter.fee)
    matter.fee_basis = (matter.fee_basis or "").strip()
    if matter.fee is not None and not matter.fee_basis:
        raise CatalogueError(_("收费事项须写明收费标准的依据。"))
    if matter.place is None:
        matter.place = Place.HALL
    for field in ("legal_basis", "handled_by", "documents", "steps"):
        setattr(matter, field, (getattr(matter, field) or "").strip())


def create_matter(
    office_id: int,
    *,
    name: str,
    category_code: str,
    place=Place.HALL,
    legal_basis: str = "",
    handled_by: str = "",
    documents: str = "",
    fee=None,
    fee_basis: str = "",
    steps: str = "",
) -> ServiceMatter:
    """Add a matter to the office's list (validated; the caller commits)."""
    matter = ServiceMatter(
        office_id=office_id,
        name=name,
        category_code=category_code,
        place=Place(place),
        legal_basis=legal_basis,
        handled_by=handled_by,
        documents=documents,
        fee=fee,
        fee_basis=fee_basis,
        steps=steps,
        listed=True,
    )
    validate_matter(matter)
    db.session.add(matter)
    return matter


def limit_text(matter) -> str:
    """The matter's time limit as residents read it: the office's published limit for the
    category, else the category's own (the core is the one source of limits)."""
    spec = get_category(matter.category_code)
    if spec is None:
        return ""
    limit = effective_limit(matter.office_id, matter.category_code)
    if limit == spec.limit:
        return spec.describe()
    return limit.describe()


def lines(text: str | None) -> list[str]:
    """A multi-line field (documents, steps) as a list of its non-empty lines."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def listed_matters(office_ids, query: str = "", limit: int | None = None, *, summary: bool = False):
    """Listed matters of these offices (those with the module on), by office and name; with
    ``query``, those whose name, documents or handling post contain it. ``summary`` loads only
    what a list shows (name, place, fee), not the long texts."""
    wanted = set(office_ids) & set(enabled_office_ids(PLUGIN))
    stmt = (
        select(ServiceMatter)
        .where(ServiceMatter.office_id.in_(wanted), ServiceMatter.listed.is_(True))
        .options(selectinload(ServiceMatter.office))
        .order_by(ServiceMatter.office_id, ServiceMatter.name, ServiceMatter.id)
    )
    query = (query or "").strip()[:50]
    if query:
        like = f"%{query}%"
        stmt = stmt.where(
            or_(
                ServiceMatter.name.like(like),
                ServiceMatter.documents.like(like),
                ServiceMatter.handled_by.like(like),
            )
        )
    if summary:
        stmt = stmt.options(
            load_only(
                ServiceMatter.id,
                ServiceMatter.office_id,
                ServiceMatter.name,
                ServiceMatter.place,
                ServiceMatter.fee,
                ServiceMatter.listed,
            )
        )
    if limit:
        stmt = stmt.limit(limit)
    return db.session.scalars(stmt).all()


# --- places and liaison officers (限地) --------------------------------------------------------


def validate_place(place: ServicePlace) -> None:
    """A place is the township's hall or a village's convenience room, with a name."""
    place.name = (place.name or "").strip()
    if not place.name:
        raise CatalogueError(_("请填写场所名称。"))
    if place.kind not in (Place.HALL, Place.VILLAGE):
        raise CatalogueError(_("服务场所只能是乡镇便民服务大厅或村便民服务室。"))
    for field in ("address", "opening_hours", "phone"):
        setattr(place, field, (getattr(place, field) or "").strip())


def validate_liaison(liaison: LiaisonOfficer, office_id: int | None) -> None:
    """A liaison officer is a staff record of the same office, named once."""
    user = liaison.user
    if user is None or office_id is None or user.office_id != office_id:
        raise CatalogueError(_("联络员须是本单位的工作人员。"))
    with db.session.no_autoflush:  # the row being saved may already be in the session
        clash = db.session.scalar(
            select(LiaisonOfficer.id).where(
                LiaisonOfficer.office_id == office_id,
                LiaisonOfficer.user_id == user.id,
                LiaisonOfficer.id != (liaison.id or 0),
            )
        )
    if clash is not None:
        raise CatalogueError(_("该工作人员已是本单位的联络员。"))


def create_place(
    office_id: int,
    *,
    name: str,
    kind=Place.VILLAGE,
    address: str = "",
    opening_hours: str = "",
    phone: str = "",
) -> ServicePlace:
    """Add a service place (validated; the caller commits)."""
    place = ServicePlace(
        office_id=office_id,
        name=name,
        kind=Place(kind),
        address=address,
        opening_hours=opening_hours,
        phone=phone,
    )
    validate_place(place)
    db.session.add(place)
    return place


def add_liaison(office_id: int, user, role) -> LiaisonOfficer:
    """Name a staff member of the office as its liaison officer (the caller commits)."""
    liaison = LiaisonOfficer(office_id=office_id, user=user, role=role)
    validate_liaison(liaison, office_id)
    db.session.add(liaison)
    return liaison


def places_of(office_ids) -> list[ServicePlace]:
    """The service places of these offices (module on): halls first, then by office."""
    wanted = set(office_ids) & set(enabled_office_ids(PLUGIN))
    rows = db.session.scalars(
        select(ServicePlace)
        .where(ServicePlace.office_id.in_(wanted))
        .options(selectinload(ServicePlace.office))
        .order_by(ServicePlace.office_id, ServicePlace.id)
    ).all()
    return sorted(rows, key=lambda p: (p.kind != Place.HALL, p.office.code, p.id))


def liaisons_of(office_ids) -> dict[int, list[LiaisonOfficer]]:
    """Active liaison officers of these offices, by office id."""
    rows = db.session.scalars(
        select(LiaisonOfficer)
        .where(LiaisonOfficer.office_id.in_(list(office_ids)))
        .options(selectinload(LiaisonOfficer.user))
        .order_by(LiaisonOfficer.id)
    ).all()
    grouped: dict[int, list[LiaisonOfficer]] = {}
    for row in rows:
        if row.user is not None and row.user.active:
            grouped.setdefault(row.office_id, []).append(row)
    return grouped


def place_for(matter) -> ServicePlace | None:
    """The place a resident goes to for ``matter``: the office's own room or hall for a
    matter handled there, the township's hall for a county matter (handled on the resident's
    behalf); None when none is published (or for a matter handled at home)."""
    if matter.place == Place.HOME:
        return None
    kind = Place.VILLAGE if matter.place == Place.VILLAGE else Place.HALL
    own = db.session.scalar(
        select(ServicePlace)
        .where(ServicePlace.office_id == matter.office_id, ServicePlace.kind == kind)
        .order_by(ServicePlace.id)
        .limit(1)
    )
    if own is not None or kind != Place.HALL:
        return own
    halls = [p for p in places_of(enabled_office_ids(PLUGIN)) if p.kind == Place.HALL]
    return halls[0] if halls else None
