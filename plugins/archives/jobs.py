"""Background work of the archives module: reminders for loans due soon or overdue.

The job takes only JSON values and is idempotent: each reminder's dedupe key names the loan
and the day, so running it every hour sends each person at most one reminder per loan a day.
"""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import (
    Schedule,
    acting_as,
    db,
    local_day,
    local_today,
    notify,
    offices_with,
    utc_now,
    working_days_between,
)
from plugins.archives import access
from plugins.archives.models import Loan, LoanStatus
from plugins.archives.services.lending import loan_colour, loan_url

REMINDER_EVERY_SECONDS = 3600


def _recipients(loan: Loan) -> set[int]:
    people = {loan.borrower_id, loan.handed_out_by_id}
    keeper = access.keeper_of(loan.office_id)
    if keeper is not None:
        people.add(keeper.id)
    return {p for p in people if p}


def remind_due_loans(now_iso: str | None = None) -> int:
    """Periodic: remind borrower and keepers of loans turning yellow (due within a working
    day or the last fifth of the period) or red (overdue). Returns how many loans were due a
    reminder. ``now_iso`` stands in for the current time (tests)."""
    now = datetime.fromisoformat(now_iso) if now_iso else utc_now()
    offices = offices_with(access.PLUGIN)
    if not offices:
        return 0
    today = local_today(now)
    loans = db.session.scalars(
        select(Loan).where(Loan.status == LoanStatus.OUT, Loan.office_id.in_(offices))
    ).all()
    reminded = 0
    with acting_as("job:archives_reminders"):
        for loan in loans:
            tone = loan_colour(loan, now)
            if tone not in ("yellow", "red"):
                continue
            due_day = local_day(loan.due_at)
            facts = dict(
                title=loan.file.title,
                no=loan.file.catalogue_no,
                who=loan.borrower_label,
                due=due_day.isoformat(),
            )
            if tone == "red":
                title = _("借阅档案已逾期")
                body = _(
                    "《%(title)s》（%(no)s），借阅人 %(who)s，应于 %(due)s 归还，已逾期 %(n)d 个工作日，请尽快归还。",
                    n=max(working_days_between(due_day, today), 0),
                    **facts,
                )
            else:
                title = _("借阅档案即将到期")
                body = _("《%(title)s》（%(no)s），借阅人 %(who)s，应于 %(due)s 前归还。", **facts)
            for user_id in _recipients(loan):
                notify(
                    user_id,
                    title,
                    body,
                    url=loan_url(loan),
                    dedupe_key=f"archives:due:{loan.id}:{today.isoformat()}",
                )
            reminded += 1
        db.session.commit()
    return reminded


def schedules() -> list:
    """The module's periodic work: hourly reminders of loans due soon or overdue."""
    return [
        Schedule(
            "archives.due_reminders",
            "plugins.archives.jobs:remind_due_loans",
            REMINDER_EVERY_SECONDS,
        )
    ]
