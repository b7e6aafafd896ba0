"""Residents' side: pages only where the module is on, data kept when it is off; search; the
calendar and Atom feeds; the JSON API; the home-page section; no phone anywhere public."""

import re

from hearings_helpers import (
    hold,
    new_hearing,
)
from icalendar import Calendar
from lxml import etree
from sqlalchemy import func, select
from support import text_of

from core.extensions import db
from core.models import Office
from core.modules import set_module
from plugins.hearings import registration, services
from plugins.hearings.models import Attendee, Hearing
from plugins.hearings.registration import Registration

PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def published(
    office_id, title="东桥村土地流转听证会", text="会议讨论了土地流转租金，村民电话 13912345678。"
):
    hearing = new_hearing(office_id, title=title)
    registration.invite(hearing.id, name="王建国", category="npc_deputy", phone="13700001111")
    registration.register(
        hearing.id,
        Registration(
            name="周桂芳", phone="13912345678", category="concerned", consent_public_name=True
        ),
    )
    db.session.commit()
    hold(hearing)
    services.save_minutes_draft(hearing, text)
    services.publish_minutes(hearing)
    db.session.commit()
    return hearing


def test_module_off_answers_404_and_keeps_the_data(app, client, hearings_on, users):
    with app.app_context():
        hearing_id = published(hearings_on["A"]).id
    urls = [
        "/o/A/hearings/",
        f"/o/A/hearings/{hearing_id}",
        "/o/A/hearings/minutes",
        "/o/A/hearings/calendar.ics",
        "/o/A/hearings/minutes.atom",
        f"/api/v1/hearings/A/{hearing_id}",
        "/api/v1/hearings/A",
    ]
    assert all(client.get(u).status_code == 200 for u in urls)
    with app.app_context():
        set_module("hearings", db.session.get(Office, hearings_on["A"]), False)
        db.session.commit()
    assert all(client.get(u).status_code == 404 for u in urls)
    with app.app_context():
        assert db.session.get(Hearing, hearing_id) is not None
        assert db.session.scalar(select(func.count()).select_from(Attendee)) == 2
        set_module("hearings", db.session.get(Office, hearings_on["A"]), True)
        db.session.commit()
    assert "东桥村土地流转听证会" in text_of(client.get(f"/o/A/hearings/{hearing_id}"))


def test_other_offices_and_drafts_are_not_public(app, client, hearings_on):
    with app.app_context():
        draft = new_hearing(hearings_on["A"], announce=False).id
        announced = new_hearing(hearings_on["A"]).id
    assert client.get(f"/o/A/hearings/{draft}").status_code == 404
    assert client.get(f"/o/B/hearings/{announced}").status_code == 404  # module off at B
    assert client.get(f"/api/v1/hearings/A/{draft}").status_code == 404


def test_hook_register_public_blueprint_lists_upcoming_with_places(app, client, hearings_on):
    with app.app_context():
        new_hearing(hearings_on["A"], title="西河村村道硬化质询会", capacity=7)
    page = text_of(client.get("/o/A/hearings/"))
    assert "近期听证会" in page and "西河村村道硬化质询会" in page and "剩余名额 7 个" in page


def test_minutes_search_finds_words_of_the_text(app, client, hearings_on):
    with app.app_context():
        published(hearings_on["A"])
        published(hearings_on["A"], title="新街社区停车位听证会", text="讨论停车位收费。")
    found = text_of(client.get("/o/A/hearings/minutes?q=租金"))
    assert "东桥村土地流转听证会" in found and "停车位" not in found
    assert "停车位听证会" in text_of(client.get("/o/A/hearings/minutes?q=停车"))
    assert "没有找到会议纪要" in text_of(client.get("/o/A/hearings/minutes?q=100%25_"))


def test_no_phone_number_reaches_any_public_page_or_feed(app, client, hearings_on):
    with app.app_context():
        hearing_id = published(hearings_on["A"]).id
    for url in [
        "/o/A/hearings/",
        f"/o/A/hearings/{hearing_id}",
        "/o/A/hearings/minutes",
        f"/o/A/hearings/{hearing_id}/minutes/v1",
        "/o/A/hearings/minutes.atom",
        "/o/A/hearings/calendar.ics",
        f"/api/v1/hearings/A/{hearing_id}",
        "/api/v1/hearings/A",
        "/",
    ]:
        body = client.get(url).get_data(as_text=True)
        assert not PHONE.search(body), url


