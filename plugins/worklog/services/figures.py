"""Figures of the worklog module for the supervision screen, the dashboard and the exports:
the villages' feedback this year against the minimum, memo items by colour per office, and
the cadres' logs this month. A few aggregate queries each (see bench/worklog_bench.py)."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from core.kit import Office, db, local_today, utc_now
from plugins.worklog.models import FeedbackStage, MemoItem
from plugins.worklog.services import feedback, logs, memo


@dataclass
class VillageYear:
    """One village's feedback this year: the open stage's count, stages ended and short."""

    office: str
    current: str
    ended: int
    short: int


@dataclass
class MemoFigures:
    """One office's memo items by colour."""

    office: str
    open: int = 0
    yellow: int = 0
    red: int = 0
    done: int = 0


def village_year(office_ids, today: date | None = None) -> list[VillageYear]:
    """Per village in ``office_ids``: the open stage's items against its minimum, and this
    year's ended stages with how many the village fell short in."""
    today = today or local_today()
    year_stages = list(
        db.session.scalars(
            select(FeedbackStage).where(
                FeedbackStage.ends_on >= date(today.year, 1, 1),
                FeedbackStage.starts_on <= today,
            )
        )
    )
    places = feedback.villages(office_ids)
    got = feedback.counts([s.id for s in year_stages], [o.id for o in places])
    ended = [s for s in year_stages if s.ends_on < today]
    current = [s for s in year_stages if s.ends_on >= today]
    rows = []
    for o in places:
        short = sum(1 for s in ended if got.get((s.id, o.id), 0) < s.min_items)
        now = "；".join(f"{got.get((s.id, o.id), 0)}/{s.min_items}" for s in current) or "—"
        rows.append(VillageYear(o.name, now, len(ended), short))
    return rows


def memo_by_office(office_ids, now: datetime | None = None) -> list[MemoFigures]:
    """Per office: open items, of them yellow and red, and done items."""
    now = now or utc_now()
    offices = db.session.scalars(
        select(Office)
        .where(Office.id.in_(list(office_ids)))
        .order_by(Office.sort_order, Office.code)
    ).all()
    table = {o.id: MemoFigures(o.name) for o in offices}
    items = db.session.execute(
        select(MemoItem.office_id, MemoItem.assigned_on, MemoItem.due_at, MemoItem.done_on).where(
            MemoItem.office_id.in_(list(table))
        )
    )
    for item in items:
        row = table[item.office_id]
        state = memo.item_colour(item, now)
        if state == "closed":
            row.done += 1
            continue
        row.open += 1
        row.yellow += state == "yellow"
        row.red += state == "red"
    return [row for row in table.values() if row.open or row.done]


def logs_this_month(office_ids, today: date | None = None) -> list[logs.CadreMonth]:
    """The cadres' working days of this month with and without a log."""
    today = today or local_today()
    return logs.month_figures(office_ids, today, today)
