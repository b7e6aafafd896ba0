"""Supervision figures: backlog per office (积压), share with a recorded result, repeat rate,
overdue and high-risk lists, and the monthly report rows.

"件件有着落、事事有结果": a petition has a result when a written reply was given or
acceptance was refused in writing. Repeats are counted as repeats, never as new matters.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select

from core.kit import Office, db, local_datetime, local_today, utc_now
from plugins.petitions.models import (
    FINAL_STAGES,
    PENDING_STAGES,
    Petition,
    PetitionStep,
    RiskLevel,
    Stage,
)


@dataclass
class OfficeFigures:
    """One office's figures for a period (backlog and overdue are as of now)."""

    office: Office
    registered: int = 0
    repeats: int = 0
    with_result: int = 0
    collective: int = 0
    skip_level: int = 0
    backlog: int = 0
    overdue: int = 0
    high_risk: int = 0

    @property
    def repeat_rate(self) -> float | None:
        total = self.registered + self.repeats
        return self.repeats / total if total else None

    @property
    def result_share(self) -> float | None:
        return self.with_result / self.registered if self.registered else None


def _local_start(day: date) -> datetime:
    return local_datetime(day, time.min)


def _has_result():
    return or_(Petition.result.is_not(None), Petition.stage == Stage.NOT_ACCEPTED)


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def office_figures(
    office_ids: set[int], start: date | None = None, end: date | None = None
) -> list[OfficeFigures]:
    """Figures per office for registrations received in [start, end) (all time without)."""
    if not office_ids:
        return []
    offices = {
        o.id: o
        for o in db.session.scalars(
            select(Office)
            .where(Office.id.in_(sorted(office_ids)))
            .order_by(Office.sort_order, Office.code)
        )
    }
    figures = {oid: OfficeFigures(office) for oid, office in offices.items()}
    period = [Petition.office_id.in_(sorted(office_ids))]
    if start is not None:
        period.append(Petition.received_at >= _local_start(start))
    if end is not None:
        period.append(Petition.received_at < _local_start(end))
    original = Petition.repeat_of_id.is_(None)
    rows = db.session.execute(
        select(
            Petition.office_id,
            _count(original),
            _count(~original),
            _count(and_(original, _has_result())),
            _count(Petition.collective),
            _count(Petition.skip_level),
        )
        .where(*period)
        .group_by(Petition.office_id)
    )
    for office_id, registered, repeats, with_result, collective, skip in rows:
        f = figures[office_id]
        f.registered, f.repeats, f.with_result = registered, repeats, with_result
        f.collective, f.skip_level = collective, skip
    moment = utc_now()
    pending = Petition.stage.in_(PENDING_STAGES)
    rows = db.session.execute(
        select(
            Petition.office_id,
            _count(pending),
            _count(and_(pending, Petition.due_at < moment)),
            _count(
                and_(Petition.hidden_risk == RiskLevel.HIGH, Petition.stage.not_in(FINAL_STAGES))
            ),
        )
        .where(Petition.office_id.in_(sorted(office_ids)))
        .group_by(Petition.office_id)
    )
    for office_id, backlog, overdue, high in rows:
        f = figures[office_id]
        f.backlog, f.overdue, f.high_risk = backlog, overdue, high
    return list(figures.values())


