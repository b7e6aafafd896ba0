"""Weights (70/20/10 by default), the weighted results with each part, the case ratings feeding
the residents' score, the warning and ineligibility flags, and the leader's decision."""

from datetime import date

import pytest
from evaluation_helpers import cadre_of, codes, evaluate, far_dates, make_campaign, rated_case
from sqlalchemy import func, select

from core.extensions import db
from core.models import User
from plugins.evaluation.errors import EvaluationError
from plugins.evaluation.models import CadreResult, Campaign, OfficeResult, SuspensionDecision
from plugins.evaluation.services import campaigns, decisions, results, staff


def test_default_weights_are_residents_70_leaders_20_colleagues_10(app_ctx, evaluation_on):
    campaign = db.session.get(Campaign, make_campaign(evaluation_on))
    assert (campaign.weight_residents, campaign.weight_leaders, campaign.weight_colleagues) == (
        70,
        20,
        10,
    )


def test_weights_are_adjustable_per_campaign_and_must_add_up(app_ctx, evaluation_on):
    cid = make_campaign(
        evaluation_on, open_it=False, weight_residents=60, weight_leaders=30, weight_colleagues=10
    )
    campaign = db.session.get(Campaign, cid)
    assert campaign.weight_residents == 60
    settings = campaigns.Settings(
        title="x",
        period_start=campaign.period_start,
        period_end=campaign.period_end,
        weight_residents=70,
        weight_leaders=20,
        weight_colleagues=20,
    )
    with pytest.raises(EvaluationError, match="合计 100"):
        campaigns.update_campaign(campaign, settings)
    db.session.rollback()
    assert db.session.get(Campaign, cid).weight_residents == 60


def test_weights_fixed_once_open(app_ctx, evaluation_on):
    campaign = db.session.get(Campaign, make_campaign(evaluation_on))
    settings = campaigns.Settings(
        title="x", period_start=campaign.period_start, period_end=campaign.period_end
    )
    with pytest.raises(EvaluationError, match="不能再修改"):
        campaigns.update_campaign(campaign, settings)


def test_weighted_total_shows_each_part(app_ctx, evaluation_on):
    ids = evaluation_on
    cid = make_campaign(ids, **far_dates())
    c = codes(cid, 4)
    # residents: 满意 100, 满意 100, 基本满意 70, 不满意 0 → 67.5
    for i, grade in enumerate(["satisfied", "satisfied", "basic", "dissatisfied"]):
        evaluate(cid, ids["staff_a"], f"1380000000{i}", c[i], grade)
    staff.score(cadre_of(cid, ids["staff_a"]), ids["leader"], 90)
    staff.score(cadre_of(cid, ids["staff_a"]), ids["staff_a2"], 80)
    db.session.commit()
    figures = results.compute(db.session.get(Campaign, cid))[cadre_of(cid, ids["staff_a"]).id]
    assert figures.residents_score == 67.5
    assert figures.resident_count == 4
    assert figures.leaders_score == 90 and figures.colleagues_score == 80
    assert figures.total == pytest.approx(0.7 * 67.5 + 0.2 * 90 + 0.1 * 80)
    assert figures.total == 73.25
    assert figures.band == results.BASIC_BAND  # 70 ≤ 73.25 < 90


def test_band_lines(app_ctx, evaluation_on):
    campaign = db.session.get(Campaign, make_campaign(evaluation_on))
    assert results.band_of(campaign, 95) == results.SATISFIED_BAND
    assert results.band_of(campaign, 90) == results.SATISFIED_BAND
    assert results.band_of(campaign, 75) == results.BASIC_BAND
    assert results.band_of(campaign, 69.9) == results.DISSATISFIED_BAND
    assert results.band_of(campaign, None) == results.NONE_BAND


def test_missing_part_drops_out_but_no_total_without_residents(app_ctx, evaluation_on):
    campaign = db.session.get(Campaign, make_campaign(evaluation_on))
    assert results.weighted_total(campaign, 80, None, None) == 80
    assert results.weighted_total(campaign, 80, 100, None) == pytest.approx(
        (80 * 70 + 100 * 20) / 90, abs=0.01
    )
    assert results.weighted_total(campaign, None, 100, 100) is None


def test_case_ratings_of_the_period_feed_the_handlers_residents_score(app_ctx, evaluation_on):
    ids = evaluation_on
    cid = make_campaign(ids)
    rated_case(ids["A"], ids["staff_a"], "very_satisfied")  # 100
    rated_case(ids["A"], ids["staff_a"], "dissatisfied")  # 0
    rated_case(ids["A"], ids["staff_a2"], "basically_satisfied")  # 70, another cadre
    c = codes(cid, 1)
    evaluate(cid, ids["staff_a"], "13900000001", c[0], "basic")  # 70
    figures = results.compute(db.session.get(Campaign, cid))
    mine = figures[cadre_of(cid, ids["staff_a"]).id]
    assert mine.case_rating_count == 2 and mine.resident_count == 1
    assert mine.residents_score == pytest.approx((100 + 0 + 70) / 3, abs=0.01)
    other = figures[cadre_of(cid, ids["staff_a2"]).id]
    assert other.case_rating_count == 1 and other.residents_score == 70


