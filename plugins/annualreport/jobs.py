"""Background work of the annual report (each job takes no arguments and is idempotent).

``reminders`` runs daily. About last year's report:

- in the last ten working days before 31 January, an office (not the township itself) whose
  report is not yet reported to the township reminds its admins; after 31 January, a late
  notice goes to them and to the township admins;
- in the last ten working days before 31 March, an office whose report is not published
  reminds its admins; after 31 March, a late notice.

Each notification carries a dedupe key, so each is sent once per office, year and stage.
"""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import (
    Office,
    OfficeKind,
    Role,
    Schedule,
    User,
    db,
    local_today,
    notify,
    offices_with,
    working_days_between,
)
from plugins.annualreport.models import AnnualReport

PLUGIN = "annualreport"
LEAD_WORKING_DAYS = 10
DESK_URL = "/admin/annualreport/"


def schedules() -> list[Schedule]:
    """The deadline reminders, daily."""
    return [Schedule("annualreport.reminders", "plugins.annualreport.jobs:reminders", 86400)]


def _admins(office_id: int | None = None) -> list[int]:
    """The active admins of an office (office and township admins), or with None the
    township admins."""
    query = select(User.id).where(User.active.is_(True))
    if office_id is None:
        query = query.where(User.role == Role.TOWNSHIP_ADMIN)
    else:
        query = query.where(
            User.office_id == office_id, User.role.in_([Role.OFFICE_ADMIN, Role.TOWNSHIP_ADMIN])
        )
    return list(db.session.scalars(query))


def _stage(today: date, deadline: date) -> str | None:
    """ "soon" within the lead time before ``deadline``, "late" after it, else None."""
    if today > deadline:
        return "late"
    if working_days_between(today, deadline) <= LEAD_WORKING_DAYS:
        return "soon"
    return None


def _send(user_ids, title: str, body: str, key: str) -> int:
    for user_id in set(user_ids):
        notify(user_id, title, body, url=DESK_URL, dedupe_key=f"{key}:{user_id}")
    return len(set(user_ids))


def _submission(office: Office, report, year: int, stage: str) -> int:
    if office.kind == OfficeKind.TOWNSHIP or (report and report.submitted_at):
        return 0
    key = f"annualreport:submit:{stage}:{office.id}:{year}"
    if stage == "soon":
        body = _("请于1月31日前将%(year)s年政府信息公开工作年度报告报送乡镇。", year=year)
        return _send(_admins(office.id), _("年度报告报送提醒"), body, key)
    body = _(
        "%(office)s %(year)s年政府信息公开工作年度报告逾期未报送乡镇。",
        office=office.name,
        year=year,
    )
    return _send(_admins(office.id) + _admins(None), _("年度报告逾期未报送"), body, key)


def _publication(office: Office, report, year: int, stage: str) -> int:
    if report and report.published_at:
        return 0
    key = f"annualreport:publish:{stage}:{office.id}:{year}"
    if stage == "soon":
        body = _("%(year)s年政府信息公开工作年度报告应于3月31日前向社会公布。", year=year)
        return _send(_admins(office.id), _("年度报告公布提醒"), body, key)
    body = _(
        "%(office)s %(year)s年政府信息公开工作年度报告逾期未公布。", office=office.name, year=year
    )
    return _send(_admins(office.id) + _admins(None), _("年度报告逾期未公布"), body, key)


def reminders(today: date | None = None) -> int:
    """Send the due reminders about last year's reports (as of ``today``, default Beijing's
    today); returns the notifications sent."""
    today = today or local_today()
    year = today.year - 1
    submit_stage = _stage(today, date(today.year, 1, 31)) if today.month <= 3 else None
    publish_stage = _stage(today, date(today.year, 3, 31)) if today.month <= 6 else None
    if submit_stage is None and publish_stage is None:
        return 0
    ids = offices_with(PLUGIN)
    offices = db.session.scalars(select(Office).where(Office.id.in_(ids))).all()
    reports = {
        r.office_id: r
        for r in db.session.scalars(
            select(AnnualReport).where(AnnualReport.year == year, AnnualReport.office_id.in_(ids))
        )
    }
    sent = 0
    for office in offices:
        report = reports.get(office.id)
        if submit_stage:
            sent += _submission(office, report, year, submit_stage)
        if publish_stage:
            sent += _publication(office, report, year, publish_stage)
    db.session.commit()
    return sent
