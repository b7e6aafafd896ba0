"""Problems residents raised become rectification cases with working-day deadlines; an overdue
task nobody followed up is attributed to the supervisor of record as well as the handler;
supervisors' views are in the audit log; closure counts in the next campaign."""

from datetime import date, timedelta

from evaluation_helpers import cadre_of, client_for, codes, evaluate, make_campaign
from sqlalchemy import select
from support import post, text_of

from core.audit.models import AuditEntry
from core.cases.services import close_case
from core.extensions import db
from core.sla import Limit, LimitUnit, compute_due
from plugins.evaluation.jobs import attribute_overdue
from plugins.evaluation.models import Campaign, OfficeResult, RectificationTask
from plugins.evaluation.services import campaigns, rectification


def _campaign_with_problems(ids, year=2025):
    cid = make_campaign(ids, period_start=date(year, 1, 1), period_end=date(year, 12, 31))
    c = codes(cid, 4)
    evaluate(cid, ids["staff_a"], "13800000001", c[0], "dissatisfied", "办事要跑三趟")
    evaluate(cid, ids["staff_a"], "13800000002", c[1], "basic", "窗口午休无人")
    evaluate(cid, ids["staff_a"], "13800000003", c[2], "satisfied", "很好")  # praise: no task
    evaluate(cid, ids["staff_b"], "13800000004", c[3], "dissatisfied")  # no comment: no task
    campaigns.close_campaign(db.session.get(Campaign, cid), ids["leader"])
    db.session.commit()
    return cid


def test_problems_raised_become_cases_with_working_day_deadlines(app_ctx, evaluation_on):
    ids = evaluation_on
    cid = _campaign_with_problems(ids)
    tasks = db.session.scalars(select(RectificationTask).order_by(RectificationTask.id)).all()
    assert len(tasks) == 2
    for task in tasks:
        case = task.case
        assert case.category == rectification.CATEGORY
        assert case.handler_id == ids["staff_a"] and case.office_id == ids["A"]
        assert (
            case.due_at == compute_due(case.accepted_at, Limit(15, LimitUnit.WORKING_DAYS)).due_at
        )
        assert task.supervisor_id == ids["supervisor"]
        assert task.cadre_id == cadre_of(cid, ids["staff_a"]).id
    assert {t.case.content for t in tasks} == {"办事要跑三趟", "窗口午休无人"}


def test_overdue_without_follow_up_is_attributed_to_supervisor_and_handler(app_ctx, evaluation_on):
    ids = evaluation_on
    _campaign_with_problems(ids)
    first, second = db.session.scalars(select(RectificationTask).order_by(RectificationTask.id))
    rectification.follow_up(first, ids["supervisor"], "已电话督促，约定本周整改")
    db.session.commit()
    assert attribute_overdue(first.case.accepted_at + timedelta(days=1)) == 0  # not yet due
    later = second.case.due_at + timedelta(hours=1)
    assert attribute_overdue(later) == 2
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.attributed_handler_id == ids["staff_a"] and first.attributed_supervisor_id is None
    assert second.attributed_handler_id == ids["staff_a"]
    assert second.attributed_supervisor_id == ids["supervisor"]
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "evaluation.overdue")
    ).all()
    assert {e.details["supervisor_id"] for e in entries} == {None, ids["supervisor"]}
    assert attribute_overdue(later) == 0  # idempotent


def test_only_the_supervisor_of_record_follows_up(app_ctx, evaluation_on):
    ids = evaluation_on
    _campaign_with_problems(ids)
    task = db.session.scalars(select(RectificationTask)).first()
    try:
        rectification.follow_up(task, ids["leader"], "督办")
    except rectification.EvaluationError as exc:
        assert "监督人员" in str(exc)
    else:
        raise AssertionError("a non-supervisor followed up")


def test_supervisors_views_are_in_the_audit_log(app, evaluation_on):
    ids = evaluation_on
    with app.app_context():
        cid = _campaign_with_problems(ids)
        task_id = db.session.scalars(select(RectificationTask)).first().id
    client = client_for(app, "supervisor")
    assert client.get(f"/admin/evaluation/campaign/{cid}").status_code == 200
    page = client.get(f"/admin/evaluation-people/task/{task_id}")
    assert page.status_code == 200 and "整改任务" in text_of(page)
    response = post(
        client, f"/admin/evaluation-people/task/{task_id}/follow-up", {"note": "已督促整改"}
    )
    assert response.status_code == 302
    with app.app_context():
        views = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "evaluation.supervisor_view")
        ).all()
        assert {v.details["page"] for v in views} == {"campaign", "task"}
        assert all(v.actor_id == ids["supervisor"] for v in views)
        assert db.session.get(RectificationTask, task_id).follow_up_note == "已督促整改"


def test_closure_counts_in_the_next_campaign(app_ctx, evaluation_on):
    ids = evaluation_on
    _campaign_with_problems(ids, year=2025)
    task = db.session.scalars(select(RectificationTask)).first()
    close_case(task.case, outcome="已调整午休轮岗", actor_id=ids["staff_a"])
    db.session.commit()
    nxt = make_campaign(ids, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31))
    c = codes(nxt, 1)
    evaluate(nxt, ids["staff_a"], "13800000009", c[0])
    campaigns.close_campaign(db.session.get(Campaign, nxt), ids["leader"])
    db.session.commit()
    row = db.session.scalar(
        select(OfficeResult).where(
            OfficeResult.campaign_id == nxt, OfficeResult.office_id == ids["A"]
        )
    )
    assert (row.rectification_total, row.rectification_closed, row.rectification_on_time) == (
        2,
        1,
        1,
    )