def test_case_ratings_outside_the_period_do_not_count(app_ctx, evaluation_on):
    ids = evaluation_on
    cid = make_campaign(ids, **far_dates())
    rated_case(ids["A"], ids["staff_a"], "very_satisfied")
    mine = results.compute(db.session.get(Campaign, cid))[cadre_of(cid, ids["staff_a"]).id]
    assert mine.case_rating_count == 0 and mine.residents_score is None


def _close(cid, leader_id):
    campaigns.close_campaign(db.session.get(Campaign, cid), leader_id)
    db.session.commit()


def test_low_satisfaction_warns_and_makes_ineligible_for_the_year(app_ctx, evaluation_on):
    ids = evaluation_on
    cid = make_campaign(ids, **far_dates())
    c = codes(cid, 3)
    evaluate(cid, ids["staff_a"], "13800000001", c[0], "basic")
    evaluate(cid, ids["staff_a"], "13800000002", c[1], "dissatisfied")  # mean 35 → < 50
    evaluate(cid, ids["staff_a2"], "13800000003", c[2], "basic")  # 70: not below 70
    _close(cid, ids["leader"])
    low = db.session.scalar(
        select(CadreResult).where(CadreResult.cadre_id == cadre_of(cid, ids["staff_a"]).id)
    )
    assert low.warned and low.not_recognised
    assert low.ineligible_year == far_dates()["period_end"].year
    fine = db.session.scalar(
        select(CadreResult).where(CadreResult.cadre_id == cadre_of(cid, ids["staff_a2"]).id)
    )
    assert not fine.warned and fine.ineligible_year is None and not fine.not_recognised
    # not recognised is a flag only: no decision recorded, nobody suspended
    assert db.session.scalar(select(func.count(SuspensionDecision.id))) == 0


def test_suspension_needs_a_leaders_recorded_decision(app_ctx, evaluation_on):
    ids = evaluation_on
    cid = make_campaign(ids, **far_dates())
    c = codes(cid, 1)
    evaluate(cid, ids["staff_a"], "13800000001", c[0], "dissatisfied")
    cadre = cadre_of(cid, ids["staff_a"])
    with pytest.raises(EvaluationError, match="考评结束后"):
        decisions.decide(
            cadre, db.session.get(User, ids["leader"]), suspend=True, reason="群众不认可"
        )
    _close(cid, ids["leader"])
    cadre = cadre_of(cid, ids["staff_a"])
    with pytest.raises(EvaluationError, match="须由领导决定"):
        decisions.decide(cadre, db.session.get(User, ids["admin"]), suspend=True, reason="x")
    with pytest.raises(EvaluationError, match="理由"):
        decisions.decide(cadre, db.session.get(User, ids["leader"]), suspend=True, reason=" ")
    row = decisions.decide(
        cadre, db.session.get(User, ids["leader"]), suspend=True, reason="群众不认可，停职候岗"
    )
    db.session.commit()
    assert row.suspend and row.decided_by_id == ids["leader"]
    with pytest.raises(EvaluationError, match="不能重复"):
        decisions.decide(cadre, db.session.get(User, ids["leader"]), suspend=False, reason="x")
    # a recognised cadre needs (and takes) no decision
    with pytest.raises(EvaluationError, match="无需"):
        decisions.decide(
            cadre_of(cid, ids["staff_a2"]),
            db.session.get(User, ids["leader"]),
            suspend=True,
            reason="x",
        )


def test_office_results_are_the_mean_of_its_cadres(app_ctx, evaluation_on):
    ids = evaluation_on
    cid = make_campaign(ids, **far_dates())
    c = codes(cid, 3)
    evaluate(cid, ids["staff_a"], "13800000001", c[0], "satisfied")
    evaluate(cid, ids["staff_a2"], "13800000002", c[1], "basic")
    evaluate(cid, ids["staff_b"], "13800000003", c[2], "satisfied")
    _close(cid, ids["leader"])
    rows = {
        r.office_id: r
        for r in db.session.scalars(select(OfficeResult).where(OfficeResult.campaign_id == cid))
    }
    assert rows[ids["A"]].residents_score == 85 and rows[ids["A"]].cadre_count == 2
    assert rows[ids["A"]].resident_count == 2
    assert rows[ids["B"]].residents_score == 100


def test_case_ratings_voided_on_appeal_do_not_count(app_ctx, evaluation_on):
    ids = evaluation_on
    cid = make_campaign(ids)
    case = rated_case(ids["A"], ids["staff_a"], "very_dissatisfied")
    case.rating.voided = True
    rated_case(ids["A"], ids["staff_a"], "satisfied")
    db.session.commit()
    mine = results.compute(db.session.get(Campaign, cid))[cadre_of(cid, ids["staff_a"]).id]
    assert mine.case_rating_count == 1 and mine.residents_score == 100


def test_leaders_see_this_years_ineligible_cadres(app, evaluation_on):
    from evaluation_helpers import client_for

    from core.time import local_today

    ids = evaluation_on
    with app.app_context():
        year = local_today().year
        cid = make_campaign(ids, period_start=date(year, 1, 1), period_end=date(year, 12, 31))
        c = codes(cid, 1)
        evaluate(cid, ids["staff_a2"], "13800000001", c[0], "dissatisfied")
        _close(cid, ids["leader"])
    page = client_for(app, "leader").get("/admin/evaluation/")
    assert "不得评优" in page.get_data(as_text=True) and "孙干事" in page.get_data(as_text=True)
    staff_page = client_for(app, "staff_a").get("/admin/evaluation/").get_data(as_text=True)
    assert 'id="ineligible"' not in staff_page
