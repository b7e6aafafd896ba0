"""Issue 13 for petitions: nothing of a petition is published, but the masker must know the
petitioners' names (and those of observers who are private persons) so that no office
publishes them in any text; the residents' page goes through the publication gate."""

from petitions_helpers import at, register  # noqa: F401
from sqlalchemy import select
from support import text_of

from core.extensions import db
from core.publication import mask_text
from core.publication.names import PrivateName, rebuild
from plugins.petitions.models import ObserverCategory, ReceptionSession, SessionObserver


def _observer(office_id, category, name):
    session = ReceptionSession(
        office_id=office_id,
        held_at=at(2025, 3, 5),
        place="镇信访接待室",
        host_role="party_secretary",
        host_name="党委书记",
        convenor_name="常务副书记",
    )
    session.observers.append(SessionObserver(office_id=office_id, category=category, name=name))
    db.session.add(session)


def test_petitioners_and_private_observers_are_masked_in_any_published_text(app, petitions_on):
    with app.app_context():
        register(petitions_on["A"], petitioners=[{"name": "赵铁柱", "phone": "13812340000"}])
        _observer(petitions_on["A"], ObserverCategory.RESIDENT_REPRESENTATIVE, "钱秀芳")
        _observer(petitions_on["A"], ObserverCategory.PEOPLES_DEPUTY, "孙振华")
        db.session.commit()
        known = set(db.session.scalars(select(PrivateName.name)))
        assert {"赵铁柱", "钱秀芳"} <= known and "孙振华" not in known
        # Another office's published text naming them: the petitioner and the resident
        # representative become 某, the deputy in a public role may stand.
        shown = mask_text("赵铁柱、钱秀芳反映的问题已由孙振华代表督办。")
        assert "赵铁柱" not in shown and "钱秀芳" not in shown
        assert shown.startswith("赵某、钱某反映")
        # Rebuilding from the records (after an upgrade) finds the same names and no deputy.
        db.session.execute(PrivateName.__table__.delete())
        db.session.commit()
        rebuild()
        assert set(db.session.scalars(select(PrivateName.name))) >= {"赵铁柱", "钱秀芳"}
        assert db.session.scalar(select(PrivateName).where(PrivateName.name == "孙振华")) is None


def test_residents_page_is_rendered_through_the_gate(client, petitions_on):
    page = client.get("/o/A/petitions/")
    assert page.status_code == 200
    assert "凭回执号查询" in text_of(page) and "办理时限" in text_of(page)
