"""A hearing's lifecycle: draft → announced → held → minutes published → results published,
postponed and cancelled with reasons residents see; refusals leave everything unchanged."""

from datetime import timedelta

import pytest
from hearings_helpers import (
    hold,
    new_hearing,
    versioned,
)
from support import post, post_edit, text_of

from core.audit import AuditEntry
from core.extensions import db
from core.kit import LOCAL_ZONE, to_local, utc_now
from plugins.hearings import services
from plugins.hearings.errors import HearingError
from plugins.hearings.models import Hearing, HearingStatus


def test_full_lifecycle_to_minutes_published(app, hearings_on):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"], announce=False)
        assert hearing.status == HearingStatus.DRAFT
        services.announce(hearing)
        db.session.commit()
        assert hearing.status == HearingStatus.ANNOUNCED and hearing.announced_at
        hold(hearing)
        assert hearing.status == HearingStatus.HELD and hearing.held_at
        services.save_minutes_draft(hearing, "# 纪要\n\n会议同意村道硬化方案。")
        services.publish_minutes(hearing)
        db.session.commit()
        assert hearing.status == HearingStatus.MINUTES_PUBLISHED
        assert [m.number for m in hearing.minutes] == [1]
        services.publish_results(hearing, "方案已公示。")
        db.session.commit()
        assert hearing.status == HearingStatus.RESULTS_PUBLISHED
        changes = db.session.scalars(
            db.select(AuditEntry.details).where(AuditEntry.action == "hearing.status")
        ).all()
        assert [c["to"] for c in changes] == [
            "announced",
            "held",
            "minutes_published",
            "results_published",
        ]


def test_announcement_needs_the_party_committee_decision_and_the_facts(app, hearings_on):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"], announce=False)
        hearing.decision_ref = None
        hearing.venue = ""
        with pytest.raises(HearingError, match="党委会决定.*地点"):
            services.announce(hearing)
        hearing.decision_ref, hearing.venue = "镇党委会〔2026〕2号", "会议室"
        hearing.starts_at = utc_now() - timedelta(hours=1)
        with pytest.raises(HearingError, match="开始时间已过"):
            services.announce(hearing)
        assert hearing.status == HearingStatus.DRAFT


def test_cannot_hold_before_start_nor_publish_minutes_before_held(app, hearings_on):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"])
        with pytest.raises(HearingError, match="尚未开始"):
            services.mark_held(hearing)
        services.save_minutes_draft(hearing, "草稿内容")
        db.session.commit()
        with pytest.raises(HearingError, match="听证会尚未举行，不能发布纪要"):
            services.publish_minutes(hearing)
        db.session.rollback()
        assert db.session.get(Hearing, hearing.id).minutes == []
        assert db.session.get(Hearing, hearing.id).minutes_draft == "草稿内容"


def test_postpone_and_cancel_need_a_reason_shown_to_residents(app, client, hearings_on):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"])
        with pytest.raises(HearingError, match="原因"):
            services.postpone(hearing, "  ")
        services.postpone(hearing, "遇暴雨，道路中断")
        db.session.commit()
        hearing_id = hearing.id
    page = text_of(client.get(f"/o/A/hearings/{hearing_id}"))
    assert "已延期" in page and "遇暴雨，道路中断" in page
    assert "报名参加" not in page
    with app.app_context():
        hearing = db.session.get(Hearing, hearing_id)
        hearing.starts_at = utc_now() + timedelta(days=20)
        hearing.ends_at = utc_now() + timedelta(days=20, hours=2)
        services.announce(hearing)
        db.session.commit()
        assert hearing.status == HearingStatus.ANNOUNCED and hearing.status_reason is None
        services.cancel(hearing, "方案已撤回，另行研究")
        db.session.commit()
        with pytest.raises(HearingError, match="只有草稿或已延期"):
            services.announce(hearing)
    page = text_of(client.get(f"/o/A/hearings/{hearing_id}"))
    assert "已取消" in page and "方案已撤回，另行研究" in page


def test_held_hearing_cannot_be_cancelled(app, hearings_on):
    with app.app_context():
        hearing = hold(new_hearing(hearings_on["A"]))
        with pytest.raises(HearingError, match="已经举行的听证会不能取消"):
            services.cancel(hearing, "不想开了")
        assert hearing.status == HearingStatus.HELD


