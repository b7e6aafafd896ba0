"""Redis at a closed port (issue 15, 4): residents register and withdraw, the minutes PDF is
made, and nobody is told "未保存任何更改" after a save — jobs fall back to running in-process."""

import pytest
from hearings_helpers import hold, new_hearing  # noqa: F401
from sqlalchemy import select
from support import post, text_of

from core.extensions import db
from plugins.hearings import services
from plugins.hearings.models import Attendee, AttendeeStatus

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_away(app):
    previous = app.config.get("REDIS_URL")
    app.config["REDIS_URL"] = CLOSED_PORT
    yield
    app.config["REDIS_URL"] = previous


def test_register_withdraw_and_pdf_with_redis_away(app, client, hearings_on, redis_away):
    with app.app_context():
        upcoming = new_hearing(hearings_on["A"], title="自来水改造听证会")
        held = new_hearing(hearings_on["A"], title="村道硬化质询会")
        hold(held)
        services.save_minutes_draft(held, "# 纪要\n\n会议同意村道硬化方案。\n")
        services.publish_minutes(held)
        db.session.commit()
        upcoming_id, held_id = upcoming.id, held.id
    registered = post(
        client,
        f"/o/A/hearings/{upcoming_id}/register",
        {"name": "周桂芳", "phone": "13912345678", "category": "concerned", "village": "西河村"},
    )
    assert registered.status_code == 201, text_of(registered)[:300]
    with app.app_context():
        attendee = db.session.scalar(select(Attendee).where(Attendee.hearing_id == upcoming_id))
        code = attendee.code
    withdrawn = post(client, "/o/A/hearings/registration/withdraw", {"code": code})
    assert withdrawn.status_code == 200
    assert "未保存任何更改" not in text_of(withdrawn) and "您已退出报名" in text_of(withdrawn)
    with app.app_context():
        assert (
            db.session.scalar(select(Attendee.status).where(Attendee.code == code))
            == AttendeeStatus.WITHDRAWN
        )
    pdf = client.get(f"/o/A/hearings/{held_id}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_receipt_lookup_and_public_pages_with_redis_away(app, client, hearings_on, redis_away):
    lookup = post(client, "/cases/", {"receipt": "ABC-DEF-GHJK"})
    assert lookup.status_code == 404 and "回执号" in text_of(lookup)
    for url in ("/", "/o/A/", "/o/A/hearings/", "/o/A/staff", "/o/A/limits", "/api/v1/offices"):
        assert client.get(url).status_code == 200, url
