"""延时办理 — seven-day service and after-hours duty (issue 17).

Window offices rotate staff so that every rest day on the official calendar (weekends and
statutory holidays, not the make-up working days) has someone on duty: a rota rule generates
the assignments, swaps are recorded, and a rest day with nobody on duty is shown in red on the
office's screen and on the dashboard a week ahead. Residents see who is on duty today and the
office's duty phone. A case registered outside office hours or on a rest day is counted as
after-hours service for the person on duty.
"""

from flask_babel import lazy_gettext as _l

from core.kit import Manifest, hookimpl

manifest = Manifest(
    name="duty",
    title=_l("延时办理"),
    version="1.0",
    description=_l(
        "双休日与节假日值班轮换、缺岗提醒、今日值班公示、下班后和休息日受理的案件统计。"
    ),
)


@hookimpl
def case_opened(case):
    """Mark a case registered outside office hours or on a rest day as after-hours service."""
    from plugins.duty.services.after_hours import on_case_opened

    on_case_opened(case)
