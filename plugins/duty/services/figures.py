"""Figures of the duty module: rest-day coverage per office per month and after-hours cases
per person, for the supervision screen and the export."""

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from core.kit import Office, User, db, utc_now
from plugins.duty.models import AfterHoursCase
from plugins.duty.services.rota import assignments, rest_days


@dataclass
class Coverage:
    """One office's rest days in a month and how many had someone on duty."""

    office: str
    rest_days: int
    staffed: int

    @property
    def share(self) -> str:
        """The staffed share as a percentage ("—" for a month without rest days)."""
        return f"{100 * self.staffed / self.rest_days:.0f}%" if self.rest_days else "—"


@dataclass
class PersonCount:
    """After-hours cases of one person at one office."""

    office: str
    person: str
    count: int


def month_end(month: date) -> date:
    """The last day of ``month``'s month."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def coverage(office_ids, month: date) -> list[Coverage]:
    """Coverage of each office's rest days in the month of ``month``."""
    start, end = month.replace(day=1), month_end(month)
    days = rest_days(start, end)
    staffed = assignments(office_ids, start, end)
    offices = db.session.scalars(
        select(Office)
        .where(Office.id.in_(list(office_ids)))
        .order_by(Office.sort_order, Office.code)
    )
    return [
        Coverage(
            o.name, len(days), sum(1 for d in days if (a := staffed.get((o.id, d))) and a.user_id)
        )
        for o in offices
    ]


def after_hours_by_person(office_ids, month: date) -> list[PersonCount]:
    """After-hours cases of the month per office and person, most first."""
    start, end = month.replace(day=1), month_end(month)
    rows = db.session.execute(
        select(Office.name, User.display_name, func.count(AfterHoursCase.id))
        .join(Office, Office.id == AfterHoursCase.office_id)
        .outerjoin(User, User.id == AfterHoursCase.user_id)
        .where(
            AfterHoursCase.office_id.in_(list(office_ids)),
            AfterHoursCase.day >= start,
            AfterHoursCase.day <= end,
        )
        .group_by(Office.name, User.display_name)
        .order_by(func.count(AfterHoursCase.id).desc())
    )
    return [PersonCount(o, p or "—", n) for o, p, n in rows]


@dataclass
class HandoverFigures:
    """One office's duty days of a month whose report is due, and how many were on time."""

    office: str
    due: int
    on_time: int

    @property
    def share(self) -> str:
        """The on-time share as a percentage ("—" when no report was due)."""
        return f"{100 * self.on_time / self.due:.0f}%" if self.due else "—"


def handovers(office_ids, month: date, now=None) -> list[HandoverFigures]:
    """Per office: staffed duty days of the month whose report is due by now, and on time."""
    from plugins.duty.models import DutyAssignment, HandoverReport
    from plugins.duty.services.handover import due_at

    now = now or utc_now()
    start, end = month.replace(day=1), month_end(month)
    rows = db.session.execute(
        select(DutyAssignment, HandoverReport)
        .outerjoin(HandoverReport, HandoverReport.assignment_id == DutyAssignment.id)
        .where(
            DutyAssignment.office_id.in_(list(office_ids)),
            DutyAssignment.day >= start,
            DutyAssignment.day <= end,
            DutyAssignment.user_id.is_not(None),
        )
    ).all()
    counts: dict[int, list[int]] = {}
    for assignment, report in rows:
        due = due_at(assignment)
        if due > now:
            continue
        pair = counts.setdefault(assignment.office_id, [0, 0])
        pair[0] += 1
        pair[1] += bool(report and report.filed_at and report.filed_at <= due)
    offices = db.session.scalars(
        select(Office)
        .where(Office.id.in_(list(office_ids)))
        .order_by(Office.sort_order, Office.code)
    )
    return [HandoverFigures(o.name, *counts.get(o.id, [0, 0])) for o in offices]
