"""政务村务公开制度 — the disclosure board and residents' topics (群众点题公开).

A disclosure board (公开栏) at the township government and each village: matters residents
care about — homestead approval, tree felling, marriage registration, relief and subsidies,
finances — disclosed promptly and fully, with their policies, conditions, procedures, time
limits, results, fees, responsible staff and liability, before, during and after a matter
(阳光政务). Residents name a topic they want disclosed; it becomes a core case answered within
half a month (one month with the leader's approval), by a disclosure or a lawful reason.
"""

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.kit import Manifest, hookimpl

manifest = Manifest(
    name="disclosure",
    title=_l("政务村务公开"),
    version="1.0",
    description=_l(
        "公开栏（政策、办事指南、收费、结果、财务、村务、承办人员与违诺责任）、事前事中事后公开、群众点题公开。"
    ),
)


@hookimpl
def register_models():
    """Disclosure items and residents' topics."""
    from plugins.disclosure.models import MODELS

    return MODELS


@hookimpl
def publication_fields():
    """Items and topics as residents may read them (titles, texts, bodies masked)."""
    from plugins.disclosure.publication import declarations

    return declarations()


@hookimpl
def private_person_fields():
    """None of its own: who asked a topic is the core case's applicant, collected by the core."""
    return []


@hookimpl
def register_migrations():
    """The plugin's own Alembic branch."""
    return str(Path(__file__).resolve().parent / "migrations" / "versions")


@hookimpl
def case_categories():
    """The ``disclosure_topic`` category (15 days, at most one month)."""
    from plugins.disclosure.cases import categories

    return categories()


@hookimpl
def case_closed(case):
    """A topic's case closed on the core's case screen: the topic is answered with it."""
    from plugins.disclosure.cases import on_case_closed

    on_case_closed(case)


@hookimpl
def register_admin_views():
    """The disclosure desk, the items and the topics."""
    from plugins.disclosure.admin import admin_views

    return admin_views()


@hookimpl
def register_public_blueprint():
    """Residents' pages: the board, an item, the 点题 form and its receipt."""
    from plugins.disclosure.public import bp

    return bp


@hookimpl
def public_home_sections(offices):
    """政务村务公开: each office's board."""
    from plugins.disclosure.public import home_section

    return [home_section(offices)]


@hookimpl
def register_api(api):
    """Published items and finished topics in the public JSON API (no personal data)."""
    from plugins.disclosure.api import register_endpoints

    register_endpoints(api)


@hookimpl
def dashboard_widgets(user, office_ids):
    """Topics waiting for an answer, and how many are overdue."""
    from plugins.disclosure.widgets import widgets

    return widgets(user, office_ids)


@hookimpl
def supervision_sections(user, office_ids):
    """Open, overdue, answered and declined topics and board items per office, on 督办."""
    from plugins.disclosure.widgets import supervision_sections

    return supervision_sections(user, office_ids)


@hookimpl
def load_demo_data(offices):
    """A government board with items and topics, a village's finance statement."""
    from plugins.disclosure.demo import load_demo

    load_demo(offices)