def test_desk_runs_the_lifecycle_over_http(app, client, hearings_on, login_as):
    with app.app_context():
        hearing_id = new_hearing(hearings_on["A"], announce=False).id
    login_as("staff_a")
    page = client.get(f"/admin/hearings-desk/{hearing_id}")
    assert page.status_code == 200 and "公告并开放报名" in page.get_data(as_text=True)
    response = post(
        client, f"/admin/hearings-desk/{hearing_id}/transition/announce", versioned(app, hearing_id)
    )
    assert response.status_code == 302
    assert "已公告" in text_of(client.get(f"/admin/hearings-desk/{hearing_id}"))
    # A cancellation without a reason is refused with a Chinese message and changes nothing.
    post(
        client,
        f"/admin/hearings-desk/{hearing_id}/transition/cancel",
        versioned(app, hearing_id, {"reason": ""}),
    )
    page = text_of(client.get(f"/admin/hearings-desk/{hearing_id}"))
    assert "请填写取消的原因" in page
    with app.app_context():
        assert db.session.get(Hearing, hearing_id).status == HearingStatus.ANNOUNCED
    post(client, f"/admin/hearings-desk/{hearing_id}/transition/hold", versioned(app, hearing_id))
    assert "尚未开始" in text_of(client.get(f"/admin/hearings-desk/{hearing_id}"))


def test_desk_is_scoped_to_the_office_and_read_only_for_auditors(
    app, client, hearings_on, login_as
):
    with app.app_context():
        hearing_id = new_hearing(hearings_on["A"], announce=False).id
    login_as("staff_b")  # office B: module off there
    assert client.get(f"/admin/hearings-desk/{hearing_id}").status_code == 403
    client.get("/logout")
    post(client, "/logout", {})
    login_as("auditor")
    assert client.get(f"/admin/hearings-desk/{hearing_id}").status_code == 200
    response = post(
        client, f"/admin/hearings-desk/{hearing_id}/transition/announce", versioned(app, hearing_id)
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Hearing, hearing_id).status == HearingStatus.DRAFT


def test_admin_hearing_form_takes_local_time_and_refuses_silent_rescheduling(
    app, client, hearings_on, login_as
):
    login_as("staff_a")
    start = (utc_now() + timedelta(days=10)).astimezone().strftime("%Y-%m-%d")
    response = post(
        client,
        "/admin/hearings_hearings/new/",
        {
            "kind": "hearing",
            "title": "东桥村土地流转听证会",
            "issue": "流转方案",
            "decision_date": start,
            "decision_ref": "镇党委会〔2026〕3号",
            "venue": "村委会",
            "starts_at": f"{start} 09:00:00",
            "ends_at": f"{start} 11:00:00",
            "capacity": "30",
            "waitlist_size": "5",
        },
    )
    assert response.status_code == 302, text_of(response)[:400]
    with app.app_context():
        hearing = db.session.scalar(
            db.select(Hearing).where(Hearing.title == "东桥村土地流转听证会")
        )

        assert to_local(hearing.starts_at).strftime("%H:%M") == "09:00"  # typed in Beijing time
        assert hearing.office_id == hearings_on["A"] and hearing.status == HearingStatus.DRAFT
        services.announce(hearing)
        db.session.commit()
        hearing_id = hearing.id
    response = post_edit(
        client,
        f"/admin/hearings_hearings/edit/?id={hearing_id}",
        {
            "kind": "hearing",
            "title": "东桥村土地流转听证会",
            "issue": "流转方案",
            "decision_date": start,
            "decision_ref": "镇党委会〔2026〕3号",
            "venue": "村委会",
            "starts_at": f"{start} 15:00:00",
            "ends_at": f"{start} 17:00:00",
            "capacity": "30",
            "waitlist_size": "5",
        },
        follow_redirects=True,
    )
    assert "延期" in text_of(response)
    with app.app_context():
        assert to_local(db.session.get(Hearing, hearing_id).starts_at).strftime("%H:%M") == "09:00"


def test_times_in_any_zone_are_stored_as_the_same_instant(app, hearings_on):
    with app.app_context():
        hearing = new_hearing(hearings_on["A"], announce=False)
        local_nine = (
            (utc_now() + timedelta(days=3))
            .astimezone(LOCAL_ZONE)
            .replace(hour=9, minute=0, second=0, microsecond=0)
        )
        hearing.starts_at = local_nine
        db.session.commit()
        hearing_id = hearing.id
        db.session.expire_all()

        stored = db.session.get(Hearing, hearing_id).starts_at
        assert stored == local_nine and to_local(stored).hour == 9
