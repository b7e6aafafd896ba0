"""Staff screens: the lists render in Chinese for the office in scope, invitations and
withdrawals on the desk, a larger hall moves the waiting list up, drafts only are deleted."""

import pytest
from hearings_helpers import (
    new_hearing,
)
from sqlalchemy import select
from support import post, post_edit, text_of

from core.extensions import db
from core.kit import to_local
from plugins.hearings import registration
from plugins.hearings.models import Attendee, AttendeeStatus, Hearing
from plugins.hearings.registration import Registration


@pytest.mark.parametrize(
    "url, words",
    [
        ("/admin/hearings-desk/", ["听证工作台", "新建听证会"]),
        ("/admin/hearings_hearings/", ["听证会", "状态"]),
        ("/admin/hearings_attendees/", ["参加人名单", "类别"]),
        ("/admin/hearings_questions/", ["提问与答复"]),
        ("/admin/hearings_messages/", ["群众通知记录"]),
    ],
)
def test_hook_register_admin_views_render_in_chinese(
    app, client, hearings_on, login_as, url, words
):
    with app.app_context():
        new_hearing(hearings_on["A"])
    login_as("staff_a")
    page = text_of(client.get(url))
    assert all(w in page for w in words)


def test_lists_hold_only_the_offices_in_scope(app, client, hearings_on, login_as):
    with app.app_context():
        new_hearing(hearings_on["A"], title="甲单位的听证会")
        other = new_hearing(hearings_on["A"], title="乙村的听证会", announce=False)
        other.office_id = hearings_on["B"]
        db.session.commit()
    login_as("staff_a")
    page = text_of(client.get("/admin/hearings_hearings/"))
    assert "甲单位的听证会" in page and "乙村的听证会" not in page


def test_invite_and_withdraw_on_the_desk(app, client, hearings_on, users, login_as):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"], capacity=1, waitlist=1)
        hearing_id = hearing.id
    login_as("staff_a")
    response = post(
        client,
        f"/admin/hearings-desk/{hearing_id}/invite",
        {
            "name": "李干事",
            "category": "staff",
            "affiliation": "党政办",
            "user_id": str(users["staff_a"]),
        },
        follow_redirects=True,
    )
    assert "已加入参加人名单" in text_of(response)
    response = post(
        client,
        f"/admin/hearings-desk/{hearing_id}/invite",
        {"name": "王建国", "category": "npc_deputy"},
        follow_redirects=True,
    )
    assert "会场名额已满" in text_of(response)
    with app.app_context():
        waiting = registration.register(
            hearing_id, Registration(name="张三", phone="13800138000", category="concerned")
        )
        db.session.commit()
        staff = db.session.scalar(select(Attendee).where(Attendee.user_id == users["staff_a"]))
        staff_id, waiting_id = staff.id, waiting.id
    response = post(
        client,
        f"/admin/hearings-desk/{hearing_id}/attendees/{staff_id}/withdraw",
        {},
        follow_redirects=True,
    )
    assert "候补名单已顺延" in text_of(response)
    with app.app_context():
        assert db.session.get(Attendee, waiting_id).status == AttendeeStatus.CONFIRMED
        assert db.session.get(Attendee, staff_id).status == AttendeeStatus.WITHDRAWN


def test_a_larger_hall_moves_the_waiting_list_up(app, client, hearings_on, login_as):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"], capacity=1, waitlist=3)
        for i in range(3):
            registration.register(
                hearing.id,
                Registration(
                    name=f"村民{'甲乙丙'[i]}", phone=f"1380000000{i}", category="concerned"
                ),
            )
        db.session.commit()
        hearing_id = hearing.id
        start = to_local(hearing.starts_at).strftime("%Y-%m-%d %H:%M:%S")
        end = to_local(hearing.ends_at).strftime("%Y-%m-%d %H:%M:%S")
        decided = hearing.decision_date.isoformat()
    login_as("staff_a")
    response = post_edit(
        client,
        f"/admin/hearings_hearings/edit/?id={hearing_id}",
        {
            "kind": "hearing",
            "title": "西河村村道硬化听证会",
            "issue": "村道硬化",
            "decision_date": decided,
            "decision_ref": "镇党委会议纪要〔2026〕1号",
            "venue": "西河村村委会会议室",
            "starts_at": start,
            "ends_at": end,
            "capacity": "3",
            "waitlist_size": "3",
        },
        follow_redirects=True,
    )
    assert "2 位候补人员转为正式参加" in text_of(response)
    with app.app_context():
        statuses = db.session.scalars(select(Attendee.status)).all()
        assert statuses.count(AttendeeStatus.CONFIRMED) == 3


def test_only_drafts_can_be_deleted(app, client, hearings_on, login_as):
    with app.app_context():
        announced_id = new_hearing(hearings_on["A"]).id
        draft_id = new_hearing(hearings_on["A"], announce=False).id
    login_as("officeadmin")
    response = post(
        client, "/admin/hearings_hearings/delete/", {"id": str(announced_id)}, follow_redirects=True
    )
    assert "只能删除草稿" in text_of(response)
    post(client, "/admin/hearings_hearings/delete/", {"id": str(draft_id)})
    with app.app_context():
        assert db.session.get(Hearing, announced_id) is not None
        assert db.session.get(Hearing, draft_id) is None


def test_capacity_cannot_drop_below_the_confirmed(app, client, hearings_on, login_as):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"], capacity=5)
        for i in range(3):
            registration.register(
                hearing.id,
                Registration(
                    name=f"村民{'甲乙丙'[i]}", phone=f"1380000000{i}", category="concerned"
                ),
            )
        db.session.commit()
        hearing_id = hearing.id
        start = to_local(hearing.starts_at).strftime("%Y-%m-%d %H:%M:%S")
        end = to_local(hearing.ends_at).strftime("%Y-%m-%d %H:%M:%S")
        decided = hearing.decision_date.isoformat()
    login_as("staff_a")
    response = post_edit(
        client,
        f"/admin/hearings_hearings/edit/?id={hearing_id}",
        {
            "kind": "hearing",
            "title": "西河村村道硬化听证会",
            "issue": "村道硬化",
            "decision_date": decided,
            "decision_ref": "镇党委会议纪要〔2026〕1号",
            "venue": "西河村村委会会议室",
            "starts_at": start,
            "ends_at": end,
            "capacity": "2",
            "waitlist_size": "3",
        },
        follow_redirects=True,
    )
    assert "容纳人数不能少于此数" in text_of(response)
    with app.app_context():
        assert db.session.get(Hearing, hearing_id).capacity == 5


def test_messages_screen_names_channel_and_status_in_chinese(app, client, hearings_on, login_as):
    """Issue 14 (4): the messages screen showed the raw codes ``sms`` and ``recorded``."""
    from plugins.hearings.models import ParticipantMessage

    with app.app_context():
        hearing = new_hearing(hearings_on["A"])
        db.session.add(
            ParticipantMessage(
                hearing_id=hearing.id,
                office_id=hearing.office_id,
                channel="sms",
                recipient_masked="139****5678",
                body="您已报名。",
                status="recorded",
                dedupe_key="test-1",
            )
        )
        db.session.commit()
    login_as("staff_a")
    page = text_of(client.get("/admin/hearings_messages/"))
    assert "短信" in page and "已记录（未接短信网关）" in page
    assert " sms " not in f" {page} " and "recorded" not in page
