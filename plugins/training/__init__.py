"""学习培训制度 — training hours: sessions, attendance, self-study, notes, techniques, and
monthly/yearly compliance against the rulebook's numbers (see ``rules`` for the readings)."""

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.kit import Manifest, hookimpl

manifest = Manifest(
    name="training",
    title=_l("学习培训"),
    version="1.0",
    description=_l(
        "集中培训与村集中学习、考勤签到、自学学时、学习笔记、实用技术，按月按年核对达标情况。"
    ),
)


@hookimpl
def register_models():
    """The training tables (settings, people, sessions, attendance, logs, notes, techniques)."""
    from plugins.training.models import MODELS

    return MODELS


@hookimpl
def register_migrations():
    """The plugin's own Alembic branch."""
    return str(Path(__file__).resolve().parent / "migrations" / "versions")


@hookimpl
def register_admin_views():
    """Record screens, then the compliance table, the hours chart and the settings."""
    from plugins.training.admin import admin_views

    return admin_views()


@hookimpl
def dashboard_widgets(user, office_ids):
    """This month's self-study: how many people have reached the requirement, and the
    signed-in cadre's own hours."""
    from plugins.training.widgets import widgets

    return widgets(user, office_ids)


@hookimpl
def load_demo_data(offices):
    """Cadres and Party members, sessions with attendance, logs, notes and techniques for the
    demo government office and village."""
    from plugins.training.demo import load_demo

    load_demo(offices)
