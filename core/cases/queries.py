"""Read-side queries of the case register: the list page, supervision figures, reports.

The list never counts the table and never sorts it: every filter combination is served by an
index whose order is the list's order, and pages are taken with a keyset cursor ("after this
deadline and id"), or — when someone jumps straight to page N — by an index-only subquery of
ids (a deferred join), so deep pages do not read the rows they skip.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, case, func, literal, or_, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import load_only

from core import permissions
from core.cases.models import (
    FINISHED_STATUSES,
    Case,
    CaseMonthStat,
    CaseOffice,
    CaseStatus,
    Channel,
    is_active_sql,
)
from core.extensions import db
from core.models import Office, Role, User, utcnow
from core.sla import Colour
from core.time import LOCAL_ZONE, as_utc, to_local

COLOURS = tuple(c.value for c in Colour)
LIST_COLUMNS = (
    Case.id,
    Case.receipt_no,
    Case.office_id,
    Case.category,
    Case.channel,
    Case.subject,
    Case.applicant_name,
    Case.applicant_phone,
    Case.status,
    Case.accepted_at,
    Case.due_at,
    Case.warn_at,
    Case.paused_since,
    Case.handler_id,
    Case.closed_at,
    Case.due_uncovered,
    Case.step_due_at,
    Case.step_started_at,
    Case.version,
)


def _at(now: datetime):
    return literal(as_utc(now), type_=Case.due_at.type)


def colour_expr(now: datetime):
    """SQL for ``Case.colour(now)``: a paused case keeps the colour it had when paused."""
    moment = func.coalesce(Case.paused_since, _at(now))
    return case(
        (Case.status.in_(FINISHED_STATUSES), Colour.CLOSED.value),
        (Case.due_at < moment, Colour.RED.value),
        (Case.warn_at <= moment, Colour.YELLOW.value),
        else_=Colour.GREEN.value,
    )


def colour_condition(colour: str, now: datetime):
    """WHERE clause selecting the cases of one colour at ``now`` (a paused case keeps the
    colour it had when paused). Written so that the deadline is a range on the partial index
    of active cases."""
    if colour == "closed":
        return Case.status.in_(FINISHED_STATUSES)
    at = _at(now)
    running, paused = Case.paused_since.is_(None), Case.paused_since.is_not(None)
    if colour == "red":
        # paused_since is never after now, so "due before the pause" implies "due before now".
        return and_(
            is_active_sql(), Case.due_at < at, or_(running, Case.due_at < Case.paused_since)
        )
    if colour == "yellow":
        return and_(
            is_active_sql(),
            or_(
                and_(running, Case.due_at >= at, Case.warn_at <= at),
                and_(paused, Case.due_at >= Case.paused_since, Case.warn_at <= Case.paused_since),
            ),
        )
    return and_(
        is_active_sql(),
        or_(and_(running, Case.warn_at > at), and_(paused, Case.warn_at > Case.paused_since)),
    )


# --- who sees what ---------------------------------------------------------------------


def list_office_ids(user: User) -> set[int] | None:
    """Offices whose cases fill the user's list; None: every office.

    Township admins and auditors see all; a leader sees their office and the offices below it
    (分管); everyone else their own office.
    """
    allowed = permissions.visible_office_ids(user)
    if allowed is None:
        return None
    if user.role == Role.LEADER:
        return {user.office_id} | descendant_ids(user.office_id)
    return allowed


def descendant_ids(office_id: int) -> set[int]:
    """Ids of the offices below ``office_id`` in the tree."""
    rows = db.session.execute(select(Office.id, Office.parent_id)).all()
    children = defaultdict(list)
    for oid, parent in rows:
        children[parent].append(oid)
    found, stack = set(), list(children[office_id])
    while stack:
        oid = stack.pop()
        if oid not in found:
            found.add(oid)
            stack.extend(children[oid])
    return found


# --- the list page -----------------------------------------------------------------------


@dataclass
class ListFilters:
    """What the list page was asked for (all optional; parsed from the query string)."""

    office_id: int | None = None
    status: str = "active"  # "active" (not yet resolved: the default), "all", or a CaseStatus
    category: str | None = None
    channel: str | None = None
    colour: str | None = None
    tab: str = "office"  # office | out (transferred away) | notified | mine
    receipt: str | None = None
    q: str | None = None
    sort: str = "due"  # due (deadline first) | -accepted (newest first)

    def as_args(self) -> dict:
        """The filters as query-string arguments (defaults left out)."""
        args = {
            "office": self.office_id,
            "status": None if self.status == "active" else self.status,
            "category": self.category,
            "channel": self.channel,
            "colour": self.colour,
            "q": self.q or self.receipt,
            "tab": None if self.tab == "office" else self.tab,
            "sort": None if self.sort == "due" else self.sort,
        }
        return {k: v for k, v in args.items() if v not in (None, "")}


@dataclass
class Page:
    """One page of the list: rows, whether more follow, and the cursor to the next page."""

    rows: list
    number: int
    has_next: bool
    next_cursor: str | None
    filters: ListFilters
    extra: dict = field(default_factory=dict)


def _sort_columns(sort: str):
    if sort == "-accepted":
        return (Case.accepted_at, Case.id), True
    return (Case.due_at, Case.id), False


def encode_cursor(row, sort: str) -> str:
    """ "<iso time>_<id>" of the last row shown."""
    moment = row.accepted_at if sort == "-accepted" else row.due_at
    return f"{moment.strftime('%Y%m%dT%H%M%S%f')}_{row.id}"


def decode_cursor(text: str | None) -> tuple[datetime, int] | None:
    """The inverse of ``encode_cursor``; None for anything malformed."""
    if not text:
        return None
    try:
        stamp, _, ident = text.partition("_")
        moment = datetime.strptime(stamp, "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
        return moment, int(ident)
    except ValueError:
        return None


def _tab_conditions(user: User, tab: str | None) -> list:
    """The tab's rows: handled here, sent out, notified, mine — within the user's offices."""
    allowed = list_office_ids(user)
    if tab == "out" and allowed is not None:
        return [Case.first_office_id.in_(allowed), Case.office_id.not_in(allowed)]
    if tab == "notified" and allowed is not None:
        return [
            Case.id.in_(
                select(CaseOffice.case_id).where(
                    CaseOffice.office_id.in_(allowed), CaseOffice.role == "notified"
                )
            )
        ]
    if tab == "mine":
        return [or_(Case.handler_id == user.id, Case.first_responder_id == user.id)]
    return [] if allowed is None else [_office_in(allowed)]


def _text_condition(filters: ListFilters):
    if filters.receipt:
        return Case.receipt_no == filters.receipt
    if filters.q:
        escaped = filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return Case.subject.like(f"%{escaped}%", escape="\\")
    return None


def list_conditions(user: User, filters: ListFilters, now: datetime) -> list:
    """WHERE clauses for the user's list with these filters."""
    conditions = _tab_conditions(user, filters.tab)
    if filters.office_id is not None:
        conditions.append(Case.office_id == filters.office_id)
    if filters.status == "active":
        conditions.append(is_active_sql())
    elif filters.status != "all":
        conditions.append(Case.status == filters.status)
    if filters.category:
        conditions.append(Case.category == filters.category)
    if filters.channel:
        conditions.append(Case.channel == filters.channel)
    if filters.colour in COLOURS:
        conditions.append(colour_condition(filters.colour, now))
    text = _text_condition(filters)
    return conditions if text is None else [*conditions, text]


