"""Issue 14 item 15: one clear state when the hall and the waiting list are full, invited
attendees' codes and per-row check-in on the desk, check-in only on the hearing's day, the
minutes editor starting from a draft of the record, and single line breaks kept."""

from datetime import UTC, datetime, timedelta

import lxml.html
import pytest
from hearings_helpers import (
    hold,
    new_hearing,
)
from support import post, text_of

from core.extensions import db
from core.kit import LOCAL_ZONE
from plugins.hearings import followups, registration
from plugins.hearings.errors import HearingError
from plugins.hearings.minutes import published_html, resident_html
from plugins.hearings.models import Attendee, Hearing
from plugins.hearings.registration import Registration


def resident(name, phone, consent=False):
    return Registration(
        name=name, phone=phone, category="concerned", village="西河村", consent_public_name=consent
    )


# --- full hall and waiting list ----------------------------------------------------------


def test_full_hall_and_waiting_list_show_one_message_and_no_form(app, client, hearings_on):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"], capacity=1, waitlist=1)
        registration.register(hearing.id, resident("张三", "13800000001"))
        registration.register(hearing.id, resident("李四", "13800000002"))
        db.session.commit()
        hearing_id = hearing.id
    page = client.get(f"/o/A/hearings/{hearing_id}")
    html = page.get_data(as_text=True)
    assert f"/o/A/hearings/{hearing_id}/register" not in html  # no form to fill in for nothing
    assert "提交报名" not in html
    assert "进入候补名单" not in html  # not the "you will be waiting" hint
    assert text_of(page).count("本场名额和候补名额均已报满") == 1
    # A form opened before it filled up: the refusal is the same single message.
    response = post(
        client,
        f"/o/A/hearings/{hearing_id}/register",
        {"name": "王五", "phone": "13800000003", "category": "concerned"},
    )
    assert response.status_code == 409
    assert text_of(response).count("本场名额和候补名额均已报满") == 1
    assert "进入候补名单" not in text_of(response)
    # The list of hearings and the API say the same.
    assert "本场名额和候补名额均已报满" in text_of(client.get("/o/A/hearings/"))
    assert client.get(f"/api/v1/hearings/A/{hearing_id}").get_json()["registration_open"] is False


def test_waiting_list_with_room_still_offers_the_form(app, client, hearings_on):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"], capacity=1, waitlist=1)
        registration.register(hearing.id, resident("张三", "13800000001"))
        db.session.commit()
        hearing_id = hearing.id
    html = client.get(f"/o/A/hearings/{hearing_id}").get_data(as_text=True)
    assert "提交报名" in html and "进入候补名单" in html


# --- invited attendees on the desk -------------------------------------------------------


def test_desk_shows_invited_codes_and_checks_them_in_per_row(app, client, hearings_on, login_as):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"], starts_in=timedelta(hours=1))
        deputy = registration.invite(
            hearing.id, name="王建国", category="npc_deputy", affiliation="镇人大代表"
        )
        person = registration.register(hearing.id, resident("张三", "13800000001"))
        db.session.commit()
        hearing_id, deputy_id, deputy_code = hearing.id, deputy.id, deputy.code
        person_id, person_code = person.id, person.code
    login_as("staff_a")
    desk = client.get(f"/admin/hearings-desk/{hearing_id}").get_data(as_text=True)
    assert registration.format_code(deputy_code) in desk
    assert registration.format_code(person_code) not in desk  # the resident's code is theirs
    assert f"/attendees/{deputy_id}/checkin" in desk
    assert f"/attendees/{person_id}/checkin" not in desk  # residents show their code
    response = post(
        client,
        f"/admin/hearings-desk/{hearing_id}/attendees/{deputy_id}/checkin",
        follow_redirects=True,
    )
    assert "王建国（人大代表）签到成功" in text_of(response)
    assert (
        post(client, f"/admin/hearings-desk/{hearing_id}/attendees/{person_id}/checkin").status_code
        == 404
    )
    with app.app_context():
        assert db.session.get(Attendee, deputy_id).checked_in_at is not None
        assert db.session.get(Attendee, person_id).checked_in_at is None


# --- the check-in window -----------------------------------------------------------------


def test_check_in_is_refused_two_weeks_ahead(app, client, hearings_on, login_as):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"], starts_in=timedelta(days=15))
        deputy = registration.invite(hearing.id, name="王建国", category="npc_deputy")
        db.session.commit()
        hearing_id, code, deputy_id = hearing.id, deputy.code, deputy.id
    login_as("staff_a")
    page = client.get(f"/admin/hearings-desk/{hearing_id}/checkin")
    assert "尚未到签到时间" in text_of(page)
    response = post(
        client, f"/admin/hearings-desk/{hearing_id}/checkin", {"code": code}, follow_redirects=True
    )
    assert "尚未到签到时间" in text_of(response) and "签到成功" not in text_of(response)
    assert f"/attendees/{deputy_id}/checkin" not in client.get(
        f"/admin/hearings-desk/{hearing_id}"
    ).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Attendee, deputy_id).checked_in_at is None


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    """A Beijing time in December 2026, as aware UTC."""
    return datetime(2026, 12, day, hour, minute, tzinfo=LOCAL_ZONE).astimezone(UTC)


