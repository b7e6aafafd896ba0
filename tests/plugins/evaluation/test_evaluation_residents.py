"""The residents' page: one evaluation per phone per cadre per campaign with the hall's code,
clear refusals that change nothing, and published results without anyone's identity."""

from evaluation_helpers import cadre_of, client_for, codes, evaluate, make_campaign
from sqlalchemy import func, select
from support import post, text_of

from core.extensions import db
from plugins.evaluation.models import Campaign, EvaluationCode, ResidentEvaluation
from plugins.evaluation.services import campaigns


def _count():
    return db.session.scalar(select(func.count(ResidentEvaluation.id)))


def _url(cid, cadre_id, office="A"):
    return f"/o/{office}/evaluation/{cid}/cadre/{cadre_id}"


def _form(phone, code, grade="satisfied", comment=""):
    return {"phone": phone, "code": code, "grade": grade, "comment": comment}


def test_public_page_lists_running_campaign_and_cadres(app, client, evaluation_on):
    with app.app_context():
        cid = make_campaign(evaluation_on)
    page = client.get("/o/A/evaluation/")
    assert page.status_code == 200
    body = text_of(page)
    assert "2026年度干部社会监督考评" in body and "孙干事" in body and "staff_a" in body
    # village B's page lists only its own cadre
    body_b = text_of(client.get("/o/B/evaluation/"))
    assert "staff_b" in body_b and "孙干事" not in body_b
    with app.app_context():
        cadre_id = cadre_of(cid, evaluation_on["staff_a"]).id
    assert client.get(_url(cid, cadre_id)).status_code == 200
    assert client.get(_url(cid, cadre_id, office="B")).status_code == 404


def test_one_evaluation_per_phone_per_cadre(app, client, evaluation_on):
    with app.app_context():
        cid = make_campaign(evaluation_on)
        code = codes(cid, 1)[0]
        cadre_id = cadre_of(cid, evaluation_on["staff_a"]).id
        other_id = cadre_of(cid, evaluation_on["staff_a2"]).id
    first = post(client, _url(cid, cadre_id), _form("138 0013 8000", code.lower()))
    assert first.status_code == 200 and "评议已提交" in text_of(first)
    again = post(client, _url(cid, cadre_id), _form("13800138000", code, "dissatisfied"))
    assert again.status_code == 409
    assert "只能评议一次" in text_of(again)
    # the same phone and code may evaluate another cadre once
    assert post(client, _url(cid, other_id), _form("+86 13800138000", code)).status_code == 200
    with app.app_context():
        rows = db.session.scalars(select(ResidentEvaluation)).all()
        assert len(rows) == 2 and rows[0].grade_code == "satisfied"
        assert all("13800138000" not in r.phone_hash for r in rows)


def test_a_code_serves_one_phone_only(app, client, evaluation_on):
    with app.app_context():
        cid = make_campaign(evaluation_on)
        code = codes(cid, 1)[0]
        cadre_id = cadre_of(cid, evaluation_on["staff_a"]).id
        other_id = cadre_of(cid, evaluation_on["staff_a2"]).id
    assert post(client, _url(cid, cadre_id), _form("13800138000", code)).status_code == 200
    refused = post(client, _url(cid, other_id), _form("13900139000", code))
    assert refused.status_code == 409 and "只限一个手机号" in text_of(refused)
    with app.app_context():
        assert _count() == 1


def test_bad_input_is_refused_with_a_message_and_changes_nothing(app, client, evaluation_on):
    with app.app_context():
        cid = make_campaign(evaluation_on)
        code = codes(cid, 1)[0]
        cadre_id = cadre_of(cid, evaluation_on["staff_a"]).id
    cases = [
        (_form("12345", code), "手机号码"),
        (_form("13800138000", "ZZZZ-ZZZZ"), "评议码不正确"),
        (_form("13800138000", code, grade="excellent"), "请选择"),
        (_form("13800138000", code, comment="长" * 501), "500"),
    ]
    for data, message in cases:
        response = post(client, _url(cid, cadre_id), data)
        assert response.status_code in (400, 409), data
        assert message in text_of(response), (data, text_of(response)[:400])
    with app.app_context():
        assert _count() == 0
        row = db.session.scalar(select(EvaluationCode))
        assert row.phone_hash is None  # nothing bound by a refused evaluation


def test_a_closed_campaign_takes_no_evaluation(app, client, evaluation_on):
    with app.app_context():
        cid = make_campaign(evaluation_on)
        code = codes(cid, 1)[0]
        cadre_id = cadre_of(cid, evaluation_on["staff_a"]).id
        campaigns.close_campaign(db.session.get(Campaign, cid), evaluation_on["leader"])
        db.session.commit()
    page = client.get(_url(cid, cadre_id))
    assert "不在进行中" in text_of(page)
    response = post(client, _url(cid, cadre_id), _form("13800138000", code))
    assert response.status_code == 409 and "不在进行中" in text_of(response)
    with app.app_context():
        assert _count() == 0


def test_published_results_show_office_figures_and_no_identity(app, client, evaluation_on):
    ids = evaluation_on
    with app.app_context():
        cid = make_campaign(ids)
        c = codes(cid, 2)
        evaluate(cid, ids["staff_a"], "13800138000", c[0], "satisfied", "窗口服务很好，王小明推荐")
        evaluate(cid, ids["staff_a2"], "13912345678", c[1], "dissatisfied", "态度差")
        campaign = db.session.get(Campaign, cid)
        campaigns.close_campaign(campaign, ids["leader"])
        db.session.commit()
    assert "考评结果公示" not in text_of(client.get("/o/A/evaluation/"))  # closed, not published
    with app.app_context():
        campaigns.publish_campaign(db.session.get(Campaign, cid))
        db.session.commit()
    page = client.get("/o/A/evaluation/").get_data(as_text=True)
    assert "考评结果公示" in page and "甲单位" in page and "50.0" in page
    for secret in ("13800138000", "13912345678", "态度差", "王小明", "窗口服务很好"):
        assert secret not in page
    api = client.get("/api/v1/evaluation/A/results")
    assert api.status_code == 200
    rows = api.get_json()
    assert rows and rows[0]["residents_score"] == 50 and rows[0]["weight_residents"] == 70
    assert "13800138000" not in api.get_data(as_text=True)
    # individual cadres' scores are not on the residents' side
    assert "100.0" not in page


def test_the_organiser_hands_out_codes_to_print(app, evaluation_on):
    with app.app_context():
        cid = make_campaign(evaluation_on)
    client = client_for(app, "admin")
    page = post(client, f"/admin/evaluation/campaign/{cid}/codes", {"count": "5"})
    assert page.status_code == 200
    assert page.get_data(as_text=True).count('class="ev-code"') == 5
    refused = post(client, f"/admin/evaluation/campaign/{cid}/codes", {"count": "900"})
    assert refused.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(EvaluationCode.id))) == 5