def _office_in(allowed: set[int]):
    # One office compares with "=", so the planner sees the (office_id, …, due_at) index.
    if len(allowed) == 1:
        return Case.office_id == next(iter(allowed))
    return Case.office_id.in_(sorted(allowed))


def list_page(
    user: User,
    filters: ListFilters,
    *,
    page: int = 1,
    after: str | None = None,
    page_size: int = 100,
    now: datetime | None = None,
) -> Page:
    """One page of the user's case list, ordered by deadline (or newest first)."""
    now = now or utcnow()
    (first, second), descending = _sort_columns(filters.sort)
    conditions = list_conditions(user, filters, now)
    order = (first.desc(), second.desc()) if descending else (first, second)
    cursor = decode_cursor(after)
    if cursor is not None:
        key = tuple_(first, second)
        bound = tuple_(_at(cursor[0]), literal(cursor[1]))
        conditions.append(key < bound if descending else key > bound)
        ids = select(Case.id).where(*conditions).order_by(*order).limit(page_size + 1)
    else:
        offset = max(page - 1, 0) * page_size
        ids = (
            select(Case.id).where(*conditions).order_by(*order).limit(page_size + 1).offset(offset)
        )
    # Deferred join: the subquery walks the index for ids only; rows are read for one page.
    ids = ids.subquery()
    query = (
        select(Case)
        .join(ids, ids.c.id == Case.id)
        .order_by(*order)
        .options(load_only(*LIST_COLUMNS[1:]))
    )
    rows = list(db.session.scalars(query))
    has_next = len(rows) > page_size
    rows = rows[:page_size]
    return Page(
        rows=rows,
        number=page,
        has_next=has_next,
        next_cursor=encode_cursor(rows[-1], filters.sort) if has_next and rows else None,
        filters=filters,
    )