@pytest.mark.parametrize(
    ("starts", "moment", "open_"),
    [
        ((18, 14), (18, 7, 0), True),  # the hearing's day, morning
        ((18, 14), (18, 23, 59), True),  # until the end of the day
        ((18, 14), (19, 0, 0), False),  # not the next day
        ((18, 14), (17, 23, 0), False),  # not the day before an afternoon hearing
        ((18, 1), (17, 23, 30), True),  # two hours before an early hearing
        ((18, 1), (17, 22, 30), False),
        ((18, 9), (3, 9, 0), False),  # 15 days before
    ],
)
def test_check_in_window_is_the_hearing_day_or_two_hours_before(
    app, hearings_on, starts, moment, open_
):
    with app.app_context(), app.test_request_context():
        hearing = new_hearing(hearings_on["A"])
        hearing.starts_at = _at(*starts)
        hearing.ends_at = hearing.starts_at + timedelta(hours=2)
        deputy = registration.invite(hearing.id, name="王建国", category="npc_deputy")
        db.session.flush()
        if open_:
            registration.check_in(hearing, deputy.code, actor_id=None, now=_at(*moment))
            assert deputy.checked_in_at == _at(*moment)
        else:
            with pytest.raises(HearingError, match="签到"):
                registration.check_in(hearing, deputy.code, actor_id=None, now=_at(*moment))
            assert deputy.checked_in_at is None
        db.session.rollback()


# --- the minutes editor starts from a draft ----------------------------------------------


def test_minutes_editor_starts_from_a_draft_of_attendance_and_answers(
    app, client, hearings_on, login_as, users
):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"], starts_in=timedelta(hours=1))
        deputy = registration.invite(
            hearing.id, name="王建国", category="npc_deputy", affiliation="镇人大代表"
        )
        person = registration.register(hearing.id, resident("张三丰", "13800000001"))
        registration.register(hearing.id, resident("赵四", "13800000002"))  # did not come
        db.session.flush()
        registration.check_in(hearing, deputy.code, actor_id=None)
        registration.check_in(hearing, person.code, actor_id=None)
        answered = followups.add_question(
            hearing, asker_name="王建国", asker_category="npc_deputy", text="招标何时公开？"
        )
        followups.answer_on_the_spot(
            answered, answer="下周在镇政府网站公开。", answered_by="李镇长"
        )
        followups.add_question(
            hearing, asker_name="张三丰", asker_category="concerned", text="占地补偿标准是多少？"
        )
        db.session.commit()
        hold(db.session.get(Hearing, hearing.id), hours_ago=1)
        hearing_id = hearing.id
    login_as("staff_a")
    page = client.get(f"/admin/hearings-desk/{hearing_id}/minutes")
    draft = (
        lxml.html.fromstring(page.get_data(as_text=True)).xpath("//textarea[@name='text']")[0].text
    )
    assert "## 参加人员" in draft and "## 提问与答复" in draft
    assert "实到 2 人" in draft and "人大代表 1 人" in draft and "利害关系人 1 人" in draft
    assert "王建国（人大代表，镇人大代表）" in draft and "另有群众 1 人参加" in draft
    assert "招标何时公开？" in draft and "下周在镇政府网站公开。" in draft and "李镇长" in draft
    assert "占地补偿标准是多少？" in draft and "待答复" in draft
    assert "张三丰" not in draft and "赵四" not in draft  # private persons are counted only
    assert "13800000001" not in draft


def test_a_saved_draft_is_not_replaced(app, client, hearings_on, login_as):
    with app.app_context():
        hearing = hold(new_hearing(hearings_on["A"]))
        hearing.minutes_draft = "已保存的纪要"
        db.session.commit()
        hearing_id = hearing.id
    login_as("staff_a")
    page = client.get(f"/admin/hearings-desk/{hearing_id}/minutes").get_data(as_text=True)
    assert "已保存的纪要" in page and "## 参加人员" not in page


# --- line breaks -------------------------------------------------------------------------


def test_single_line_breaks_are_kept_and_still_masked(app):
    text = "第一项：村道硬化。\n第二项：占地补偿，村民张三丰电话 13812345678。"
    assert "<br" in published_html(text)
    with app.test_request_context():
        public = resident_html(text)
    assert "<br" in public and "13812345678" not in public
    published_html.cache_clear()
