"""信息反馈, 工作备忘, 工作日志 — information work of the township (issue 19).

The activity office sets reporting stages and each village reports at least three instructive
activity items per stage (short villages are listed at the end and reminded before it); the
work memo keeps important service matters and reports to the city or province with their
responsible person and time limit (the core's deadline engine, supervision colours) and a
printable sheet per office; cadres sent to villages keep a daily work log, checked by the
township, with working days without a log counted per cadre and month. The duty person's
handover report stays in the duty module (linked, not duplicated). Nothing here is public.
"""

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.kit import Manifest, hookimpl

manifest = Manifest(
    name="worklog",
    title=_l("信息反馈与工作日志"),
    version="1.0",
    description=_l(
        "分阶段信息反馈（每村每阶段至少三条）、工作备忘及督办、驻村干部工作日志及审阅。"
    ),
)


@hookimpl
def register_models():
    """Stages, feedback reports, memo items and notes, the cadres' roster, work logs."""
    from plugins.worklog.models import MODELS

    return MODELS


@hookimpl
def register_migrations():
    """The plugin's own Alembic branch."""
    return str(Path(__file__).resolve().parent / "migrations" / "versions")


@hookimpl
def publication_fields():
    """Nothing of the module is published; the declarations withhold every field."""
    from plugins.worklog.publication import declarations

    return declarations()


@hookimpl
def private_person_fields():
    """The household a work log names is a private person's: masked wherever published."""
    from plugins.worklog.publication import person_fields

    return person_fields()


@hookimpl
def register_admin_views():
    """The desk and the lists."""
    from plugins.worklog.admin import admin_views

    return admin_views()


@hookimpl
def dashboard_widgets(user, office_ids):
    """Memo items past their limit (red when any)."""
    from plugins.worklog.widgets import widgets

    return widgets(user, office_ids)


@hookimpl
def supervision_sections(user, office_ids):
    """Feedback per village this year, memo items by colour, this month's work logs."""
    from plugins.worklog.widgets import supervision

    return supervision(user, office_ids)


@hookimpl
def register_schedules():
    """Hourly reminders to villages short at a stage nearing its end."""
    from plugins.worklog.jobs import schedules

    return schedules()


@hookimpl
def load_demo_data(offices):
    """A stage with the villages' reports, memo items, two cadres and their logs."""
    from plugins.worklog.demo import load_demo

    load_demo(offices)