def current_counts(office_ids: set[int]) -> tuple[int, int, int]:
    """(backlog, overdue, open high-risk) over the offices, in one query (for the dashboard)."""
    if not office_ids:
        return 0, 0, 0
    pending = Petition.stage.in_(PENDING_STAGES)
    row = db.session.execute(
        select(
            _count(pending),
            _count(and_(pending, Petition.due_at < utc_now())),
            _count(
                and_(Petition.hidden_risk == RiskLevel.HIGH, Petition.stage.not_in(FINAL_STAGES))
            ),
        ).where(Petition.office_id.in_(sorted(office_ids)))
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def totals(figures: list[OfficeFigures]) -> OfficeFigures:
    """The sum over offices (``office`` left None)."""
    total = OfficeFigures(office=None)
    for f in figures:
        for name in (
            "registered",
            "repeats",
            "with_result",
            "collective",
            "skip_level",
            "backlog",
            "overdue",
            "high_risk",
        ):
            setattr(total, name, getattr(total, name) + getattr(f, name))
    return total


def overdue_petitions(office_ids: set[int], limit: int = 200) -> list[Petition]:
    """Petitions whose current stage is past its due date, longest overdue first."""
    if not office_ids:
        return []
    return list(
        db.session.scalars(
            select(Petition)
            .where(
                Petition.office_id.in_(sorted(office_ids)),
                Petition.stage.in_(PENDING_STAGES),
                Petition.due_at < utc_now(),
            )
            .order_by(Petition.due_at, Petition.id)
            .limit(limit)
        )
    )


def risk_petitions(office_ids: set[int], limit: int = 200) -> list[Petition]:
    """Open petitions with a medium or high hidden risk, highest first (隐患排查台账)."""
    if not office_ids:
        return []
    rows = db.session.scalars(
        select(Petition)
        .where(
            Petition.office_id.in_(sorted(office_ids)),
            Petition.hidden_risk.in_((RiskLevel.HIGH, RiskLevel.MEDIUM)),
            Petition.stage.not_in(FINAL_STAGES),
        )
        .order_by(Petition.risk_set_at.desc(), Petition.id.desc())
        .limit(limit)
    )
    return sorted(rows, key=lambda p: p.hidden_risk != RiskLevel.HIGH)


MONTHLY_HEADERS = (
    "月份",
    "单位",
    "新登记",
    "重复信访",
    "重复率(%)",
    "集体访",
    "越级访",
    "受理",
    "不予受理",
    "按期答复",
    "超期答复",
    "有处理结果",
    "月末积压",
)


def monthly_headers() -> list[str]:
    """Column titles of the monthly report (translated)."""
    return [_(h) for h in MONTHLY_HEADERS]


def monthly_rows(office_ids: set[int], year: int) -> list[list]:
    """One row per month and office of ``year`` (months not yet begun are left out)."""
    if not office_ids:
        return []
    offices = list(
        db.session.scalars(
            select(Office)
            .where(Office.id.in_(sorted(office_ids)))
            .order_by(Office.sort_order, Office.code)
        )
    )
    year_end = _local_start(date(year + 1, 1, 1))
    petitions = db.session.execute(
        select(
            Petition.office_id,
            Petition.received_at,
            Petition.repeat_of_id,
            Petition.collective,
            Petition.skip_level,
            Petition.accepted,
            Petition.decided_at,
            Petition.replied_at,
            Petition.result,
            Petition.stage,
        ).where(Petition.office_id.in_(sorted(office_ids)), Petition.received_at < year_end)
    ).all()
    handled = db.session.execute(
        select(PetitionStep.office_id, PetitionStep.ended_at, PetitionStep.overdue).where(
            PetitionStep.office_id.in_(sorted(office_ids)),
            PetitionStep.stage == Stage.HANDLING,
            PetitionStep.ended_at.is_not(None),
            PetitionStep.ended_at >= _local_start(date(year, 1, 1)),
            PetitionStep.ended_at < year_end,
        )
    ).all()
    today = local_today()
    rows = []
    for month in range(1, 13):
        first = date(year, month, 1)
        if first > today:
            break
        start = _local_start(first)
        end = _local_start(date(year + (month == 12), month % 12 + 1, 1))
        for office in offices:
            mine = [p for p in petitions if p.office_id == office.id]
            in_month = [p for p in mine if start <= p.received_at < end]
            new = [p for p in in_month if p.repeat_of_id is None]
            repeats = len(in_month) - len(new)
            decided = [p for p in mine if p.decided_at and start <= p.decided_at < end]
            steps = [s for s in handled if s.office_id == office.id and start <= s.ended_at < end]
            backlog = 0
            for p in mine:
                if p.repeat_of_id is not None or p.received_at >= end:
                    continue
                finished = (
                    p.replied_at if p.accepted else (p.decided_at if p.accepted is False else None)
                )
                if finished is None or finished >= end:
                    backlog += 1
            rate = round(100 * repeats / len(in_month), 1) if in_month else 0.0
            rows.append(
                [
                    f"{year}-{month:02d}",
                    office.name,
                    len(new),
                    repeats,
                    rate,
                    sum(1 for p in in_month if p.collective),
                    sum(1 for p in in_month if p.skip_level),
                    sum(1 for p in decided if p.accepted),
                    sum(1 for p in decided if p.accepted is False),
                    sum(1 for s in steps if not s.overdue),
                    sum(1 for s in steps if s.overdue),
                    sum(1 for p in new if p.result is not None or p.stage == Stage.NOT_ACCEPTED),
                    backlog,
                ]
            )
    return rows
