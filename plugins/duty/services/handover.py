"""Handover reports (交接报告) and the no-banquet pledge.

At the end of a duty the person on duty reports what came in — letters, visits, hotline calls,
each linked to its case where one was opened — before the next working day's start (the
office's opening hour on the official calendar's next working day). Filing needs the person's
no-banquet pledge for the rota period (the month of the duty day), confirmed once per period.
"""

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.kit import Case, db, local_datetime, next_working_day, utc_now
from plugins.duty.errors import DutyError
from plugins.duty.models import DutyAssignment, DutyPledge, HandoverItem, HandoverReport
from plugins.duty.services.after_hours import office_hours

KINDS = {"letter": _l("来信"), "visit": _l("来访"), "call": _l("来电")}


def due_at(assignment: DutyAssignment) -> datetime:
    """When the report is due: the office's opening on the next working day after the duty."""
    start, _end = office_hours(assignment.office_id)
    return local_datetime(next_working_day(assignment.day + timedelta(days=1)), start)


def period_of(day: date) -> str:
    """The rota period of a duty day: its month, "YYYY-MM"."""
    return f"{day:%Y-%m}"


def has_pledged(office_id: int, user_id: int, period: str) -> bool:
    """True when the person confirmed the no-banquet pledge for the period."""
    return (
        db.session.scalar(
            select(DutyPledge.id).where(
                DutyPledge.office_id == office_id,
                DutyPledge.user_id == user_id,
                DutyPledge.period == period,
            )
        )
        is not None
    )


def pledge(assignment: DutyAssignment, user_id: int) -> DutyPledge:
    """The person on duty confirms the no-banquet rule for the duty day's period (once)."""
    if assignment.user_id != user_id:
        raise DutyError(_("只有当日值班人员本人可以作出承诺。"))
    period = period_of(assignment.day)
    if has_pledged(assignment.office_id, user_id, period):
        raise DutyError(_("您已确认本期承诺。"))
    record = DutyPledge(office_id=assignment.office_id, user_id=user_id, period=period)
    db.session.add(record)
    return record


def report_for(assignment: DutyAssignment) -> HandoverReport | None:
    """The duty day's report, if one was started."""
    return db.session.scalar(
        select(HandoverReport).where(HandoverReport.assignment_id == assignment.id)
    )


def _editable_report(assignment: DutyAssignment, user_id: int) -> HandoverReport:
    if assignment.user_id != user_id:
        raise DutyError(_("只有当日值班人员本人可以填写交接报告。"))
    report = report_for(assignment)
    if report is None:
        report = HandoverReport(
            office_id=assignment.office_id,
            assignment=assignment,
            user_id=user_id,
            day=assignment.day,
        )
        db.session.add(report)
    if report.filed_at is not None:
        raise DutyError(_("交接报告已提交，不能再修改。"))
    return report


def add_item(
    assignment: DutyAssignment, user_id: int, *, kind: str, summary: str, receipt_no: str | None
) -> HandoverItem:
    """Add a letter, visit or call to the duty day's report, linked to its case by receipt no."""
    if kind not in KINDS:
        raise DutyError(_("请选择来信、来访或来电。"))
    summary = (summary or "").strip()
    if not summary:
        raise DutyError(_("请填写事项摘要。"))
    case = None
    if receipt_no and receipt_no.strip():
        case = db.session.scalar(
            select(Case).where(
                Case.receipt_no == receipt_no.strip(), Case.office_id == assignment.office_id
            )
        )
        if case is None:
            raise DutyError(_("本单位没有受理编号为 %(no)s 的案件。", no=receipt_no.strip()))
    report = _editable_report(assignment, user_id)
    item = HandoverItem(kind=kind, summary=summary[:2000], case=case)
    report.items.append(item)
    return item


def file_report(assignment: DutyAssignment, user_id: int) -> HandoverReport:
    """File the report (an empty one says nothing came in); needs the period's pledge."""
    if not has_pledged(assignment.office_id, user_id, period_of(assignment.day)):
        raise DutyError(_("请先确认本期值班不接受群众宴请的承诺。"))
    report = _editable_report(assignment, user_id)
    report.filed_at = utc_now()
    return report


def overdue(
    office_ids, now: datetime | None = None, *, days_back: int = 31
) -> list[DutyAssignment]:
    """Staffed duty days whose report was not filed by its due time (the last ``days_back``)."""
    now = now or utc_now()
    since = (now - timedelta(days=days_back)).date()
    rows = db.session.scalars(
        select(DutyAssignment)
        .where(
            DutyAssignment.office_id.in_(list(office_ids)),
            DutyAssignment.user_id.is_not(None),
            DutyAssignment.day >= since,
            DutyAssignment.day < now.date() + timedelta(days=1),
        )
        .order_by(DutyAssignment.day)
    )
    filed = set(
        db.session.scalars(
            select(HandoverReport.assignment_id).where(
                HandoverReport.office_id.in_(list(office_ids)), HandoverReport.filed_at.is_not(None)
            )
        )
    )
    return [a for a in rows if a.id not in filed and due_at(a) <= now]


def on_time(report: HandoverReport | None, assignment: DutyAssignment) -> bool:
    """True when the report was filed by its due time."""
    return bool(report and report.filed_at and report.filed_at <= due_at(assignment))
