"""延时办理 — seven-day service and after-hours duty (issue 17).

Window offices rotate staff so that every rest day on the official calendar (weekends and
statutory holidays, not the make-up working days) has someone on duty: a rota rule generates
the assignments, swaps are recorded, and a rest day with nobody on duty is shown in red on the
office's screen and on the dashboard a week ahead. Residents see who is on duty today and the
office's duty phone. A case registered outside office hours or on a rest day is counted as
after-hours service for the person on duty.
"""

from pathlib import Path

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
def register_models():
    """Rules, assignments, swaps, after-hours cases."""
    from plugins.duty.models import MODELS

    return MODELS


@hookimpl
def register_migrations():
    """The plugin's own Alembic branch."""
    return str(Path(__file__).resolve().parent / "migrations" / "versions")


@hookimpl
def publication_fields():
    """Published fields of the rota (see publication.py)."""
    from plugins.duty.publication import declarations

    return declarations()


@hookimpl
def register_admin_views():
    """The rota screen (值班表)."""
    from plugins.duty.admin import admin_views

    return admin_views()


@hookimpl
def register_public_blueprint():
    """Residents' page: who is on duty today and the office's duty phone."""
    from plugins.duty.public import bp

    return bp


@hookimpl
def dashboard_widgets(user, office_ids):
    """Rest days in the coming week with nobody on duty (red when any)."""
    from plugins.duty.widgets import widgets

    return widgets(user, office_ids)


@hookimpl
def supervision_sections(user, office_ids):
    """Coverage of rest days per office this month, after-hours cases per person."""
    from plugins.duty.widgets import supervision

    return supervision(user, office_ids)


@hookimpl
def case_opened(case):
    """Mark a case registered outside office hours or on a rest day as after-hours service."""
    from plugins.duty.services.after_hours import on_case_opened

    on_case_opened(case)


@hookimpl
def register_schedules():
    """Hourly reminders of handover reports not filed before the next working day's start."""
    from plugins.duty.jobs import schedules

    return schedules()


@hookimpl
def load_demo_data(offices):
    """A rota rule and eight weeks of assignments for the first window office."""
    from plugins.duty.demo import load_demo

    load_demo(offices)