def test_calendar_feed_has_one_event_per_hearing(app, client, hearings_on):
    with app.app_context():
        upcoming = new_hearing(hearings_on["A"], title="西河村村道硬化质询会")
        cancelled = new_hearing(hearings_on["A"], title="停车位听证会")
        services.cancel(cancelled, "方案撤回")
        db.session.commit()
        upcoming_start = upcoming.starts_at
    response = client.get("/o/A/hearings/calendar.ics")
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == 2
    event = next(e for s, e in events.items() if "村道硬化" in s)
    assert int(event.decoded("dtstart").timestamp()) == int(upcoming_start.timestamp())
    assert str(event["location"]) == "西河村村委会会议室"
    assert any(str(e.get("status")) == "CANCELLED" for e in events.values())


def test_atom_feed_lists_each_published_version(app, client, hearings_on):
    with app.app_context():
        hearing = published(hearings_on["A"])
        services.save_minutes_draft(hearing, "更正后的纪要。")
        services.publish_minutes(hearing, correction_note="更正笔误")
        db.session.commit()
    response = client.get("/o/A/hearings/minutes.atom")
    assert response.mimetype == "application/atom+xml"
    root = etree.fromstring(response.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [t.text for t in root.findall("a:entry/a:title", ns)]
    assert len(titles) == 2 and any("第 2 版更正" in t for t in titles)
    assert titles[0].endswith("（第 2 版更正）")  # newest first


def test_hook_register_api_serves_published_data_masked(app, client, hearings_on):
    with app.app_context():
        hearing_id = published(hearings_on["A"]).id
    data = client.get(f"/api/v1/hearings/A/{hearing_id}").get_json()
    assert data["status"] == "minutes_published" and data["minutes"][0]["number"] == 1
    # Markdown source with the stars escaped, so the HTML shows them (not emphasis).
    assert r"139\*\*\*\*5678" in data["minutes"][0]["markdown"]
    assert "139****5678" in data["minutes"][0]["html"]
    names = {a["name"] for a in data["attendees"]}
    assert names == {"王建国", "周某"}
    listing = client.get("/api/v1/hearings/A").get_json()
    assert [h["id"] for h in listing] == [hearing_id]
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/hearings/{office_code}/{hearing_id}" in spec["paths"]


def test_hook_public_home_sections_shows_upcoming_hearings(app, client, hearings_on):
    with app.app_context():
        new_hearing(hearings_on["A"], title="西河村村道硬化质询会")
    home = text_of(client.get("/"))
    assert "群众听证质询" in home and "西河村村道硬化质询会" in home


def test_hook_dashboard_widgets_count_upcoming_hearings(app, client, hearings_on, login_as):
    with app.app_context():
        new_hearing(hearings_on["A"])
    login_as("staff_a")
    page = text_of(client.get("/admin/"))
    assert "待举行的听证会" in page and "纪要逾期未公开" in page


def test_residents_pages_are_chinese_and_need_no_javascript(app, client, hearings_on):
    with app.app_context():
        hearing_id = published(hearings_on["A"]).id
    for url in ["/o/A/hearings/", f"/o/A/hearings/{hearing_id}", "/o/A/hearings/registration"]:
        body = client.get(url).get_data(as_text=True)
        assert "<script" not in body and 'lang="zh-CN"' in body


def test_a_draft_cancelled_before_announcement_never_becomes_public(app, client, hearings_on):
    with app.app_context():
        draft = new_hearing(hearings_on["A"], announce=False, title="未公告即取消的听证会")
        services.cancel(draft, "议题已由村民会议解决")
        db.session.commit()
        draft_id = draft.id
    assert client.get(f"/o/A/hearings/{draft_id}").status_code == 404
    assert "未公告即取消" not in text_of(client.get("/o/A/hearings/"))
    assert client.get("/api/v1/hearings/A").get_json() == []


def test_deleting_the_modules_data_for_an_office_removes_every_row(app, hearings_on):
    from core.modules import delete_office_data, office_data_counts

    with app.app_context():
        published(hearings_on["A"])
        counts = {m.__tablename__: n for m, n in office_data_counts("hearings", hearings_on["A"])}
        assert counts["hearing"] == 1 and counts["hearing_attendee"] == 2
        assert counts["hearing_minutes"] == 1 and counts["hearing_message"] >= 1
        delete_office_data("hearings", db.session.get(Office, hearings_on["A"]))
        db.session.commit()
        assert all(n == 0 for _m, n in office_data_counts("hearings", hearings_on["A"]))
