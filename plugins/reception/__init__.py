"""领导接待制度、群众预约领导制度 — leaders' reception days and appointments (SPEC P3).

A duty leader receives residents' letters, visits and calls on reception days; each matter is
registered, handed to the responsible office as a core case and supervised to the end.
Residents see the schedule, book a slot and cancel it by code. When the leader asked for is
away, staff fill 《群众预约领导办公卡》; back, the leader visits the resident at home, and the
outcome is registered.
"""

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.kit import Manifest, hookimpl

manifest = Manifest(
    name="reception",
    title=_l("领导接待"),
    version="1.0",
    description=_l(
        "领导接待日排班与调整、群众网上预约、来信来访来电登记交办督办、群众预约领导办公卡与上门走访。"
    ),
)


@hookimpl
def register_models():
    """Rules, days and slots, roster changes, bookings, matters, cards, settings."""
    from plugins.reception.models import MODELS

    return MODELS


@hookimpl
def register_migrations():
    """The plugin's own Alembic branch."""
    return str(Path(__file__).resolve().parent / "migrations" / "versions")


@hookimpl
def publication_fields():
    """Published fields of reception days, slots, a booking by its code (see publication.py)."""
    from plugins.reception.publication import declarations

    return declarations()


@hookimpl
def private_person_fields():
    """Columns holding residents' names, masked in every published text."""
    from plugins.reception.publication import person_fields

    return person_fields()


@hookimpl
def register_admin_views():
    """The desk, the leader's agenda, and the lists."""
    from plugins.reception.admin import admin_views

    return admin_views()


@hookimpl
def register_public_blueprint():
    """Residents' pages: schedule, booking, lookup and cancellation by code, iCalendar."""
    from plugins.reception.public import bp

    return bp


@hookimpl
def public_home_sections(offices):
    """The next reception days of the offices that have the module on."""
    from plugins.reception.public import home_section

    return [home_section(offices)]


@hookimpl
def register_api(api):
    """The reception schedule (no personal data) in the public JSON API."""
    from plugins.reception.api import register_endpoints

    register_endpoints(api)


@hookimpl
def dashboard_widgets(user, office_ids):
    """Today's bookings, cards waiting for a home visit, matters still open."""
    from plugins.reception.widgets import widgets

    return widgets(user, office_ids)


@hookimpl
def load_demo_data(offices):
    """Weekly and monthly reception days, bookings, a past day's register, two cards."""
    from plugins.reception.demo import load_demo

    load_demo(offices)


@hookimpl
def case_categories():
    """The ``reception_matter`` category (10 days, at most 30; see cases.categories)."""
    from plugins.reception.cases import categories

    return categories()


@hookimpl
def case_closed(case):
    """Copy a closed case's outcome onto the matter or card it came from."""
    from plugins.reception.cases import on_case_closed

    on_case_closed(case)


@hookimpl
def register_schedules():
    """Keep the roster expanded ahead; remind leaders of cards awaiting the home visit."""
    from plugins.reception.jobs import schedules

    return schedules()
