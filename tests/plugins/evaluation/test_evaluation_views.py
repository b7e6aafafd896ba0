"""The desk end to end over HTTP (create, name cadres and supervisors, open, close, publish),
the dashboard tiles, the supervision screen and the overdue job's notifications; Chinese
first on every screen."""

from datetime import timedelta

from evaluation_helpers import client_for, codes, evaluate, make_campaign
from sqlalchemy import select
from support import post, text_of

from core.extensions import db
from core.jobs.models import Notification
from plugins.evaluation.jobs import attribute_overdue
from plugins.evaluation.models import Campaign, RectificationTask
from plugins.evaluation.services import campaigns


def _campaign_id(title):
    return db.session.scalar(select(Campaign.id).where(Campaign.title == title))


def test_campaign_lifecycle_over_http(app, evaluation_on):
    ids = evaluation_on
    client = client_for(app, "admin")
    created = post(
        client,
        "/admin/evaluation/new",
        {
            "office_id": str(ids["A"]),
            "title": "2026年第四季度考评",
            "period_start": "2026-10-01",
            "period_end": "2026-12-31",
            "weight_residents": "70",
            "weight_leaders": "20",
            "weight_colleagues": "10",
            "band_satisfied": "90",
            "band_basic": "70",
            "warning_below": "70",
            "recognition_below": "50",
        },
    )
    assert created.status_code == 302
    with app.app_context():
        cid = _campaign_id("2026年第四季度考评")
    base = f"/admin/evaluation/campaign/{cid}"
    # opening without cadres or supervisors is refused with a message
    refused = post(client, f"{base}/open", {"version": "1"}, follow_redirects=True)
    assert "请先添加被考评干部" in text_of(refused)
    for name in ("staff_a", "staff_a2"):
        post(client, f"{base}/cadre", {"user_id": str(ids[name]), "leader_id": str(ids["leader"])})
    twice = post(
        client,
        f"{base}/cadre",
        {"user_id": str(ids["staff_a"]), "leader_id": "0"},
        follow_redirects=True,
    )
    assert "已在本次考评名单中" in text_of(twice)
    post(client, f"{base}/supervisor", {"user_id": str(ids["supervisor"])})
    changed = post(
        client,
        f"{base}/settings",
        {
            "version": "1",
            "title": "2026年第四季度考评",
            "period_start": "2026-10-01",
            "period_end": "2026-12-31",
            "weight_residents": "80",
            "weight_leaders": "10",
            "weight_colleagues": "10",
            "band_satisfied": "90",
            "band_basic": "70",
            "warning_below": "70",
            "recognition_below": "50",
        },
    )
    assert changed.status_code == 302
    page = client.get(base)
    assert "群众评 80%" in text_of(page) and "督查员" in text_of(page)
    assert post(client, f"{base}/open", {"version": "2"}).status_code == 302
    with app.app_context():
        campaign = db.session.get(Campaign, cid)
        assert (campaign.status, campaign.weight_residents) == ("open", 80)
        c = codes(cid, 1)
        evaluate(cid, ids["staff_a"], "13800138000", c[0], "basic", "排队时间太长")
        version = campaign.version
    stale = post(client, f"{base}/close", {"version": str(version - 1)}, follow_redirects=True)
    assert "已被他人修改" in text_of(stale) or "刷新" in text_of(stale)
    assert post(client, f"{base}/close", {"version": str(version)}).status_code == 302
    assert post(client, f"{base}/publish", {"version": str(version + 1)}).status_code == 302
    with app.app_context():
        campaign = db.session.get(Campaign, cid)
        assert campaign.status == "published"
        assert db.session.scalar(select(RectificationTask.id)) is not None
    assert "考评结果公示" in text_of(client.get("/o/A/evaluation/"))


def test_dashboard_and_supervision_screen(app, evaluation_on):
    ids = evaluation_on
    with app.app_context():
        make_campaign(ids)
    leader = client_for(app, "leader")
    dashboard = text_of(leader.get("/admin/"))
    assert "考评待评分" in dashboard
    supervision = leader.get("/admin/case_supervision/")
    assert supervision.status_code == 200
    assert "进行中的考评" in text_of(supervision)


def test_overdue_job_notifies_handler_and_unfollowed_supervisor(app_ctx, evaluation_on):
    ids = evaluation_on
    cid = make_campaign(ids)
    c = codes(cid, 1)
    evaluate(cid, ids["staff_a"], "13800138000", c[0], "dissatisfied", "材料一次告知不清")
    campaigns.close_campaign(db.session.get(Campaign, cid), ids["leader"])
    db.session.commit()
    task = db.session.scalar(select(RectificationTask))
    assert attribute_overdue(task.case.due_at + timedelta(minutes=1)) == 1
    notified = {n.user_id for n in db.session.scalars(select(Notification))}
    assert notified == {ids["staff_a"], ids["supervisor"]}
