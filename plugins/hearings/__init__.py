"""群众听证质询制度 — public hearings and inquiries (SPEC P1).

A hearing convened by the Party committee is announced to residents, who register on the
public page; questions raised are answered on the spot or deferred to a tracked core case;
minutes are published with personal data withheld, and follow-up results are fed back.
"""

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.kit import Manifest, hookimpl

manifest = Manifest(
    name="hearings",
    title=_l("群众听证质询"),
    version="1.0",
    description=_l("听证会、质询会的公告、报名、签到、提问答复、纪要公开和结果反馈。"),
)


@hookimpl
def register_models():
    """Hearings, attendees, questions, minutes versions and participant messages."""
    from plugins.hearings.models import MODELS

    return MODELS


@hookimpl
def publication_fields():
    """Every field of a hearing that residents may see, with its privacy class."""
    from plugins.hearings.publication import declarations

    return declarations()


@hookimpl
def private_person_fields():
    """Attendees' and askers' names: masked in all published text from then on."""
    from plugins.hearings.publication import person_fields

    return person_fields()


@hookimpl
def published_record_changed(record):
    """Drop the cached PDF of a minutes version that changed or was withdrawn."""
    from plugins.hearings.publication import record_changed

    record_changed(record)


@hookimpl
def register_migrations():
    """The plugin's own Alembic branch."""
    return str(Path(__file__).resolve().parent / "migrations" / "versions")


@hookimpl
def register_admin_views():
    """The desk and the lists of hearings, attendees, questions and messages."""
    from plugins.hearings.admin import admin_views

    return admin_views()


@hookimpl
def register_public_blueprint():
    """Residents' pages: upcoming hearings, registration, hearing pages, minutes, feeds."""
    from plugins.hearings.public import bp

    return bp


@hookimpl
def public_home_sections(offices):
    """Upcoming hearings and the latest minutes of the offices that have the module on."""
    from plugins.hearings.public import home_section

    return [home_section(offices)]


@hookimpl
def register_api(api):
    """Published hearings, attendees, Q&A and minutes in the public JSON API."""
    from plugins.hearings.api import register_endpoints

    register_endpoints(api)


@hookimpl
def dashboard_widgets(user, office_ids):
    """Upcoming hearings, minutes overdue, follow-ups open."""
    from plugins.hearings.widgets import widgets

    return widgets(user, office_ids)


@hookimpl
def load_demo_data(offices):
    """A held hearing on land transfer with minutes and a deferred question; one upcoming."""
    from plugins.hearings.demo import load_demo

    load_demo(offices)


@hookimpl
def case_categories():
    """The ``hearing_followup`` category (15 working days; see cases.categories)."""
    from plugins.hearings.cases import categories

    return categories()


@hookimpl
def case_closed(case):
    """Publish a closed follow-up case's outcome under its hearing."""
    from plugins.hearings.cases import on_case_closed

    on_case_closed(case)


@hookimpl
def register_schedules():
    """Minutes reminders to organisers (3 and 7 days), and queued messages to participants."""
    from plugins.hearings.jobs import schedules

    return schedules()
