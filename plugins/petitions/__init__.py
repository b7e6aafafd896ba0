"""Petitions (信访): letters, visits, calls and online petitions handled to the statutory limits
of the Regulations on Letters and Visits Work; repeat and collective petitions; written notices;
three-level mediation (三级调处); observed reception sessions (信访旁听); supervision.

"不推、不拖、不积压，件件有着落、事事有结果" — every petition is a core case with a receipt number,
and each stage of its procedure has its own start event and due date from ``core.sla``.
"""

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.kit import Manifest, hookimpl

manifest = Manifest(
    name="petitions",
    title=_l("信访"),
    version="1.0",
    description=_l("信访登记与法定时限、重复信访、书面告知、三级调处、信访旁听、督查统计"),
)


@hookimpl
def register_models():
    """The plugin's tables (parents first)."""
    from plugins.petitions.models import MODELS

    return MODELS


@hookimpl
def publication_fields():
    """Nothing: no petition, petitioner, dispute or reception record is ever published (the
    residents' page shows only the office and the statutory limits). Undeclared models cannot
    reach residents through the gate."""
    return []


@hookimpl
def private_person_fields():
    """Petitioners and the observers of reception sessions who are private persons: their
    names are masked in every office's published text."""
    from core.kit import PersonField
    from plugins.petitions.models import Petitioner, SessionObserver

    return [
        PersonField(Petitioner.name),
        PersonField(SessionObserver.name, public_when="is_public_figure"),
    ]


@hookimpl
def register_migrations():
    """The plugin's own Alembic branch."""
    return Path(__file__).resolve().parent / "migrations" / "versions"


@hookimpl
def case_categories():
    """信访事项 (first instance), 复查 and 复核, with their statutory limits in natural days."""
    from plugins.petitions.cases import categories

    return categories()


@hookimpl
def case_closed(case):
    """Keep a petition in step when its case is closed from the core's case screen."""
    from plugins.petitions.cases import on_case_closed

    on_case_closed(case)


@hookimpl
def register_admin_views():
    """Register, petitions, notices, petitioners, mediation, reception sessions, supervision."""
    from plugins.petitions.admin import admin_views

    return admin_views()


@hookimpl
def dashboard_widgets(user, office_ids):
    """Backlog, overdue and high-risk petitions of the user's offices."""
    from plugins.petitions.widgets import widgets

    return widgets(user, office_ids)


@hookimpl
def supervision_sections(user, office_ids):
    """Backlog, overdue, high-risk, result share and repeat rate per office, on 督办."""
    from plugins.petitions.widgets import supervision_sections as sections

    return sections(user, office_ids)


@hookimpl
def register_public_blueprint():
    """How to petition and where to follow a petition (no petition data is public)."""
    from plugins.petitions.public import bp

    return bp


@hookimpl
def register_schedules():
    """Close review and re-review windows that ran out unused, hourly."""
    from core.kit import Schedule

    return [
        Schedule(
            "petitions.close_lapsed_windows", "plugins.petitions.jobs:close_lapsed_windows", 3600
        )
    ]


@hookimpl
def load_demo_data(offices):
    """Demo petitions, a mediated dispute and an observed reception session."""
    from plugins.petitions.demo import load_demo

    load_demo(offices)
