"""Background work of the duty module (each job takes no arguments and is idempotent).

- ``handover_reminders``: a duty day whose handover report was not filed before the next
  working day's start reminds the person on duty and their office head(s) (the office
  admins). Each notification carries a dedupe key, so a retried run notifies nobody twice.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import Role, Schedule, User, db, format_local_date, notify, offices_with
from plugins.duty.services.handover import overdue

PLUGIN = "duty"


def schedules() -> list[Schedule]:
    """Handover reminders, hourly."""
    return [Schedule("duty.handover_reminders", "plugins.duty.jobs:handover_reminders", 3600)]


def office_heads(office_id: int) -> list[int]:
    """The active office admins (单位负责人) of the office."""
    return list(
        db.session.scalars(
            select(User.id).where(
                User.office_id == office_id, User.role == Role.OFFICE_ADMIN, User.active.is_(True)
            )
        )
    )


def handover_reminders(now=None) -> int:
    """Notify the person and the office head of every overdue report (as of ``now``, default
    the current time); returns the duty days."""
    offices = offices_with(PLUGIN)
    if not offices:
        return 0
    late = overdue(offices, now)
    for assignment in late:
        url = f"/admin/duty/day/{assignment.id}"
        day = format_local_date(assignment.day)
        notify(
            assignment.user_id,
            _("值班交接报告未按时提交"),
            _("您 %(day)s 的值班交接报告应在下一个工作日上班前提交，请尽快填写。", day=day),
            url=url,
            dedupe_key=f"duty:handover:{assignment.id}",
        )
        for head in office_heads(assignment.office_id):
            if head != assignment.user_id:
                notify(
                    head,
                    _("值班交接报告逾期"),
                    _(
                        "%(name)s %(day)s 的值班交接报告未按时提交。",
                        name=assignment.user.display_name,
                        day=day,
                    ),
                    url=url,
                    dedupe_key=f"duty:handover-head:{assignment.id}",
                )
    db.session.commit()
    return len(late)