def export_rows(user: User, filters: ListFilters, limit: int, now: datetime | None = None):
    """The filtered list for an export, at most ``limit`` rows, deadline order."""
    now = now or utcnow()
    (first, second), descending = _sort_columns(filters.sort)
    order = (first.desc(), second.desc()) if descending else (first, second)
    query = (
        select(Case)
        .where(*list_conditions(user, filters, now))
        .order_by(*order)
        .limit(limit)
        .options(load_only(*LIST_COLUMNS[1:], Case.outcome))
    )
    return list(db.session.scalars(query))


# --- supervision -------------------------------------------------------------------------


def colour_counts(office_ids: set[int] | None, now: datetime) -> tuple[dict, dict]:
    """({office_id: {colour: n}}, {category: {colour: n}}) over the active cases in scope,
    from one pass over the partial index of active cases."""
    inner = select(
        Case.office_id.label("office_id"),
        Case.category.label("category"),
        colour_expr(now).label("colour"),
    ).where(is_active_sql())
    if office_ids is not None:
        inner = inner.where(_office_in(office_ids))
    inner = inner.subquery()
    query = select(inner.c.office_id, inner.c.category, inner.c.colour, func.count()).group_by(
        inner.c.office_id, inner.c.category, inner.c.colour
    )
    by_office: dict = defaultdict(lambda: dict.fromkeys(COLOURS[:3], 0))
    by_category: dict = defaultdict(lambda: dict.fromkeys(COLOURS[:3], 0))
    for office_id, category, colour_value, n in db.session.execute(query):
        by_office[office_id][colour_value] += n
        by_category[category][colour_value] += n
    return dict(by_office), dict(by_category)


def month_starts(today: date, months: int) -> list[date]:
    """The first days of the last ``months`` months, oldest first, ending with this one."""
    firsts, year, month = [], today.year, today.month
    for _ in range(months):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(firsts))


def monthly_open_overdue(
    office_ids: set[int] | None, now: datetime, months: int = 6, current: dict | None = None
) -> dict:
    """{office_id: [(month first day, open, overdue)]}: cases open at the end of each of the
    last ``months`` months and how many of them were past their deadline then.

    Finished months come from ``CaseMonthStat`` (computed once, when first needed); the
    current month is "now": pass ``current`` ({office_id: {colour: count}} from ``colour_counts``)
    to reuse figures already counted.
    """
    local_today = to_local(now).date()
    starts = month_starts(local_today, months)
    past = starts[:-1]
    stored = month_stats(past)
    if current is None:
        current = colour_counts(office_ids, now)[0]
    office_set = set(current) | {office for office, _m in stored}
    if office_ids is not None:
        office_set &= set(office_ids)
    result = {}
    for office in office_set:
        series = [(m, *stored.get((office, m), (0, 0))) for m in past]
        now_counts = current.get(office, {})
        series.append((starts[-1], sum(now_counts.values()), now_counts.get("red", 0)))
        result[office] = series
    return result


def month_stats(months: list[date]) -> dict:
    """{(office_id, month): (open, overdue)} for finished months, computing the missing ones."""
    if not months:
        return {}
    rows = db.session.execute(select(CaseMonthStat).where(CaseMonthStat.month.in_(months)))
    stored = {(r.office_id, r.month): (r.open_count, r.overdue_count) for (r,) in rows}
    have = {m for _o, m in stored}
    missing = [m for m in months if m not in have]
    if missing:
        computed = computemonth_stats(missing)
        stored.update(computed)
    return stored


def computemonth_stats(months: list[date]) -> dict:
    """Count open and overdue cases per office at the end of each month and store them
    (a month is stored, for every office, even where it had no cases: zero is a figure too)."""
    ends = [
        datetime.combine(_next_month(m), datetime.min.time(), tzinfo=LOCAL_ZONE) for m in months
    ]
    first = datetime.combine(months[0], datetime.min.time(), tzinfo=LOCAL_ZONE)
    columns = []
    for end in ends:
        at = _at(end)
        is_open = and_(Case.accepted_at < at, or_(Case.closed_at.is_(None), Case.closed_at >= at))
        columns.append(func.sum(case((is_open, 1), else_=0)))
        columns.append(func.sum(case((and_(is_open, Case.due_at < at), 1), else_=0)))
    query = (
        select(Case.office_id, *columns)
        .where(
            Case.accepted_at < _at(ends[-1]),
            or_(Case.closed_at.is_(None), Case.closed_at >= _at(first)),
        )
        .group_by(Case.office_id)
    )
    found = {}
    for row in db.session.execute(query):
        for i, month in enumerate(months):
            found[(row[0], month)] = (int(row[1 + 2 * i] or 0), int(row[2 + 2 * i] or 0))
    offices = db.session.scalars(select(Office.id)).all()
    stamp = utcnow()
    try:
        for office in offices:
            for month in months:
                open_n, overdue_n = found.setdefault((office, month), (0, 0))
                db.session.merge(
                    CaseMonthStat(
                        office_id=office,
                        month=month,
                        open_count=open_n,
                        overdue_count=overdue_n,
                        computed_at=stamp,
                    )
                )
        db.session.commit()
    except IntegrityError:  # another request stored them first: theirs are as good
        db.session.rollback()
    return found


