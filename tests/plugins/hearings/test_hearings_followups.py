"""Questions: answered on the spot, or deferred to a core case with the right deadline and a
link back; the case's closing publishes the outcome and tells the participants."""

import pytest
from hearings_helpers import (
    hold,
    new_hearing,
)
from sqlalchemy import select
from support import post, text_of

from core.cases import Case, CaseStatus, close_case
from core.cases.categories import get_category
from core.extensions import db
from core.jobs import Notification
from core.kit import to_local
from core.publication import publish
from core.sla import Limit, LimitUnit, compute_due, working_days_between
from plugins.hearings import cases, followups, registration, services
from plugins.hearings.errors import HearingError
from plugins.hearings.models import (
    Hearing,
    HearingStatus,
    ParticipantMessage,
    Question,
    QuestionStatus,
)
from plugins.hearings.registration import Registration


def held_hearing_with_question(office_id, organiser_id=None):
    hearing = new_hearing(office_id, organiser_id=organiser_id)
    asker = registration.register(
        hearing.id,
        Registration(name="周桂芳", phone="13912345678", category="concerned", village="东桥村"),
    )
    db.session.commit()
    hold(hearing)
    question = followups.add_question(
        hearing,
        asker_name="周桂芳",
        asker_category="concerned",
        text="机井由谁维护？",
        attendee_id=asker.id,
    )
    db.session.commit()
    return hearing, question


def test_hook_case_categories_adds_hearing_followup_with_15_working_days(app):
    with app.app_context():
        spec = get_category("hearing_followup")
        assert spec is not None and spec.plugin == "hearings"
        assert spec.limit == Limit(15, LimitUnit.WORKING_DAYS)
        assert "15 个工作日" in spec.describe()


def test_deferred_answer_opens_a_linked_case_with_the_engine_deadline(app, hearings_on, users):
    with app.app_context():
        hearing, question = held_hearing_with_question(hearings_on["A"])
        case = followups.defer(
            question,
            reason="需县水利局认定产权",
            responsible_id=users["staff_a"],
            actor_id=users["leader"],
        )
        db.session.commit()
        case = db.session.get(Case, case.id)
        assert case.category == "hearing_followup" and case.channel.value == "meeting"
        assert (case.source_type, case.source_id) == ("hearing_question", str(question.id))
        assert case.handler_id == users["staff_a"] and case.office_id == hearings_on["A"]
        expected = compute_due(case.accepted_at, Limit(15, LimitUnit.WORKING_DAYS))
        assert case.due_at == expected.due_at
        accepted_day = to_local(case.accepted_at).date()
        assert working_days_between(accepted_day, expected.last_day) == 15
        question = db.session.get(Question, question.id)
        assert question.status == QuestionStatus.DEFERRED
        assert question.case_id == case.id and question.case_receipt_no == case.receipt_no
        assert question.due_at == case.due_at
        assert question.responsible_id == users["staff_a"]
        notice = db.session.scalar(
            select(Notification).where(Notification.user_id == users["staff_a"])
        )
        assert notice is not None and case.receipt_no in notice.body


def test_deferral_needs_a_reason_and_a_responsible_colleague(app, hearings_on, users):
    with app.app_context():
        hearing, question = held_hearing_with_question(hearings_on["A"])
        with pytest.raises(HearingError, match="请填写不能当场答复的原因"):
            followups.defer(question, reason=" ", responsible_id=users["staff_a"])
        with pytest.raises(HearingError, match="本单位在岗的工作人员"):
            followups.defer(question, reason="需调研", responsible_id=users["staff_b"])
        db.session.rollback()
        assert db.session.scalar(select(Case)) is None
        assert db.session.get(Question, question.id).status == QuestionStatus.RAISED


def test_hook_case_closed_publishes_the_outcome_and_the_results(app, client, hearings_on, users):
    with app.app_context():
        hearing, question = held_hearing_with_question(hearings_on["A"])
        case_id = followups.defer(
            question, reason="需县水利局认定产权", responsible_id=users["staff_a"]
        ).id
        services.save_minutes_draft(hearing, "纪要正文")
        services.publish_minutes(hearing)
        db.session.commit()
        hearing_id = hearing.id
    page = text_of(client.get(f"/o/A/hearings/{hearing_id}"))
    assert "会后限期答复" in page and "需县水利局认定产权" in page and "办理中" in page
    with app.app_context():
        case = db.session.get(Case, case_id)
        close_case(
            case,
            outcome="机井归村集体，由合作社出资维护，联系人电话 13800001111。",
            actor_id=users["staff_a"],
        )
        db.session.commit()
        question = db.session.scalar(select(Question))
        # Kept as the case says; residents get it through the gate (TEXT), number starred.
        assert question.outcome_at is not None
        assert publish(question).outcome.endswith("联系人电话 138****1111。")
        assert db.session.get(Hearing, hearing_id).status == HearingStatus.RESULTS_PUBLISHED
        bodies = db.session.scalars(select(ParticipantMessage.body)).all()
        assert any("已办结" in b for b in bodies)
        assert db.session.get(Case, case_id).status == CaseStatus.RESOLVED
    page = text_of(client.get(f"/o/A/hearings/{hearing_id}"))
    assert "办理结果" in page and "由合作社出资维护" in page and "结果已公开" in page
    assert "13800001111" not in page and "138****1111" in page


def test_other_cases_closing_are_ignored(app, hearings_on, users):
    with app.app_context():
        from core.cases import open_case

        case = open_case(
            office_id=hearings_on["A"],
            category="consultation",
            channel="window",
            subject="咨询低保政策",
            source_type="something_else",
            source_id="1",
        )
        db.session.flush()
        assert cases.on_case_closed(case) is None


def test_answers_on_the_spot_and_questions_over_http(app, client, hearings_on, users, login_as):
    with app.app_context():
        hearing = hold(new_hearing(hearings_on["A"]))
        hearing_id = hearing.id
    login_as("staff_a")
    post(
        client,
        f"/admin/hearings-desk/{hearing_id}/questions",
        {"asker_name": "王建国", "asker_category": "npc_deputy", "text": "退出条款写进合同了吗？"},
    )
    with app.app_context():
        q = db.session.scalar(select(Question))
        assert q.number == 1
    post(
        client,
        f"/admin/hearings-desk/{hearing_id}/questions/{q.id}/answer",
        {"answer": "已写入第 12 条。", "answered_by": "钱镇长"},
    )
    post(
        client,
        f"/admin/hearings-desk/{hearing_id}/questions",
        {"asker_name": "刘长顺", "asker_category": "concerned", "text": "租金何时发？"},
    )
    with app.app_context():
        q2 = db.session.scalar(select(Question).where(Question.number == 2))
    response = post(
        client,
        f"/admin/hearings-desk/{hearing_id}/questions/{q2.id}/defer",
        {"reason": "需与合作社商定", "responsible_id": str(users["staff_a"])},
        follow_redirects=True,
    )
    assert "已转为会后限期答复" in text_of(response)
    with app.app_context():
        rows = {q.number: q for q in db.session.scalars(select(Question))}
        assert rows[1].status == QuestionStatus.ANSWERED and rows[1].answered_by == "钱镇长"
        assert rows[2].status == QuestionStatus.DEFERRED and rows[2].case_id
    page = text_of(client.get(f"/o/A/hearings/{hearing_id}"))
    assert "王建国" in page and "刘某" in page and "刘长顺" not in page
    assert "已写入第 12 条" in page and "需与合作社商定" in page
