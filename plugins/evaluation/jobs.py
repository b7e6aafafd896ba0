"""Background work of the evaluation module (each job takes no arguments and is idempotent).

- ``attribute_overdue``: rectification tasks whose case is past its deadline and still open are
  attributed to the handler and, when never followed up, to the supervisor of record; both are
  notified. An attributed task is not attributed again, so a retried run changes nothing.
"""

from flask_babel import gettext as _

from core.kit import Schedule, db, notify, offices_with
from plugins.evaluation.services import rectification

PLUGIN = "evaluation"


def schedules() -> list[Schedule]:
    """Attribution of overdue rectification tasks, every hour."""
    return [
        Schedule("evaluation.attribute_overdue", "plugins.evaluation.jobs:attribute_overdue", 3600)
    ]


def attribute_overdue(now=None) -> int:
    """Attribute newly overdue tasks (as of ``now``) and notify those held responsible."""
    if not offices_with(PLUGIN):
        return 0
    tasks = rectification.attribute_overdue(now)
    for task in tasks:
        url = f"/admin/evaluation-people/task/{task.id}"
        for user_id in {task.attributed_handler_id, task.attributed_supervisor_id} - {None}:
            notify(
                user_id,
                _("整改任务逾期"),
                _(
                    "群众评议整改任务（回执 %(no)s）已超过期限，已记入责任。",
                    no=task.case.receipt_no,
                ),
                url=url,
                dedupe_key=f"evaluation:overdue:{task.id}:{user_id}",
            )
    db.session.commit()
    return len(tasks)
