"""信息收集与发布 — information collected for residents and released on a plan (issue 19).

Information that helps residents prosper is collected from the internet, television, radio
and newspapers, sorted by kind and timeliness and made into information products; a yearly
plan fitted to the local economy sets the release dates of each product line on a regular
cycle (monthly unless the office sets another); each release records its channels and its
audience and is filed in the office's archive. Residents read the products still valid on
the office's and the township's information pages, an Atom feed, the JSON API and a printable
A4 leaflet with a QR code; planned releases not made on time turn yellow and red.
"""

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.kit import Manifest, hookimpl

manifest = Manifest(
    name="bulletins",
    title=_l("信息收集与发布"),
    version="1.0",
    description=_l(
        "收集市场价格、农业技术、务工就业、政策法规等信息，制成信息产品，按年度计划定期发布并归档。"
    ),
)


@hookimpl
def register_models():
    """Collected items, products, plans, planned dates and releases."""
    from plugins.bulletins.models import MODELS

    return MODELS


@hookimpl
def register_migrations():
    """The plugin's own Alembic branch."""
    return str(Path(__file__).resolve().parent / "migrations" / "versions")


@hookimpl
def publication_fields():
    """Products and items as residents read them (see publication.py)."""
    from plugins.bulletins.publication import declarations

    return declarations()


@hookimpl
def register_admin_views():
    """The release desk (plan with colours), items, products, plans and releases."""
    from plugins.bulletins.admin import admin_views

    return admin_views()


@hookimpl
def dashboard_widgets(user, office_ids):
    """Planned releases overdue (red) or due within days (yellow)."""
    from plugins.bulletins.widgets import widgets

    return widgets(user, office_ids)


@hookimpl
def supervision_sections(user, office_ids):
    """This year's planned, made and overdue releases per office, on 督办."""
    from plugins.bulletins.widgets import supervision

    return supervision(user, office_ids)


@hookimpl
def register_public_blueprint():
    """Residents' information pages, the Atom feed and the A4 leaflet."""
    from plugins.bulletins.public import bp

    return bp


@hookimpl
def public_home_sections(offices):
    """惠民信息: the township's page and each office's."""
    from plugins.bulletins.public import home_section

    return [home_section(offices)]


@hookimpl
def register_api(api):
    """Current products in the public JSON API."""
    from plugins.bulletins.api import register_endpoints

    register_endpoints(api)


@hookimpl
def load_demo_data(offices):
    """A year's plan, collected items, products and releases of the government office."""
    from plugins.bulletins.demo import load_demo

    load_demo(offices)
