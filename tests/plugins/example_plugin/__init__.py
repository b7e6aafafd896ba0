"""A small plugin used by the tests to prove the plugin contract end to end (not shipped)."""

from flask import Blueprint, g, url_for
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel
from sqlalchemy import select

from core.kit import (
    PERSON,
    PUBLIC,
    TEXT,
    WITHHELD,
    HomeSection,
    Manifest,
    OfficeScopedModelView,
    PersonField,
    Text,
    Widget,
    db,
    declare,
    hookimpl,
    render_public,
    withdrawn_clause,
)
from example_plugin.models import ExampleNote

manifest = Manifest(name="example", title=_l("示例模块"), version="1.0")

bp = Blueprint("example_public", __name__, template_folder="templates")


@bp.route("/")
def index():
    notes = db.session.scalars(select(ExampleNote).where(ExampleNote.office_id == g.office.id))
    return render_public("example/index.html", office=g.office, notes=list(notes))


class ExampleNoteView(OfficeScopedModelView):
    column_list = ("title", "office", "phone")
    column_searchable_list = ("title",)
    form_columns = ("title", "office", "phone")
    personal_data_columns = ("phone",)


class NoteOut(BaseModel):
    title: Text


@hookimpl
def publication_fields():
    return [
        declare(
            ExampleNote,
            {"id": PUBLIC, "title": TEXT, "office": PUBLIC, "author": PERSON, "phone": WITHHELD},
            withdrawable=True,
            kind_label="示例笔记",
        )
    ]


@hookimpl
def private_person_fields():
    return [PersonField(ExampleNote.author)]


CHANGED: list[int] = []  # ids the published_record_changed hook was told about (tests read it)


@hookimpl
def published_record_changed(record):
    if isinstance(record, ExampleNote):
        CHANGED.append(record.id)


@hookimpl
def register_models():
    return [ExampleNote]


@hookimpl
def register_admin_views():
    return [ExampleNoteView(ExampleNote, db, name="Notes", endpoint="notes")]


@hookimpl
def register_public_blueprint():
    return bp


@hookimpl
def public_home_sections(offices):
    return [
        HomeSection(
            title="示例",
            items=[
                (o.name, url_for("example_public.index", office_code=o.code), "") for o in offices
            ],
        )
    ]


@hookimpl
def register_api(api):
    @api.route("/example/<office_code>/notes", list[NoteOut])
    def notes(office_code):
        """Notes of one office."""
        rows = db.session.scalars(
            select(ExampleNote).where(
                ExampleNote.office_id == g.office.id, withdrawn_clause(ExampleNote)
            )
        )
        return [{"title": n.title} for n in rows]


def file_note(note: ExampleNote, security: str = "public"):
    """Offer a note to whatever archive the office keeps (the ``file_record`` hook), without
    knowing which plugin keeps it; returns the catalogue number, or None where none does."""
    from core.kit import RecordToFile, file_record

    return file_record(
        RecordToFile(
            office_id=note.office_id,
            source_type="example_note",
            source_id=str(note.id),
            title=note.title,
            year=2026,
            access=security,
            url=f"/o/{note.office.code}/example/",
            activity="示例活动",
        )
    )


@hookimpl
def load_demo_data(offices):
    """One note for each demo office that has the module on; only what is missing."""
    from core.kit import is_enabled

    for office in offices.values():
        if not is_enabled("example", office.id):
            continue
        exists = db.session.scalar(
            select(ExampleNote).where(
                ExampleNote.office_id == office.id, ExampleNote.title == "示例笔记"
            )
        )
        if exists is None:
            db.session.add(ExampleNote(office_id=office.id, title="示例笔记", phone="13800000000"))


@hookimpl
def dashboard_widgets(user, office_ids):
    count = db.session.scalar(
        select(db.func.count())
        .select_from(ExampleNote)
        .where(ExampleNote.office_id.in_(office_ids))
    )
    return [Widget(title="示例笔记", value=count)]