def _next_month(first: date) -> date:
    return date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def overdue_cases(office_ids: set[int] | None, now: datetime, limit: int = 50) -> list[Case]:
    """The most overdue active cases in scope (oldest deadline first)."""
    query = (
        select(Case)
        .where(colour_condition("red", now))
        .order_by(Case.due_at, Case.id)
        .limit(limit)
        .options(load_only(*LIST_COLUMNS[1:]))
    )
    if office_ids is not None:
        query = query.where(_office_in(office_ids))
    return list(db.session.scalars(query))


def overdue_steps(office_ids: set[int] | None, now: datetime, limit: int = 50) -> list[Case]:
    """Transfers not signed for and hand-backs past their own limit."""
    query = (
        select(Case)
        .where(is_active_sql(), Case.step_due_at < _at(now))
        .order_by(Case.step_due_at)
        .limit(limit)
        .options(load_only(*LIST_COLUMNS[1:], Case.step_kind))
    )
    if office_ids is not None:
        query = query.where(_office_in(office_ids))
    return list(db.session.scalars(query))


QUOTA = {Role.LEADER: 10, Role.STAFF: 5}


@dataclass
class QuotaRow:
    """One person's handled matters this year against the annual service quota."""

    user: User
    handled: int
    required: int

    @property
    def short(self) -> int:
        """How many matters the person still lacks this year (0 when the quota is met)."""
        return max(self.required - self.handled, 0)


def annual_quota(office_ids: set[int] | None, year: int) -> list[QuotaRow]:
    """服务承诺: each leader handles ≥ 10 matters a year, each staff member ≥ 5; counted as
    cases resolved in the year with the person as handler. Short first."""
    start = datetime(year, 1, 1, tzinfo=LOCAL_ZONE)
    end = datetime(year + 1, 1, 1, tzinfo=LOCAL_ZONE)
    people = select(User).where(User.active, User.role.in_(tuple(QUOTA)))
    if office_ids is not None:
        people = people.where(User.office_id.in_(office_ids))
    users = list(db.session.scalars(people.order_by(User.office_id, User.id)))
    if not users:
        return []
    # Per person, a range of the (handler_id, closed_at) index: only their own cases are read.
    counts = dict(
        db.session.execute(
            select(Case.handler_id, func.count())
            .where(
                Case.handler_id.in_([u.id for u in users]),
                Case.closed_at >= _at(start),
                Case.closed_at < _at(end),
            )
            .group_by(Case.handler_id)
        ).all()
    )
    rows = [QuotaRow(u, counts.get(u.id, 0), QUOTA[Role(u.role)]) for u in users]
    rows.sort(key=lambda r: (-r.short, r.user.office_id, r.user.id))
    return rows


# --- reports -----------------------------------------------------------------------------


REPORT_DIMENSIONS = {"category": Case.category, "channel": Case.channel, "office": Case.office_id}


@dataclass
class ReportRow:
    """Counts for one category, channel or office in the period."""

    key: object
    total: int = 0
    resolved: int = 0
    on_time: int = 0
    late: int = 0
    active: int = 0
    overdue_open: int = 0


def report(
    dimension: str, office_ids: set[int] | None, start: date, end: date, now: datetime | None = None
) -> list[ReportRow]:
    """Cases accepted in [start, end] (Beijing dates) by category, channel or office."""
    now = now or utcnow()
    column = REPORT_DIMENSIONS[dimension]
    begin = _at(datetime.combine(start, datetime.min.time(), tzinfo=LOCAL_ZONE))
    finish = _at(datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=LOCAL_ZONE))
    finished = Case.status.in_(FINISHED_STATUSES)
    active = is_active_sql()
    query = (
        select(
            column,
            func.count(),
            func.sum(case((finished, 1), else_=0)),
            func.sum(case((and_(finished, Case.closed_at <= Case.due_at), 1), else_=0)),
            func.sum(case((and_(finished, Case.closed_at > Case.due_at), 1), else_=0)),
            func.sum(case((active, 1), else_=0)),
            func.sum(case((colour_condition("red", now), 1), else_=0)),
        )
        .where(Case.accepted_at >= begin, Case.accepted_at < finish)
        .group_by(column)
    )
    if office_ids is not None:
        query = query.where(_office_in(office_ids))
    rows = [
        ReportRow(
            key.value if isinstance(key, Channel | CaseStatus) else key,
            *(int(v or 0) for v in values),
        )
        for key, *values in db.session.execute(query)
    ]
    rows.sort(key=lambda r: -r.total)
    return rows
