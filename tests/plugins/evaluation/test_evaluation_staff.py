"""Leaders' and colleagues' scores (nobody scores themselves; colleagues anonymous), each
group's progress, the campaigns desk, and who sees an individual cadre's figures."""

import pytest
from evaluation_helpers import cadre_of, client_for, codes, evaluate, far_dates, make_campaign
from sqlalchemy import func, select
from support import post, text_of

from core.extensions import db
from plugins.evaluation.errors import EvaluationError
from plugins.evaluation.models import Campaign, StaffScore
from plugins.evaluation.services import campaigns, staff


def test_nobody_scores_themselves(app_ctx, evaluation_on):
    ids = evaluation_on
    cid = make_campaign(ids)
    with pytest.raises(EvaluationError, match="不能给自己评分"):
        staff.score(cadre_of(cid, ids["staff_a"]), ids["staff_a"], 100)
    assert db.session.scalar(select(func.count(StaffScore.id))) == 0


def test_leader_and_colleagues_score_only_whom_they_may(app_ctx, evaluation_on):
    ids = evaluation_on
    cid = make_campaign(ids)
    a, b = cadre_of(cid, ids["staff_a"]), cadre_of(cid, ids["staff_b"])
    assert staff.score(a, ids["leader"], 95).kind == "leader"
    assert staff.score(a, ids["staff_a2"], 80).kind == "colleague"
    with pytest.raises(EvaluationError, match="不能评分"):
        staff.score(b, ids["staff_a"], 80)  # another office: not a colleague
    with pytest.raises(EvaluationError, match="不能评分"):
        staff.score(a, ids["leader2"], 80)  # not their leader
    db.session.commit()
    assert db.session.scalar(select(func.count(StaffScore.id))) == 2


@pytest.mark.parametrize("value", [-1, 101, "abc", "", None, 50.5])
def test_scores_out_of_range_are_refused(app_ctx, evaluation_on, value):
    ids = evaluation_on
    cid = make_campaign(ids)
    with pytest.raises(EvaluationError, match="0 到 100"):
        staff.score(cadre_of(cid, ids["staff_a"]), ids["leader"], value)


def test_a_closed_campaign_takes_no_score(app_ctx, evaluation_on):
    ids = evaluation_on
    cid = make_campaign(ids)
    campaigns.close_campaign(db.session.get(Campaign, cid), ids["leader"])
    db.session.commit()
    with pytest.raises(EvaluationError, match="不在进行中"):
        staff.score(cadre_of(cid, ids["staff_a"]), ids["leader"], 90)


def test_progress_of_each_group(app_ctx, evaluation_on):
    ids = evaluation_on
    cid = make_campaign(ids)
    staff.score(cadre_of(cid, ids["staff_a"]), ids["leader"], 90)
    staff.score(cadre_of(cid, ids["staff_a"]), ids["staff_a2"], 90)
    c = codes(cid, 3)
    evaluate(cid, ids["staff_b"], "13800138000", c[0])
    progress = staff.progress(db.session.get(Campaign, cid))
    assert (progress.leaders_done, progress.leaders_expected) == (1, 3)
    assert (progress.colleagues_done, progress.colleagues_expected) == (1, 2)
    assert (progress.residents, progress.codes_issued, progress.codes_used) == (1, 3, 1)


def test_scoring_screen_and_self_scoring_refused_over_http(app, evaluation_on):
    ids = evaluation_on
    with app.app_context():
        cid = make_campaign(ids)
        mine = cadre_of(cid, ids["staff_a"]).id
        colleague = cadre_of(cid, ids["staff_a2"]).id
    client = client_for(app, "staff_a")
    page = client.get("/admin/evaluation-people/")
    assert page.status_code == 200 and "领导评和互相评" in text_of(page)
    assert "孙干事" in text_of(page)
    assert post(client, f"/admin/evaluation-people/score/{mine}", {"score": "100"}).status_code in (
        302,
        404,
    )
    refused = post(client, f"/admin/evaluation-people/score/{colleague}", {"score": "150"})
    assert refused.status_code == 302
    assert "0 到 100" in text_of(client.get("/admin/evaluation-people/"))
    ok = post(client, f"/admin/evaluation-people/score/{colleague}", {"score": "88"})
    assert ok.status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(StaffScore)).all()
        assert [(r.cadre_id, r.score) for r in rows] == [(colleague, 88)]


def _closed_with_scores(ids):
    cid = make_campaign(ids, **far_dates())
    c = codes(cid, 1)
    evaluate(cid, ids["staff_a"], "13800138000", c[0], "basic")
    staff.score(cadre_of(cid, ids["staff_a"]), ids["staff_a2"], 61)
    staff.score(cadre_of(cid, ids["staff_a"]), ids["leader"], 77)
    campaigns.close_campaign(db.session.get(Campaign, cid), ids["leader"])
    db.session.commit()
    return cid


def test_individual_figures_for_leaders_auditors_and_the_cadre_only(app, evaluation_on):
    ids = evaluation_on
    with app.app_context():
        cid = _closed_with_scores(ids)
        mine = cadre_of(cid, ids["staff_a"]).id
    for username in ("leader", "auditor", "staff_a"):
        page = client_for(app, username).get(f"/admin/evaluation-people/cadre/{mine}")
        assert page.status_code == 200, username
        assert "77.0" in text_of(page) and "61.0" in text_of(page)
    assert client_for(app, "staff_a2").get(
        f"/admin/evaluation-people/cadre/{mine}"
    ).status_code in (
        403,
        404,
    )
    # the organiser (township admin) sees the offices' results, not the cadres'
    campaign_page = client_for(app, "admin").get(f"/admin/evaluation/campaign/{cid}")
    assert "单位考评结果" in text_of(campaign_page)
    assert 'id="cadre-results"' not in campaign_page.get_data(as_text=True)


def test_colleagues_are_anonymous_to_the_person_scored(app, evaluation_on):
    ids = evaluation_on
    with app.app_context():
        cid = _closed_with_scores(ids)
        mine = cadre_of(cid, ids["staff_a"]).id
    page = client_for(app, "staff_a").get(f"/admin/evaluation-people/cadre/{mine}")
    body = text_of(page)
    assert "61.0" in body and "孙干事" not in body


def test_desk_refuses_weights_that_do_not_add_up(app, evaluation_on):
    ids = evaluation_on
    client = client_for(app, "admin")
    page = client.get("/admin/evaluation/")
    assert page.status_code == 200 and "新建考评活动" in text_of(page)
    data = {
        "office_id": str(ids["A"]),
        "title": "2026年第一季度考评",
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "weight_residents": "70",
        "weight_leaders": "20",
        "weight_colleagues": "20",
        "band_satisfied": "90",
        "band_basic": "70",
        "warning_below": "70",
        "recognition_below": "50",
    }
    post(client, "/admin/evaluation/new", data)
    assert "合计 100" in text_of(client.get("/admin/evaluation/"))
    with app.app_context():
        assert db.session.scalar(select(func.count(Campaign.id))) == 0
    data["weight_colleagues"] = "10"
    created = post(client, "/admin/evaluation/new", data)
    assert created.status_code == 302
    with app.app_context():
        campaign = db.session.scalar(select(Campaign))
        assert (campaign.weight_residents, campaign.status) == (70, "draft")


def test_staff_cannot_organise(app, evaluation_on):
    with app.app_context():
        cid = make_campaign(evaluation_on, open_it=False)
    client = client_for(app, "staff_a")
    assert (
        post(client, f"/admin/evaluation/campaign/{cid}/open", {"version": "1"}).status_code == 403
    )
