"""Background work of the worklog module (each job takes no arguments and is idempotent).

- ``stage_reminders``: from ``remind_days`` working days before a feedback stage ends, every
  village below the stage's minimum is reminded (its office head, else its staff), once per
  stage and village (the dedupe key), through the core's notifications.
"""

from flask_babel import gettext as _

from core.kit import Schedule, db, format_local_date, local_today, notify, offices_with
from plugins.worklog.services import feedback

PLUGIN = "worklog"
DESK_URL = "/admin/worklog"


def schedules() -> list[Schedule]:
    """Stage reminders, hourly."""
    return [Schedule("worklog.stage_reminders", "plugins.worklog.jobs:stage_reminders", 3600)]


def stage_reminders(now=None) -> int:
    """Remind the villages short at every stage in its reminder window (as of ``now``);
    returns how many (stage, village) pairs were reminded."""
    offices = offices_with(PLUGIN)
    if not offices:
        return 0
    today = local_today(now)
    reminded = 0
    for stage in feedback.open_stages(today):
        if not feedback.in_reminder_window(stage, today):
            continue
        for row in feedback.short_villages(stage, offices):
            for user_id in feedback.office_contacts(row.office_id):
                notify(
                    user_id,
                    _("信息反馈条数不足"),
                    _(
                        "%(stage)s 将于 %(day)s 结束，本村已反馈 %(n)d 条，至少应反馈 %(min)d 条。",
                        stage=stage.title,
                        day=format_local_date(stage.ends_on),
                        n=row.count,
                        min=row.minimum,
                    ),
                    url=f"{DESK_URL}/stage/{stage.id}",
                    dedupe_key=f"worklog:stage:{stage.id}:{row.office_id}",
                )
            reminded += 1
    db.session.commit()
    return reminded
