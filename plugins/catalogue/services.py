"""The catalogue's rules: what a matter must say before residents read it, and how residents
find matters (per office, township-wide, by search)."""

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import load_only, selectinload

from core.kit import db, effective_limit, enabled_office_ids, get_category
from plugins.catalogue.errors import CatalogueError
from plugins.catalogue.models import Place, ServiceMatter

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


def create_matter(office_id: int, *, name: str, category_code: str, place=Place.HALL,
                  legal_basis: str = "", handled_by: str = "", documents: str = "",
                  fee=None, fee_basis: str = "", steps: str = "") -> ServiceMatter:
    """Add a matter to the office's list (validated; the caller commits)."""
    matter = ServiceMatter(office_id=office_id, name=name, category_code=category_code,
                           place=Place(place), legal_basis=legal_basis, handled_by=handled_by,
                           documents=documents, fee=fee, fee_basis=fee_basis, steps=steps,
                           listed=True)
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


def listed_matters(office_ids, query: str = "", limit: int | None = None, *,
                   summary: bool = False):
    """Listed matters of these offices (those with the module on), by office and name; with
    ``query``, those whose name, documents or handling post contain it. ``summary`` loads only
    what a list shows (name, place, fee), not the long texts."""
    wanted = set(office_ids) & set(enabled_office_ids(PLUGIN))
    stmt = (select(ServiceMatter).where(ServiceMatter.office_id.in_(wanted),
                                        ServiceMatter.listed.is_(True))
            .options(selectinload(ServiceMatter.office))
            .order_by(ServiceMatter.office_id, ServiceMatter.name, ServiceMatter.id))
    query = (query or "").strip()[:50]
    if query:
        like = f"%{query}%"
        stmt = stmt.where(or_(ServiceMatter.name.like(like), ServiceMatter.documents.like(like),
                              ServiceMatter.handled_by.like(like)))
    if summary:
        stmt = stmt.options(load_only(ServiceMatter.id, ServiceMatter.office_id,
                                      ServiceMatter.name, ServiceMatter.place, ServiceMatter.fee,
                                      ServiceMatter.listed))
    if limit:
        stmt = stmt.limit(limit)
    return db.session.scalars(stmt).all()
