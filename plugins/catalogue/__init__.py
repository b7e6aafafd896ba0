"""服务"四限" — the office's published catalogue of service matters (办事指南).

Each office lists the matters it may handle (限事: its powers and their legal basis), each with
the core case category it opens (限时: the limit is the core's), where it is handled and by whom
(限地: at home, the village convenience room, the township hall, or by the township on the
resident's behalf for a county office), the documents the resident brings, the fee (限费: free,
or the published standard with its basis) and the steps. Residents read the 办事指南 per office
and for the whole township, search it, and open one printable page per matter with a QR code.
"""

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.kit import Manifest, hookimpl

manifest = Manifest(
    name="catalogue",
    title=_l("服务四限"),
    version="1.0",
    description=_l(
        "限时、限地、限事、限费：各单位的服务事项清单、办理地点、所需材料、收费标准和办理步骤，公开为办事指南。"
    ),
)


@hookimpl
def register_models():
    """Service matters."""
    from plugins.catalogue.models import MODELS

    return MODELS


@hookimpl
def publication_fields():
    """Matters as residents read them (names, documents, steps and bases masked as office text)."""
    from plugins.catalogue.publication import declarations

    return declarations()


@hookimpl
def register_migrations():
    """The plugin's own Alembic branch."""
    return str(Path(__file__).resolve().parent / "migrations" / "versions")


@hookimpl
def case_registration_refusal(office_id, category, source_type, source_id):
    """不越权: a case the office's list of matters does not cover is refused."""
    from plugins.catalogue.cases import registration_refusal

    return registration_refusal(office_id, category, source_type, source_id)


@hookimpl
def case_closed(case):
    """A case of a matter closed on the core's case screen: its fee record (none entered)."""
    from plugins.catalogue.cases import on_case_closed

    on_case_closed(case)


@hookimpl
def supervision_sections(user, office_ids):
    """Fees per office and every fee override with who approved it, on 督办."""
    from plugins.catalogue.widgets import supervision_sections

    return supervision_sections(user, office_ids)


@hookimpl
def register_admin_views():
    """The matters desk, the list of matters, the places and the liaison officers."""
    from plugins.catalogue.admin import admin_views

    return admin_views()


@hookimpl
def register_public_blueprint():
    """Residents' 办事指南: the office's and the township's, search, one page per matter."""
    from plugins.catalogue.public import bp

    return bp


@hookimpl
def public_home_sections(offices):
    """办事指南: each office's list and the township-wide one."""
    from plugins.catalogue.public import home_section

    return [home_section(offices)]


@hookimpl
def register_api(api):
    """Published matters in the public JSON API."""
    from plugins.catalogue.api import register_endpoints

    register_endpoints(api)


@hookimpl
def load_demo_data(offices):
    """A few matters of the government and a village."""
    from plugins.catalogue.demo import load_demo

    load_demo(offices)
