"""The rota screen (gaps in red), the dashboard a week ahead, the residents' page (name as an
official, the office's duty phone, never a private mobile), swaps through the screen, figures
on the supervision screen and their export, and the module switched off."""

from datetime import timedelta

from duty_helpers import client_for, make_rule
from sqlalchemy import select
from support import csrf_token, text_of

from core.extensions import db
from core.models import Office, User
from core.modules import set_module
from core.time import local_today
from plugins.duty.models import DutyAssignment, DutySwap
from plugins.duty.services import rota

MOBILE = "13912345678"


def _rota_with_gap(app, duty_on, users):
    """A rule for office A, eight weeks generated, the first rest day of next week left empty;
    returns that day."""
    with app.app_context():
        staff = db.session.get(User, users["staff_a"])
        staff.post, staff.contact_phone = "综合窗口", MOBILE
        today = local_today()
        make_rule(duty_on["A"], [users["staff_a"]], starts_on=today - timedelta(days=7))
        rota.generate(duty_on["A"], today, today + timedelta(weeks=8))
        gap = min(d for d in rota.rest_days(today + timedelta(days=1), today + timedelta(days=7)))
        row = db.session.scalar(select(DutyAssignment).where(DutyAssignment.day == gap))
        row.user_id = None
        db.session.commit()
        return gap


def test_gap_in_red_on_the_screen_and_on_the_dashboard(app, duty_on, users):
    gap = _rota_with_gap(app, duty_on, users)
    client = client_for(app, "officeadmin")
    page = client.get("/admin/duty/").get_data(as_text=True)
    assert 'class="duty-gap"' in page and "未来一周有 1 个休息日无人值班" in page
    dashboard = text_of(client.get("/admin/"))
    assert "未来一周值班缺岗" in dashboard and gap.strftime("%m-%d") in dashboard


def test_swap_through_the_screen(app, duty_on, users):
    gap = _rota_with_gap(app, duty_on, users)
    with app.app_context():
        row_id = db.session.scalar(select(DutyAssignment.id).where(DutyAssignment.day == gap))
    client = client_for(app, "officeadmin")
    response = client.post(
        f"/admin/duty/day/{row_id}",
        data={
            "csrf_token": csrf_token(client),
            "to_user_id": users["officeadmin"],
            "reason": "补岗",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(DutyAssignment, row_id).user_id == users["officeadmin"]
        assert db.session.scalar(select(DutySwap.reason)) == "补岗"
    # Plain staff see the rota but may not change it.
    staff = client_for(app, "staff_a")
    assert staff.get(f"/admin/duty/day/{row_id}").status_code == 200
    assert (
        staff.post(
            f"/admin/duty/day/{row_id}",
            data={"csrf_token": csrf_token(staff), "to_user_id": 0, "reason": "x"},
        ).status_code
        == 403
    )


def test_rule_screen_saves_with_its_version(app, duty_on, users):
    client = client_for(app, "officeadmin")
    url = f"/admin/duty/rule/{duty_on['A']}"
    assert client.get(url).status_code == 200
    data = {
        "csrf_token": csrf_token(client),
        "member_ids": [users["staff_a"]],
        "days_per_turn": 2,
        "starts_on": "2026-02-01",
        "duty_phone": "0471-5550199",
        "hours_start": "08:30",
        "hours_end": "17:30",
    }
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data={**data, "version": "1", "days_per_turn": 3}).status_code == 302
    stale = client.post(
        url, data={**data, "version": "1", "days_per_turn": 4}, follow_redirects=True
    )
    with app.app_context():
        rule = rota.rule_for(duty_on["A"])
        assert (rule.days_per_turn, rule.version) == (3, 2)
    assert "已被他人修改" in text_of(stale) or "刷新" in text_of(stale)
    assert client.get(f"/admin/duty/rule/{duty_on['B']}").status_code in (403, 404)


def test_public_page_names_the_official_and_the_duty_phone(app, duty_on, users):
    _rota_with_gap(app, duty_on, users)
    page = text_of(app.test_client().get("/o/A/duty/"))
    assert "值班公示" in page and "0471-5550199" in page
    assert "staff_a（综合窗口）" in page
    assert MOBILE not in page and "139" not in page


def test_supervision_figures_and_export(app, duty_on, users):
    _rota_with_gap(app, duty_on, users)
    page = text_of(client_for(app, "admin").get("/admin/case_supervision/"))
    assert "双休日、节假日值班覆盖" in page and "延时服务案件" in page and "甲单位" in page
    export = client_for(app, "officeadmin").get("/admin/duty/export?month=2026-02")
    assert export.status_code == 200 and "甲单位" in export.get_data(as_text=True)


def test_module_off_hides_everything_and_keeps_the_data(app, duty_on, users):
    _rota_with_gap(app, duty_on, users)
    with app.app_context():
        set_module("duty", db.session.get(Office, duty_on["A"]), False)
        db.session.commit()
    client = client_for(app, "officeadmin")
    assert client.get("/admin/duty/").status_code in (403, 404)
    assert "未来一周值班缺岗" not in text_of(client.get("/admin/"))
    assert app.test_client().get("/o/A/duty/").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(DutyAssignment)) > 0


def test_demo_data_loads_once(app):
    from core.cli.demo import load_demo
    from plugins.duty.models import DutyRule, HandoverReport

    with app.app_context():
        load_demo()
        db.session.commit()
        load_demo()
        db.session.commit()
        assert db.session.scalar(select(db.func.count()).select_from(DutyRule)) == 1
        assert db.session.scalar(select(db.func.count()).select_from(HandoverReport)) == 1
        office_id = db.session.scalar(select(DutyRule.office_id))
        today = local_today()
        assert rota.gaps({office_id}, today + timedelta(days=1), today + timedelta(days=7))
