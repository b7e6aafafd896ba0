"""The archives demo loads even when another module filed into the archive first."""

from example_plugin import file_note
from example_plugin.models import ExampleNote
from sqlalchemy import func, select

from core.extensions import db
from core.models import Office, Role
from core.modules import set_module
from plugins.archives import demo
from plugins.archives.models import Series


def test_demo_catalogue_loads_after_another_module_filed_a_record(app, offices, make_user):
    make_user("keeper_a", Role.STAFF, offices["A"])
    make_user("leader_a", Role.LEADER, offices["A"])
    with app.app_context():
        office = db.session.get(Office, offices["A"])
        set_module("archives", office, True)
        note = ExampleNote(office_id=office.id, title="先行归档的笔记")
        db.session.add(note)
        db.session.commit()
        file_note(note)
        db.session.commit()
        filed_only = db.session.scalar(
            select(func.count(Series.id)).where(
                Series.office_id == office.id, Series.source_type.is_(None)
            )
        )
        assert filed_only == 0

        demo.load_demo({"A": office})
        db.session.commit()
        own = db.session.scalar(
            select(func.count(Series.id)).where(
                Series.office_id == office.id, Series.source_type.is_(None)
            )
        )
        assert own > 0
        demo.load_demo({"A": office})  # safe to run twice
        db.session.commit()
        assert (
            db.session.scalar(
                select(func.count(Series.id)).where(
                    Series.office_id == office.id, Series.source_type.is_(None)
                )
            )
            == own
        )
