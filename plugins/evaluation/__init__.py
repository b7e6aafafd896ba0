"""社会监督考评 — social supervision and evaluation of offices and cadres (issue 18).

Residents, leaders and colleagues evaluate the cadres of an evaluation campaign; the residents'
view weighs 70 % by default (群众测评分值占70, 称职不称职群众说了算). Residents evaluate on a
public page with a one-time code handed out at the service hall, once per phone per cadre; the
core's case ratings (好差评) of the period count as residents' evaluations of the case's
handler. Closing a campaign computes the weighted results, warns cadres with low residents'
satisfaction (no 评优/晋职/后备干部 that year), flags those residents do not recognise for a
leader's decision on 停职候岗, and turns the problems residents raised into rectification cases
with deadlines, each with a supervisor of record (服务监督制度). Offices' overall results are
published to residents through the publication gate.
"""

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.kit import Manifest, hookimpl

manifest = Manifest(
    name="evaluation",
    title=_l("社会监督考评"),
    version="1.0",
    description=_l(
        "群众评、领导评、互相评（群众评默认占 70%），警示与评优资格、停职候岗决定、"
        "限期整改和监督小组责任、单位考评结果公示。"
    ),
)


@hookimpl
def register_models():
    """Campaigns, evaluations, scores, results, decisions, rectification tasks."""
    from plugins.evaluation.models import MODELS

    return MODELS


@hookimpl
def register_migrations():
    """The plugin's own Alembic branch."""
    return str(Path(__file__).resolve().parent / "migrations" / "versions")


@hookimpl
def publication_fields():
    """Published fields of campaigns, cadres evaluated and office results (publication.py)."""
    from plugins.evaluation.publication import declarations

    return declarations()


@hookimpl
def case_categories():
    """群众评议整改: rectification tasks, 15 working days."""
    from plugins.evaluation.services.rectification import categories

    return categories()


@hookimpl
def register_admin_views():
    """The campaigns desk (考评活动) and the scoring screen (领导评和互评)."""
    from plugins.evaluation.admin import admin_views

    return admin_views()


@hookimpl
def register_public_blueprint():
    """Residents' pages: evaluate cadres of a running campaign, read published results."""
    from plugins.evaluation.public import bp

    return bp


@hookimpl
def register_api(api):
    """Published office results in the JSON API."""
    from plugins.evaluation.api import register_endpoints

    register_endpoints(api)


@hookimpl
def dashboard_widgets(user, office_ids):
    """Running campaigns waiting for the user's scores; overdue rectification tasks."""
    from plugins.evaluation.widgets import widgets

    return widgets(user, office_ids)


@hookimpl
def supervision_sections(user, office_ids):
    """Running campaigns' progress; overdue rectification tasks per supervisor (服务监督)."""
    from plugins.evaluation.widgets import supervision

    return supervision(user, office_ids)


@hookimpl
def register_schedules():
    """Daily attribution of overdue rectification tasks (handler and supervisor)."""
    from plugins.evaluation.jobs import schedules

    return schedules()


@hookimpl
def load_demo_data(offices):
    """A yearly evaluation of the government office's cadres, running, with evaluations."""
    from plugins.evaluation.demo import load_demo

    load_demo(offices)
