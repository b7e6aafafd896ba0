"""The rules of information work: what an item, a product and a plan must say, the plan's
dates per product line, the colour of a planned release, recording a release (filed in the
office's archive), and what residents may read today (expired items leave by themselves)."""

from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from core.kit import (
    Colour,
    RecordToFile,
    colour,
    db,
    file_record,
    local_datetime,
    local_today,
    next_working_day,
    utc_now,
)
from plugins.bulletins.errors import BulletinError
from plugins.bulletins.models import (
    CHANNELS,
    CollectedItem,
    Cycle,
    InfoProduct,
    Kind,
    PlanEntry,
    Release,
    ReleasePlan,
)

PLUGIN = "bulletins"
SOURCE_TYPE = "bulletin_release"
# Catalogue data, stored once in the archive's language (not the reader's UI language).
ACTIVITY = "信息收集与发布"
RETENTION = "10y"
TITLE_MAX = 200
YEARS = (2000, 2100)
CYCLE_DAYS = {Cycle.WEEKLY: 7, Cycle.MONTHLY: 31, Cycle.QUARTERLY: 92}


def _required(text: str | None, message: str) -> str:
    value = (text or "").strip()
    if not value:
        raise BulletinError(message)
    return value


def validate_item(item: CollectedItem) -> None:
    """A collected item has a title, a collection day and a validity not before it; its
    product, if any, is of the same office."""
    item.title = _required(item.title, _("请填写信息标题。"))
    if item.collected_on is None:
        raise BulletinError(_("请填写收集日期。"))
    if item.valid_until is None:
        raise BulletinError(_("请填写有效期（截止日期）。"))
    if item.valid_until < item.collected_on:
        raise BulletinError(_("有效期不能早于收集日期。"))
    if item.product is not None and item.product.office_id != item.office_id:
        raise BulletinError(_("只能编入本单位的信息产品。"))


def validate_product(product: InfoProduct) -> None:
    """A product has a title and a last day of validity."""
    product.title = _required(product.title, _("请填写信息产品名称。"))
    if product.valid_until is None:
        raise BulletinError(_("请填写信息产品的有效期。"))


def validate_plan(plan: ReleasePlan) -> None:
    """A plan's year is plausible and its release day is in every month (1–28)."""
    if plan.year is None or not YEARS[0] <= plan.year <= YEARS[1]:
        raise BulletinError(_("计划年度须在 2000 至 2100 年之间。"))
    if plan.release_day is None:
        plan.release_day = 10
    if plan.cycle is None:
        plan.cycle = Cycle.MONTHLY
    if not 1 <= plan.release_day <= 28:
        raise BulletinError(_("每期发布日须在 1 至 28 日之间。"))
    with db.session.no_autoflush:  # the plan being created must not find itself
        duplicate = db.session.scalar(
            select(ReleasePlan.id).where(
                ReleasePlan.office_id == plan.office_id,
                ReleasePlan.year == plan.year,
                ReleasePlan.id != (plan.id or 0),
            )
        )
    if duplicate:
        raise BulletinError(_("本单位已有 %(year)d 年度的发布计划。", year=plan.year))


def cycle_dates(plan: ReleasePlan) -> list[date]:
    """The plan's release dates in its year: the release day of each month (monthly) or of
    each quarter's first month, or each week's Monday; moved to the next working day of
    the official calendar when it falls on a rest day."""
    year, cycle = plan.year, plan.cycle or Cycle.MONTHLY
    if cycle == Cycle.WEEKLY:
        first = date(year, 1, 1)
        first += timedelta(days=(7 - first.weekday()) % 7)
        days = [first + timedelta(weeks=n) for n in range(53)]
        days = [d for d in days if d.year == year]
    else:
        months = range(1, 13) if cycle == Cycle.MONTHLY else (1, 4, 7, 10)
        days = [date(year, m, plan.release_day or 10) for m in months]
    moved = [next_working_day(d) for d in days]
    return [d for d in moved if d.year == year]


def generate_entries(plan: ReleasePlan, kind: Kind) -> int:
    """Add the plan's dates for one product line (those missing); returns how many."""
    if plan is None:
        raise BulletinError(_("请选择发布计划。"))
    kind = Kind(kind)
    taken = {e.planned_on for e in plan.entries if e.kind == kind}
    added = 0
    for day in cycle_dates(plan):
        if day not in taken:
            plan.entries.append(PlanEntry(office_id=plan.office_id, kind=kind, planned_on=day))
            added += 1
    db.session.flush()
    return added


def entry_colour(entry: PlanEntry, now: datetime | None = None) -> Colour:
    """The supervision colour of a planned release: closed once released; otherwise the
    core's colours, due at the end of its planned day, over one cycle before it (red once
    the day has passed unreleased, yellow when it is near)."""
    if entry.releases:
        return Colour.CLOSED
    due = local_datetime(entry.planned_on + timedelta(days=1), time(0, 0))
    days = CYCLE_DAYS.get(entry.plan.cycle if entry.plan else None, 31)
    start = local_datetime(entry.planned_on - timedelta(days=days), time(0, 0))
    return colour(now or utc_now(), start, due)


