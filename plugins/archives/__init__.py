"""档案管理制度 — the office archive and its lending procedure (SPEC P5).

A designated keeper per office; each activity has its own archive (other modules file their
records through the ``file_record`` hook); files are catalogued as 全宗 › 类别 › 案卷 › 件; lending
strictly follows the procedure (借阅手续) — request, approval (a leader too for restricted files),
hand-out and return with the file's condition — and a loss is traced to the borrower and the
keeper. Residents may ask to consult the public records (土地利用资料可查询制度).
"""

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.kit import Manifest, hookimpl

manifest = Manifest(
    name="archives",
    title=_l("档案管理"),
    version="1.0",
    description=_l(
        "档案编目（全宗、类别、案卷、件）、借阅审批、借出归还、逾期提醒、遗失追查和群众查询。"
    ),
)


@hookimpl
def register_models():
    """Settings, fonds, series, files, items, loans, losses and each file's history."""
    from plugins.archives.models import MODELS

    return MODELS


@hookimpl
def register_migrations():
    """The plugin's own Alembic branch."""
    return str(Path(__file__).resolve().parent / "migrations" / "versions")


@hookimpl
def publication_fields():
    """Published fields of public files, their series, settings, a request by reference."""
    from plugins.archives.publication import declarations

    return declarations()


@hookimpl
def private_person_fields():
    """Columns holding residents' names, masked in every published text."""
    from plugins.archives.publication import person_fields

    return person_fields()


@hookimpl
def register_admin_views():
    """The lending desk, the catalogue screens, loans, losses and settings."""
    from plugins.archives.admin import admin_views

    return admin_views()


@hookimpl
def register_public_blueprint():
    """Residents' pages: public records, the consultation request, its status."""
    from plugins.archives.public import bp

    return bp


@hookimpl
def public_home_sections(offices):
    """档案查询: the offices with public records one may ask to consult."""
    from plugins.archives.public import home_section

    return [home_section(offices)]


@hookimpl
def register_api(api):
    """Public records of an office in the public JSON API (no personal data)."""
    from plugins.archives.api import register_endpoints

    register_endpoints(api)


@hookimpl
def dashboard_widgets(user, office_ids):
    """Files out now, overdue loans, requests waiting."""
    from plugins.archives.widgets import widgets

    return widgets(user, office_ids)


@hookimpl
def register_schedules():
    """Hourly reminders to borrowers and keepers of loans due soon or overdue."""
    from plugins.archives.jobs import schedules

    return schedules()


@hookimpl
def file_record(record):
    """Catalogue another module's record in the office's archive (None where switched off)."""
    from plugins.archives.services.catalogue import file_record

    return file_record(record)


@hookimpl
def load_demo_data(offices):
    """A keeper, a catalogue with public, internal and restricted files, and loans in every
    state for the demo offices that have the module on."""
    from plugins.archives.demo import load_demo

    load_demo(offices)
