"""Issue 13, finding 1 and the ?leader= hole: what residents get of reception days goes
through the core's publication gate.

Staff type a reception day's place and note and a cancellation's reason; residents read them on
the schedule, the day page, the home page, calendar.ics and the JSON API. A resident's phone or
ID number, or the full name of a resident the records know, typed there must reach none of
them; the office's own landline may stand in the place and the note. ``?leader=`` must not
print the name of an account that holds no reception day of the office.
"""

import pytest
from icalendar import Calendar
from reception_helpers import (  # noqa: F401
    make_day,
    resident,
    working_day_after,
)
from support import post, text_of

from core.extensions import db
from core.models import Role
from plugins.reception.services import booking, changes

MOBILE, MOBILE_STARRED = "13912345678", "139****5678"
ID_NUMBER = "110101199003071234"
CALLER_MOBILE = "13987654321"
LANDLINE = "0571-88001234"  # the office's own number: may stand where the office writes
RESIDENT, RESIDENT_MASKED = "李建国", "李某"
PLANTED = (MOBILE, ID_NUMBER, CALLER_MOBILE, RESIDENT)


@pytest.fixture(name="planted")
def planted_fixture(app, reception_on, users):
    """Office A: a day whose place and note carry a resident's mobile and an ID number next to
    the office landline, and a cancelled day whose reason names a resident the records know
    (he booked before) with his mobile. Returns (day id, cancelled day id)."""
    with app.app_context():
        earlier = make_day(reception_on["A"], users["leader"], working_day_after(3))
        booking.book(earlier.slots[0].id, resident(RESIDENT, "13800138000"))
        day = make_day(
            reception_on["A"],
            users["leader"],
            working_day_after(7),
            place=f"镇政府一楼接待室（联系手机 {MOBILE}）",
        )
        day.note = f"咨询电话 {LANDLINE}；请带身份证 {ID_NUMBER}"
        cancelled = make_day(reception_on["A"], users["leader"], working_day_after(14))
        changes.cancel_day(
            cancelled, reason=f"{RESIDENT}（{CALLER_MOBILE}）来电反映后改期", actor_id=None
        )
        db.session.commit()
        return day.id, cancelled.id


def _assert_clean(text: str, where: str):
    for value in PLANTED:
        assert value not in text, f"{value} published on {where}"


def test_schedule_and_day_pages_mask_place_note_and_reason(client, planted):
    day_id, cancelled_id = planted
    index = text_of(client.get("/o/A/reception/"))
    _assert_clean(index, "the schedule")
    assert MOBILE_STARRED in index and LANDLINE in index and RESIDENT_MASKED in index
    for page_id in (day_id, cancelled_id):
        page = client.get(f"/o/A/reception/day/{page_id}")
        assert page.status_code == 200
        _assert_clean(text_of(page), f"day {page_id}")
    closed = text_of(client.get(f"/o/A/reception/day/{cancelled_id}"))
    assert "该接待日已取消" in closed and RESIDENT_MASKED in closed
    _assert_clean(text_of(client.get("/")), "the home page")


def test_booking_a_cancelled_day_answers_with_the_masked_reason(app, client, planted):
    _day_id, cancelled_id = planted
    with app.app_context():
        from plugins.reception.models import ReceptionDay

        slot_id = db.session.get(ReceptionDay, cancelled_id).slots[0].id
    response = post(
        client,
        f"/o/A/reception/day/{cancelled_id}/book",
        {
            "slot_id": str(slot_id),
            "leader_choice": "duty",
            "name": "张三",
            "phone": "13800138001",
            "matter": "承包地租金",
        },
    )
    assert response.status_code in (400, 409)
    _assert_clean(text_of(response), "the refused booking")


def test_calendar_feed_masks_and_uses_the_public_base_url(app, client, planted):
    response = client.get("/o/A/reception/calendar.ics", headers={"Host": "attacker.example"})
    assert response.status_code == 200
    events = Calendar.from_ical(response.data).walk("VEVENT")
    fields = " ".join(
        str(e.get(k, ""))
        for e in events
        for k in ("summary", "location", "description", "url", "uid")
    )
    _assert_clean(fields, "calendar.ics")
    assert MOBILE_STARRED in fields and LANDLINE in fields and RESIDENT_MASKED in fields
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")
    assert all(str(e["url"]).startswith(base + "/o/A/reception/day/") for e in events)
    assert "attacker.example" not in response.get_data(as_text=True)


def test_api_masks_place_note_and_reason(app, client, planted):
    response = client.get("/api/v1/reception/A/days", headers={"Host": "attacker.example"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    _assert_clean(body, "the API")
    days = {d["id"]: d for d in response.get_json()}
    day_id, cancelled_id = planted
    assert days[day_id]["place"] == f"镇政府一楼接待室（联系手机 {MOBILE_STARRED}）"
    assert LANDLINE in days[day_id]["note"]
    assert RESIDENT_MASKED in days[cancelled_id]["cancel_reason"]
    assert days[day_id]["url"].startswith(app.config["PUBLIC_BASE_URL"].rstrip("/"))
    assert "attacker.example" not in body


def test_leader_filter_resolves_only_leaders_with_days_in_the_office(
    app, client, reception_on, users, make_user
):
    with app.app_context():
        make_day(reception_on["A"], users["leader"])
    hidden = make_user(
        "hidden", Role.LEADER, reception_on["B"], display_name="孙保密", active=False
    )
    staff = make_user("clerk", Role.STAFF, reception_on["A"], display_name="钱文书")
    for other in (hidden, staff, users["admin"], 999999):
        response = client.get(f"/o/A/reception/?leader={other}")
        assert response.status_code in (200, 404)
        body = text_of(response)
        assert "孙保密" not in body and "钱文书" not in body and "的接待日" not in body
    own = text_of(client.get(f"/o/A/reception/?leader={users['leader']}"))
    assert "leader 的接待日" in own