def plan_entries(office_ids, year: int) -> list[PlanEntry]:
    """The planned releases of these offices in ``year``, by date."""
    return list(
        db.session.scalars(
            select(PlanEntry)
            .join(ReleasePlan, ReleasePlan.id == PlanEntry.plan_id)
            .where(PlanEntry.office_id.in_(list(office_ids)), ReleasePlan.year == year)
            .options(selectinload(PlanEntry.releases), selectinload(PlanEntry.plan))
            .order_by(PlanEntry.planned_on, PlanEntry.kind)
        )
    )


def overdue_entries(office_ids, today: date | None = None) -> list[PlanEntry]:
    """Planned releases whose day has passed with no release, oldest first."""
    today = today or local_today()
    return list(
        db.session.scalars(
            select(PlanEntry)
            .where(
                PlanEntry.office_id.in_(list(office_ids)),
                PlanEntry.planned_on < today,
                ~exists().where(Release.entry_id == PlanEntry.id),
            )
            .order_by(PlanEntry.planned_on)
        )
    )


def _check_entry(product: InfoProduct, entry: PlanEntry | None) -> None:
    """The planned date is the product's office's and line's, and not released yet (its row
    locked on PostgreSQL, so a second desk waits and is then refused)."""
    if entry is None:
        return
    if entry.office_id != product.office_id:
        raise BulletinError(_("计划发布日期不属于该产品的单位。"))
    if entry.kind != product.kind:
        raise BulletinError(_("计划发布日期的信息类别与产品不符。"))
    db.session.execute(select(PlanEntry.id).where(PlanEntry.id == entry.id).with_for_update())
    if db.session.scalar(select(Release.id).where(Release.entry_id == entry.id)):
        raise BulletinError(_("该计划发布日期已登记过发布。"))


def record_release(
    product: InfoProduct,
    *,
    released_on: date | None,
    channels,
    audience: str = "",
    entry: PlanEntry | None = None,
) -> Release:
    """Record a release of ``product`` and file it in the office's archive (where an archive
    module is on; its catalogue number is kept). Raises BulletinError with nothing saved."""
    if product is None:
        raise BulletinError(_("请选择信息产品。"))
    if released_on is None:
        raise BulletinError(_("请填写发布日期。"))
    if released_on > local_today():
        raise BulletinError(_("发布日期不能晚于今天。"))
    chosen = [c for c in channels if c in CHANNELS]
    if not chosen:
        raise BulletinError(_("请至少选择一种发布渠道。"))
    _check_entry(product, entry)
    release = Release(
        office_id=product.office_id,
        product=product,
        entry=entry,
        released_on=released_on,
        audience=(audience or "").strip()[:200],
        **{c: c in chosen for c in CHANNELS},
    )
    db.session.add(release)
    try:
        db.session.flush()
    except IntegrityError as exc:  # another desk recorded the same planned date meanwhile
        raise BulletinError(_("该计划发布日期已登记过发布。")) from exc
    release.archive_no = file_release(release)
    return release


def release_title(release: Release) -> str:
    """The archive title: the product's title followed by （信息发布 date）."""
    suffix = f"（信息发布 {release.released_on.isoformat()}）"
    return release.product.title.strip()[: TITLE_MAX - len(suffix)] + suffix


def file_release(release: Release) -> str | None:
    """Offer the release to the office's archive (建好信息发布的档案); the catalogue number,
    or None where no archive takes it. An archive refusing it refuses the release."""
    try:
        return file_record(
            RecordToFile(
                office_id=release.office_id,
                source_type=SOURCE_TYPE,
                source_id=str(release.id),
                title=release_title(release),
                year=release.released_on.year,
                access="public",
                url=f"/o/{release.product.office.code}/bulletins/p/{release.product_id}",
                activity=ACTIVITY,
                retention=RETENTION,
            )
        )
    except ValueError as exc:
        raise BulletinError(_("发布记录未能归档：%(reason)s", reason=str(exc))) from exc


def current_products(office_ids, today: date | None = None, kind: str | None = None):
    """Products residents may read today: released on the residents' pages and still valid
    (an expired product leaves by itself), newest first."""
    today = today or local_today()
    query = (
        select(InfoProduct)
        .where(
            InfoProduct.office_id.in_(list(office_ids)),
            InfoProduct.valid_until >= today,
            exists().where(Release.product_id == InfoProduct.id, Release.web.is_(True)),
        )
        .options(selectinload(InfoProduct.office))
        .order_by(InfoProduct.valid_until.desc(), InfoProduct.id.desc())
        .limit(200)
    )
    if kind in {k.value for k in Kind}:
        query = query.where(InfoProduct.kind == Kind(kind))
    return list(db.session.scalars(query))


def current_product(office_id: int, product_id: int, today: date | None = None):
    """One product residents may read today, or None."""
    if not 0 < product_id < 2**31:
        return None
    rows = [p for p in current_products([office_id], today) if p.id == product_id]
    return rows[0] if rows else None


def current_items(product: InfoProduct, today: date | None = None) -> list[CollectedItem]:
    """The product's items still valid today (an expired item leaves by itself)."""
    today = today or local_today()
    return [item for item in product.items if item.valid_until >= today]


def released_on(product: InfoProduct) -> date | None:
    """The first day the product reached the residents' pages."""
    days = [r.released_on for r in product.releases if r.web]
    return min(days) if days else None
