"""A resident who ticks 人大代表 on the public form is not named in full until staff confirm it."""

from hearings_helpers import (
    hold,
    new_hearing,
)
from sqlalchemy import select
from support import post, text_of

from core.extensions import db
from core.publication import publish
from plugins.hearings import registration, services
from plugins.hearings.models import Attendee, AttendeeSource, MinutesVersion
from plugins.hearings.registration import Registration


def _held_with_self_declared_deputy(office_id):
    hearing = new_hearing(office_id)
    registration.register(
        hearing.id,
        Registration(name="孙自称", phone="13812349999", category="npc_deputy", village="西河村"),
    )
    db.session.commit()
    hold(hearing)
    services.save_minutes_draft(hearing, "# 纪要\n\n人大代表孙自称发言，要求公开账目。\n")
    services.publish_minutes(hearing)
    db.session.commit()
    return hearing.id


def test_self_declared_deputy_is_masked_until_staff_confirm(app, client, hearings_on, login_as):
    with app.app_context():
        hearing_id = _held_with_self_declared_deputy(hearings_on["A"])
        version = db.session.scalar(select(MinutesVersion))
        body = publish(version).body_md
        assert "孙自称" not in body and "孙某" in body
        attendee = db.session.scalar(select(Attendee).where(Attendee.name == "孙自称"))
        assert attendee.source == AttendeeSource.REGISTERED and not attendee.named_in_full
        attendee_id = attendee.id
    page = text_of(client.get(f"/o/A/hearings/{hearing_id}"))
    assert "孙自称" not in page

    login_as("staff_a")
    response = post(
        client,
        "/admin/hearings_attendees/action/",
        {"action": "confirm_public_role", "rowid": str(attendee_id)},
    )
    assert response.status_code == 302
    with app.app_context():
        attendee = db.session.get(Attendee, attendee_id)
        assert attendee.named_in_full and attendee.invited_by_id is not None
    page = text_of(client.get(f"/o/A/hearings/{hearing_id}"))
    assert "孙自称" in page  # on the attendee list, now in full
