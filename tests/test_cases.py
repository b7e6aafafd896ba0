"""The case register's service layer: every transition, the first responder for life, limits,
extensions and their cap, pauses, agency, ratings, rectification, appeals, stale saves, hooks.

Each refused action is checked to change nothing: the case's version and rows stay as they were.
"""

import types
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm.exc import StaleDataError

from core import Manifest, hookimpl
from core.cases import (
    Case,
    CaseCategory,
    CaseError,
    CaseStatus,
    CategorySpec,
    close_case,
    open_case,
    receipts,
    services,
    transfer_case,
)
from core.cases.categories import get_category, load_categories
from core.cases.models import (
    AgencyRecord,
    CaseAttachment,
    CaseEvent,
    CaseOffice,
    Extension,
    OfficeCategoryLimit,
    Rating,
    RatingAppeal,
    Rectification,
)
from core.extensions import db
from core.models import User
from core.plugins import get_registry
from core.sla import Limit, LimitUnit, compute_due
from core.sla import colour as sla_colour
from core.time import LOCAL_ZONE as SH
from core.time import as_utc

# The day before National Day 2025 (holidays 10-01..10-08, make-up workdays 09-28 and 10-11).
BEFORE_NATIONAL_DAY = datetime(2025, 9, 30, 10, 0, tzinfo=SH)


@pytest.fixture
def people(app_ctx, users):
    """The conftest users as User objects, inside an app context."""
    return {name: db.session.get(User, uid) for name, uid in users.items()}


def new_case(
    people,
    category=CaseCategory.CONSULTATION.value,
    accepted_at=None,
    actor="staff_a",
    handler=True,
    **fields,
) -> Case:
    actor_user = people[actor]
    case = open_case(
        office_id=actor_user.office_id,
        category=category,
        channel="window",
        subject=fields.pop("subject", "宅基地审批咨询"),
        applicant_name="张三",
        applicant_phone="13812345678",
        applicant_id_number="110101199003071234",
        accepted_at=accepted_at,
        actor_id=actor_user.id,
        handler_id=actor_user.id if handler else None,
        **fields,
    )
    db.session.commit()
    return case


def snapshot(case: Case) -> tuple:
    """What must not change when an action is refused."""
    db.session.refresh(case)
    events = db.session.scalar(
        select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id)
    )
    return (
        case.version,
        case.status,
        case.office_id,
        case.handler_id,
        as_utc(case.due_at),
        case.extra_amount,
        events,
    )


def refused(case: Case, message_part: str, action) -> None:
    """``action()`` raises CaseError mentioning ``message_part`` and changes nothing."""
    before = snapshot(case)
    with pytest.raises(CaseError) as error:
        action()
    db.session.rollback()
    assert message_part in str(error.value)
    assert snapshot(case) == before


# --- intake --------------------------------------------------------------------------------


def test_open_case_computes_due_records_first_responder_and_receipt(people):
    case = new_case(people, accepted_at=BEFORE_NATIONAL_DAY)
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.first_responder_id == people["staff_a"].id
    assert case.first_office_id == case.office_id == people["staff_a"].office_id
    assert receipts.normalise(case.receipt_no) == case.receipt_no
    # 15 days from 09-30: 10-15 (a Wednesday, a working day) at 24:00.
    assert as_utc(case.due_at).astimezone(SH).date() == date(2025, 10, 15)
    assert (
        as_utc(case.due_at)
        == compute_due(BEFORE_NATIONAL_DAY, Limit(15, LimitUnit.CALENDAR_DAYS)).due_at
    )
    assert case.limit == Limit(15, LimitUnit.CALENDAR_DAYS)
    assert [e.kind for e in case.events] == ["opened"]
    assert case.events[0].actor_id == people["staff_a"].id


def test_default_categories_follow_the_rulebook(app_ctx):
    consultation = get_category("consultation")
    assert consultation.limit == Limit(15, LimitUnit.CALENDAR_DAYS)
    assert consultation.max_limit == Limit(1, LimitUnit.MONTHS)
    assert get_category("service").limit == Limit(3, LimitUnit.CALENDAR_DAYS)
    assert get_category("approval").limit == Limit(7, LimitUnit.CALENDAR_DAYS)
    commitment = get_category("service_commitment")
    assert (commitment.limit, commitment.max_limit) == (
        Limit(10, LimitUnit.CALENDAR_DAYS),
        Limit(30, LimitUnit.CALENDAR_DAYS),
    )


def test_service_days_are_configurable_between_one_and_three(app):
    from core.cases.categories import default_categories

    specs = {s.code: s for s in default_categories({"CASE_SERVICE_DAYS": 1})}
    assert specs["service"].limit == Limit(1, LimitUnit.CALENDAR_DAYS)
    with pytest.raises(ValueError):
        default_categories({"CASE_SERVICE_DAYS": 4})


def test_office_published_limit_applies_to_new_cases(people):
    db.session.add(
        OfficeCategoryLimit(
            office_id=people["staff_a"].office_id,
            category="approval",
            amount=5,
            unit="working_days",
            note="本所承诺",
        )
    )
    db.session.commit()
    case = new_case(people, category="approval", accepted_at=BEFORE_NATIONAL_DAY)
    assert case.limit == Limit(5, LimitUnit.WORKING_DAYS)
    # Five working days after 09-30, skipping 10-01..10-08, counting Saturday 10-11: 10-14.
    assert as_utc(case.due_at).astimezone(SH).date() == date(2025, 10, 14)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("category", "no_such_thing", "未知的事项类别"),
        ("channel", "carrier_pigeon", "未知的受理渠道"),
        ("subject", "   ", "请填写事由"),
    ],
)
def test_open_case_refuses_bad_input(people, field, value, message):
    values = {
        "office_id": people["staff_a"].office_id,
        "category": "consultation",
        "channel": "window",
        "subject": "x",
        "actor_id": people["staff_a"].id,
    }
    values[field] = value
    with pytest.raises(CaseError, match=message):
        open_case(**values)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_open_case_refuses_a_future_acceptance_and_another_office(people):
    with pytest.raises(CaseError, match="受理时间不能晚于当前时间"):
        open_case(
            office_id=people["staff_a"].office_id,
            category="service",
            channel="phone",
            subject="x",
            accepted_at=datetime.now(UTC) + timedelta(days=2),
            actor_id=people["staff_a"].id,
        )
    with pytest.raises(CaseError, match="只能为本单位登记案件"):
        open_case(
            office_id=people["staff_b"].office_id,
            category="service",
            channel="phone",
            subject="x",
            actor_id=people["staff_a"].id,
        )
    with pytest.raises(CaseError, match="只能查看"):
        open_case(
            office_id=people["auditor"].office_id,
            category="service",
            channel="phone",
            subject="x",
            actor_id=people["auditor"].id,
        )
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


# --- receipts ---------------------------------------------------------------------------------


def test_receipts_are_short_unambiguous_and_self_checking():
    seen = {receipts.new_receipt() for _ in range(2000)}
    assert len(seen) == 2000
    for receipt in list(seen)[:200]:
        assert len(receipt) == 10
        assert not set(receipt) & set("ILOU")
        assert receipts.normalise(receipts.display(receipt).lower()) == receipt
        # Any single mistyped character is caught by the check character.
        for i in range(10):
            for other in receipts.ALPHABET[:6]:
                if other != receipt[i]:
                    assert receipts.normalise(receipt[:i] + other + receipt[i + 1 :]) is None
    assert receipts.normalise("") is None
    assert receipts.normalise("ABC") is None


def test_receipt_reading_rules():
    body = "0123456789ABCDEFGH"[:9]
    receipt = body + receipts._check_char(body)
    typed = " o1-234 56 78" + receipt[-1].lower()
    assert receipts.normalise(typed) == receipt


# --- moving the case ---------------------------------------------------------------------


def test_accept_after_registration_without_handler(people):
    case = new_case(people, handler=False)
    assert case.status == CaseStatus.OPEN and case.handler_id is None
    services.accept_case(case, actor_id=people["staff_a"].id, note="我来办")
    db.session.commit()
    assert case.status == CaseStatus.IN_PROGRESS and case.handler_id == people["staff_a"].id
    assert case.events[-1].kind == "accepted"
    refused(case, "只有待签收", lambda: services.accept_case(case, actor_id=people["staff_a"].id))


def test_first_responder_survives_two_transfers_and_keeps_seeing_progress(people):
    case = new_case(people)
    responder = people["staff_a"]
    transfer_case(
        case, reason="属乙村事项", actor_id=responder.id, to_office_id=people["staff_b"].office_id
    )
    db.session.commit()
    assert case.status == CaseStatus.OPEN and case.step_kind == "sign_for"
    assert case.step_due_at is not None
    services.accept_case(case, actor_id=people["staff_b"].id)
    transfer_case(
        case,
        reason="需镇政府协调",
        actor_id=people["staff_b"].id,
        to_office_id=people["admin"].office_id,
    )
    db.session.commit()
    assert case.office_id == people["admin"].office_id
    assert case.first_responder_id == responder.id
    assert case.first_office_id == responder.office_id
    kinds = [e.kind for e in case.events]
    assert kinds == ["opened", "transferred", "accepted", "transferred"]
    moves = [(e.from_office_id, e.to_office_id) for e in case.events if e.kind == "transferred"]
    assert moves == [
        (responder.office_id, people["staff_b"].office_id),
        (people["staff_b"].office_id, people["admin"].office_id),
    ]
    assert all(e.note for e in case.events if e.kind == "transferred")
    # Still visible to the first responder and their office, not to office B any more.
    assert services.may_view(responder, case)
    assert services.may_view(people["leader"], case)
    assert not services.may_view(people["staff_b"], case)
    assert not services.may_act(responder, case)
    # The first responder may still add a progress note (跟踪督促).
    services.add_note(case, note="已电话询问进展", actor_id=responder.id)
    db.session.commit()
    assert case.events[-1].kind == "note"


def test_transfer_refuses_bad_input(people):
    case = new_case(people)
    refused(
        case,
        "请填写转办理由",
        lambda: transfer_case(
            case,
            reason=" ",
            actor_id=people["staff_a"].id,
            to_office_id=people["staff_b"].office_id,
        ),
    )
    refused(
        case,
        "请选择转办的单位或人员",
        lambda: transfer_case(case, reason="x", actor_id=people["staff_a"].id),
    )
    refused(
        case,
        "案件已在该单位办理",
        lambda: transfer_case(
            case, reason="x", actor_id=people["staff_a"].id, to_office_id=case.office_id
        ),
    )
    refused(
        case,
        "所选人员不属于所选单位",
        lambda: transfer_case(
            case,
            reason="x",
            actor_id=people["staff_a"].id,
            to_office_id=people["staff_b"].office_id,
            to_user_id=people["leader"].id,
        ),
    )
    refused(
        case,
        "只有承办单位或首问责任人",
        lambda: transfer_case(
            case,
            reason="x",
            actor_id=people["staff_b"].id,
            to_office_id=people["staff_b"].office_id,
        ),
    )


def test_transfer_to_a_person_and_hand_back(people):
    case = new_case(people)
    transfer_case(
        case, reason="请乙村办理", actor_id=people["staff_a"].id, to_user_id=people["staff_b"].id
    )
    db.session.commit()
    assert case.handler_id == people["staff_b"].id and case.office_id == people["staff_b"].office_id
    services.hand_back(case, reason="不属本村职责", actor_id=people["staff_b"].id)
    db.session.commit()
    assert case.office_id == people["staff_a"].office_id
    assert case.handler_id == people["staff_a"].id
    assert case.step_kind == "hand_back" and case.status == CaseStatus.OPEN
    refused(
        case,
        "只有转来待签收的案件可以退回",
        lambda: services.hand_back(case, reason="x", actor_id=people["staff_a"].id),
    )


def test_escalate_to_a_leader_who_signs_for_it(people):
    case = new_case(people, handler=False)
    services.escalate_to_leader(
        case, leader_id=people["leader"].id, reason="无人能办", actor_id=people["staff_a"].id
    )
    db.session.commit()
    assert case.status == CaseStatus.WITH_LEADER and case.handler_id == people["leader"].id
    refused(
        case, "只能由该领导签收", lambda: services.accept_case(case, actor_id=people["staff_a"].id)
    )
    services.accept_case(case, actor_id=people["leader"].id)
    db.session.commit()
    assert case.status == CaseStatus.IN_PROGRESS
    refused(
        case,
        "请选择一位领导",
        lambda: services.escalate_to_leader(
            case, leader_id=people["staff_b"].id, reason="x", actor_id=people["staff_a"].id
        ),
    )


def test_multi_office_matter_lead_and_notified_offices(people):
    case = new_case(people)
    b = people["staff_b"].office_id
    assert not services.may_view(people["staff_b"], case)
    services.notify_offices(
        case, office_ids=[b], note="涉及乙村土地", actor_id=people["staff_a"].id
    )
    db.session.commit()
    roles = {row.office_id: row.role for row in db.session.scalars(select(CaseOffice))}
    assert roles == {case.first_office_id: "lead", b: "notified"}
    assert services.may_view(people["staff_b"], case)
    assert not services.may_act(people["staff_b"], case)
    refused(
        case,
        "尚未知会",
        lambda: services.notify_offices(
            case, office_ids=[b], note="again", actor_id=people["staff_a"].id
        ),
    )


# --- clock: pauses, deadlines, extensions ------------------------------------------------


def test_pause_and_resume_add_the_paused_days_back(people):
    accepted = datetime.now(UTC) - timedelta(days=5)
    case = new_case(people, category="service_commitment", accepted_at=accepted)
    original_due = as_utc(case.due_at)
    services.pause_case(
        case, reason="material", note="缺户口簿复印件", actor_id=people["staff_a"].id
    )
    db.session.commit()
    assert case.status == CaseStatus.PAUSED and case.paused_since is not None
    refused(
        case, "请先恢复计时", lambda: close_case(case, outcome="x", actor_id=people["staff_a"].id)
    )
    # The material arrived three days later.
    started = datetime.now(UTC) - timedelta(days=3)
    case.pauses[0].started_at = started
    case.paused_since = started
    db.session.commit()
    services.resume_case(case, actor_id=people["staff_a"].id, note="材料已补齐")
    db.session.commit()
    assert case.status == CaseStatus.IN_PROGRESS and case.paused_since is None
    expected = compute_due(
        accepted,
        Limit(10, LimitUnit.CALENDAR_DAYS),
        pauses=[(started, as_utc(case.pauses[0].ended_at))],
    )
    assert as_utc(case.due_at) == expected.due_at
    assert as_utc(case.due_at) > original_due
    assert any(
        "暂停" in line or "中止" in line or "补" in line
        for line in services.explain_due(case).explanation
    )
    refused(
        case, "没有在暂停计时", lambda: services.resume_case(case, actor_id=people["staff_a"].id)
    )


def test_pause_needs_a_known_reason_and_a_note(people):
    case = new_case(people)
    refused(
        case,
        "请选择暂停计时的原因",
        lambda: services.pause_case(case, reason="lunch", note="x", actor_id=people["staff_a"].id),
    )
    refused(
        case,
        "请说明",
        lambda: services.pause_case(
            case, reason="third_party", note="", actor_id=people["staff_a"].id
        ),
    )


def test_paused_case_keeps_its_colour(people):
    case = new_case(people, category="service")
    services.pause_case(
        case, reason="third_party", note="征求国土所意见", actor_id=people["staff_a"].id
    )
    db.session.commit()
    far_future = as_utc(case.due_at) + timedelta(days=30)
    assert case.colour(far_future) == case.colour(as_utc(case.paused_since))


def test_extension_within_the_cap_approved_by_a_leader(people):
    case = new_case(people, accepted_at=BEFORE_NATIONAL_DAY)
    extension = services.request_extension(
        case, amount=10, reason="需请示县局", actor_id=people["staff_a"].id
    )
    db.session.commit()
    refused(
        case,
        "已有一项延期申请待领导审批",
        lambda: services.request_extension(
            case, amount=1, reason="x", actor_id=people["staff_a"].id
        ),
    )
    refused(
        case,
        "只有分管领导可以审批延期",
        lambda: services.approve_extension(extension, actor_id=people["staff_a"].id),
    )
    services.approve_extension(extension, actor_id=people["leader"].id, note="同意")
    db.session.commit()
    assert extension.status == "approved" and case.extra_amount == 10
    # 25 days from 09-30 end on Saturday 10-25 and move to Monday 10-27.
    assert as_utc(case.due_at).astimezone(SH).date() == date(2025, 10, 27)
    assert [e.kind for e in case.events][-2:] == ["extension_requested", "extension_approved"]


def test_extension_past_the_cap_is_refused(people):
    case = new_case(people, accepted_at=BEFORE_NATIONAL_DAY)
    # One month from 09-30 is 10-30; 15 + 20 days would end on 11-04.
    refused(
        case,
        "超过该类事项最长 1 个月",
        lambda: services.request_extension(
            case, amount=20, reason="需请示", actor_id=people["staff_a"].id
        ),
    )
    assert db.session.scalar(select(func.count()).select_from(Extension)) == 0


def test_extension_refused_and_not_for_categories_without_a_cap(people):
    case = new_case(people)
    extension = services.request_extension(
        case, amount=5, reason="需调查", actor_id=people["staff_a"].id
    )
    db.session.commit()
    due = as_utc(case.due_at)
    refused(
        case,
        "请填写不同意的理由",
        lambda: services.refuse_extension(extension, actor_id=people["leader"].id, note=""),
    )
    services.refuse_extension(extension, actor_id=people["leader"].id, note="期限内可以办完")
    db.session.commit()
    assert extension.status == "refused" and as_utc(case.due_at) == due
    service_case = new_case(people, category="service")
    refused(
        service_case,
        "不能延期",
        lambda: services.request_extension(
            service_case, amount=1, reason="x", actor_id=people["staff_a"].id
        ),
    )
    refused(
        service_case,
        "延期时长必须是正整数",
        lambda: services.request_extension(
            case, amount=0, reason="x", actor_id=people["staff_a"].id
        ),
    )


def test_leader_cannot_approve_own_extension(people):
    case = new_case(people)
    extension = services.request_extension(case, amount=3, reason="x", actor_id=people["leader"].id)
    db.session.commit()
    refused(
        case,
        "不能审批自己提出的",
        lambda: services.approve_extension(extension, actor_id=people["leader"].id),
    )


def test_leader_sets_a_deadline_but_not_in_the_past_nor_beyond_the_cap(people):
    case = new_case(people, category="service_commitment")
    today = datetime.now(SH).date()
    refused(
        case,
        "已经过去",
        lambda: services.set_deadline(
            case, last_day=today - timedelta(days=1), reason="x", actor_id=people["leader"].id
        ),
    )
    refused(
        case,
        "只有分管领导",
        lambda: services.set_deadline(
            case, last_day=today + timedelta(days=5), reason="x", actor_id=people["staff_a"].id
        ),
    )
    refused(
        case,
        "不能超过",
        lambda: services.set_deadline(
            case, last_day=today + timedelta(days=60), reason="x", actor_id=people["leader"].id
        ),
    )
    target = today + timedelta(days=20)
    services.set_deadline(
        case, last_day=target, reason="领导确定 20 日", actor_id=people["leader"].id
    )
    db.session.commit()
    assert as_utc(case.due_at).astimezone(SH).date() >= target
    assert case.events[-1].kind == "deadline_set"


# --- agency --------------------------------------------------------------------------------


def test_agency_delivery_and_leader_sign_off(people):
    case = new_case(people)
    agency = services.start_agency(
        case, reason="需县局审批，当日办不完", actor_id=people["staff_a"].id
    )
    db.session.commit()
    assert agency.agent_id == people["staff_a"].id
    refused(
        case,
        "已有一项代办尚未送达",
        lambda: services.start_agency(case, reason="x", actor_id=people["staff_a"].id),
    )
    refused(
        case,
        "送达之后才能签字确认",
        lambda: services.sign_off_agency(agency, actor_id=people["leader"].id),
    )
    refused(
        case,
        "送达时间不能晚于当前时间",
        lambda: services.record_delivery(
            agency,
            delivered_at=datetime.now(UTC) + timedelta(hours=2),
            items="批文",
            actor_id=people["staff_a"].id,
        ),
    )
    services.record_delivery(
        agency,
        delivered_at=datetime.now(UTC),
        items="不动产权证书一本",
        actor_id=people["staff_a"].id,
    )
    db.session.commit()
    refused(
        case,
        "只有分管领导",
        lambda: services.sign_off_agency(agency, actor_id=people["staff_a"].id),
    )
    services.sign_off_agency(agency, actor_id=people["leader"].id, note="已核实")
    db.session.commit()
    record = db.session.get(AgencyRecord, agency.id)
    assert (
        record.delivered_by_id == people["staff_a"].id
        and record.signed_off_by_id == people["leader"].id
    )
    kinds = [e.kind for e in case.events]
    assert kinds[-3:] == ["agency_started", "agency_delivered", "agency_signed_off"]


# --- attachments ---------------------------------------------------------------------------


def test_attachment_type_and_size_checked(people, app):
    case = new_case(people)
    pdf = b"%PDF-1.7\n" + b"0" * 100
    item = services.add_attachment(
        case, filename="申请书.pdf", data=pdf, actor_id=people["staff_a"].id
    )
    db.session.commit()
    assert item.content_type == "application/pdf" and item.size == len(pdf)
    refused(
        case,
        "不支持该文件类型",
        lambda: services.add_attachment(
            case, filename="virus.exe", data=b"MZ\x90\x00", actor_id=people["staff_a"].id
        ),
    )
    refused(
        case,
        "文件内容与扩展名",
        lambda: services.add_attachment(
            case, filename="photo.jpg", data=b"%PDF-1.4 not a jpeg", actor_id=people["staff_a"].id
        ),
    )
    app.config["CASE_ATTACHMENT_MAX_BYTES"] = 50
    try:
        refused(
            case,
            "文件过大",
            lambda: services.add_attachment(
                case, filename="big.pdf", data=pdf, actor_id=people["staff_a"].id
            ),
        )
    finally:
        app.config.pop("CASE_ATTACHMENT_MAX_BYTES")
    assert db.session.scalar(select(func.count()).select_from(CaseAttachment)) == 1


# --- finishing, rating, rectification, appeal -------------------------------------------


def resolved_case(people) -> Case:
    case = new_case(people)
    close_case(case, outcome="已答复：符合条件，予以办理", actor_id=people["staff_a"].id)
    db.session.commit()
    return case


def test_resolve_then_archive(people):
    case = new_case(people)
    refused(
        case, "请填写办理结果", lambda: close_case(case, outcome="", actor_id=people["staff_a"].id)
    )
    close_case(case, outcome="已办理", actor_id=people["staff_a"].id)
    db.session.commit()
    assert case.status == CaseStatus.RESOLVED and case.closed_at is not None
    refused(
        case,
        "案件已办结",
        lambda: transfer_case(
            case,
            reason="x",
            actor_id=people["staff_a"].id,
            to_office_id=people["staff_b"].office_id,
        ),
    )
    services.archive_case(case, actor_id=people["staff_a"].id)
    db.session.commit()
    assert case.status == CaseStatus.CLOSED


def test_rating_once_only_and_only_after_resolution(people):
    case = new_case(people)
    refused(case, "尚未办结", lambda: services.rate_case(case, grade="satisfied"))
    close_case(case, outcome="已办理", actor_id=people["staff_a"].id)
    db.session.commit()
    refused(case, "请选择评价等级", lambda: services.rate_case(case, grade="meh"))
    services.rate_case(case, grade="very_satisfied", comment="办事快")
    db.session.commit()
    assert case.status == CaseStatus.CLOSED
    refused(case, "只能评价一次", lambda: services.rate_case(case, grade="very_dissatisfied"))
    assert db.session.scalar(select(func.count()).select_from(Rating)) == 1
    assert case.events[-1].kind == "rated" and case.events[-1].actor_name == "群众"


def test_bad_rating_opens_rectification_with_follow_up(people):
    case = resolved_case(people)
    services.rate_case(case, grade="dissatisfied", comment="跑了三趟")
    db.session.commit()
    rectification = db.session.scalar(select(Rectification))
    assert rectification.assignee_id == people["officeadmin"].id
    assert rectification.office_id == case.office_id
    opened = as_utc(rectification.opened_at)
    expected = compute_due(opened, Limit(15, LimitUnit.WORKING_DAYS)).due_at
    assert as_utc(rectification.due_at) == expected
    assert case.status == CaseStatus.RESOLVED  # stays open for the rectification
    refused(
        case,
        "整改和回访完成之前不能归档",
        lambda: services.archive_case(case, actor_id=people["staff_a"].id),
    )
    with pytest.raises(CaseError, match="整改完成后才能登记回访"):
        services.record_follow_up(
            rectification,
            called_at=datetime.now(UTC),
            reached=True,
            resident_grade="satisfied",
            actor_id=people["officeadmin"].id,
        )
    with pytest.raises(CaseError, match="只有单位负责人"):
        services.complete_rectification(rectification, measures="x", actor_id=people["staff_a"].id)
    db.session.rollback()
    services.complete_rectification(
        rectification, measures="窗口增设材料清单", actor_id=people["officeadmin"].id
    )
    db.session.commit()
    with pytest.raises(CaseError, match="请记录其对整改的评价"):
        services.record_follow_up(
            rectification,
            called_at=datetime.now(UTC),
            reached=True,
            actor_id=people["officeadmin"].id,
        )
    db.session.rollback()
    services.record_follow_up(
        rectification,
        called_at=datetime.now(UTC),
        reached=False,
        note="无人接听",
        actor_id=people["officeadmin"].id,
    )
    services.record_follow_up(
        rectification,
        called_at=datetime.now(UTC),
        reached=True,
        resident_grade="satisfied",
        note="群众认可",
        actor_id=people["leader"].id,
    )
    db.session.commit()
    assert rectification.status == "followed_up" and len(rectification.calls) == 2
    assert case.status == CaseStatus.CLOSED


def test_rating_appeal_decided_by_a_leader(people):
    case = resolved_case(people)
    rating = services.rate_case(case, grade="very_dissatisfied", comment="乱评")
    db.session.commit()
    with pytest.raises(CaseError, match="只有被评价单位可以申诉"):
        services.file_appeal(
            rating, reason="malicious", statement="x", actor_id=people["staff_b"].id
        )
    db.session.rollback()
    appeal = services.file_appeal(
        rating,
        reason="malicious",
        statement="评价人非当事人，通话录音为证",
        actor_id=people["staff_a"].id,
    )
    db.session.commit()
    with pytest.raises(CaseError, match="不能重复申诉"):
        services.file_appeal(
            rating, reason="mistaken", statement="x", actor_id=people["staff_a"].id
        )
    with pytest.raises(CaseError, match="只有分管领导可以裁定"):
        services.decide_appeal(appeal, upheld=True, note="x", actor_id=people["officeadmin"].id)
    db.session.rollback()
    services.decide_appeal(
        appeal, upheld=True, note="录音核实，属恶意评价", actor_id=people["leader"].id
    )
    db.session.commit()
    assert db.session.get(RatingAppeal, appeal.id).status == "upheld"
    assert db.session.get(Rating, rating.id).voided
    assert db.session.scalar(select(Rectification)).status == "cancelled"
    with pytest.raises(CaseError, match="已经裁定"):
        services.decide_appeal(appeal, upheld=False, note="x", actor_id=people["leader"].id)


# --- concurrency -----------------------------------------------------------------------------


def test_stale_version_is_refused_and_nothing_is_overwritten(people):
    case = new_case(people)
    seen_by_both = case.version
    services.edit_case(
        case, actor_id=people["staff_a"].id, expected_version=seen_by_both, subject="第一个人的修改"
    )
    db.session.commit()
    refused(
        case,
        "该记录已被他人修改",
        lambda: services.edit_case(
            case,
            actor_id=people["officeadmin"].id,
            expected_version=seen_by_both,
            subject="第二个人的修改",
        ),
    )
    assert case.subject == "第一个人的修改"
    refused(
        case,
        "该记录已被他人修改",
        lambda: services.pause_case(
            case,
            reason="material",
            note="x",
            actor_id=people["staff_a"].id,
            expected_version=seen_by_both,
        ),
    )


def test_version_column_refuses_a_concurrent_flush(people):
    case = new_case(people)
    # Another process saves between our read and our write.
    db.session.execute(
        update(Case)
        .where(Case.id == case.id)
        .values(version=Case.version + 1)
        .execution_options(synchronize_session=False)
    )
    case.subject = "覆盖他人的修改"
    with pytest.raises(StaleDataError):
        db.session.commit()
    db.session.rollback()


# --- colours -------------------------------------------------------------------------------


def test_colour_matches_the_engine_rule(people):
    case = new_case(people, accepted_at=BEFORE_NATIONAL_DAY)
    due = as_utc(case.due_at)
    accepted = as_utc(case.accepted_at)
    moments = [accepted + timedelta(hours=h) for h in range(0, 16 * 24 + 12, 5)]
    for moment in moments:
        assert case.colour(moment) == sla_colour(moment, accepted, due), moment
    assert case.colour(due + timedelta(seconds=1)) == "red"
    close_case(case, outcome="x", actor_id=people["staff_a"].id)
    assert case.colour() == "closed"


# --- hooks ---------------------------------------------------------------------------------


def _plugin(name, **hooks):
    module = types.ModuleType(f"cases_test_{name}")
    module.manifest = Manifest(name=name, title=name, version="0")
    for hook_name, function in hooks.items():
        function.__name__ = hook_name
        setattr(module, hook_name, hookimpl(function))
    return module


def test_hook_case_categories(app, people):
    def case_categories():
        return [
            CategorySpec(
                "petition_handle",
                "信访事项",
                Limit(60, LimitUnit.CALENDAR_DAYS),
                Limit(90, LimitUnit.CALENDAR_DAYS),
            ),
            CategorySpec("consultation", "重名", Limit(1, LimitUnit.CALENDAR_DAYS)),
        ]

    registry = get_registry(app)
    plugin = _plugin("petitions_test", case_categories=case_categories)
    registry.pm.register(plugin, name="petitions_test")
    registry.manifests["petitions_test"] = plugin.manifest
    try:
        load_categories(app)
        spec = get_category("petition_handle")
        assert spec.plugin == "petitions_test" and spec.max_limit.amount == 90
        # A plugin cannot replace a core category.
        assert get_category("consultation").plugin is None
        assert get_category("consultation").limit.amount == 15
        case = open_case(
            office_id=people["staff_a"].office_id,
            category="petition_handle",
            channel="letter",
            subject="来信",
            actor_id=people["staff_a"].id,
        )
        assert case.limit == Limit(60, LimitUnit.CALENDAR_DAYS)
        db.session.rollback()
    finally:
        registry.pm.unregister(name="petitions_test")
        del registry.manifests["petitions_test"]
        load_categories(app)
    assert get_category("petition_handle") is None


def test_hook_case_closed(app, people):
    seen = []

    def case_closed(case):
        seen.append((case.source_type, case.source_id, case.outcome, case.status))

    registry = get_registry(app)
    plugin = _plugin("hearings_test", case_closed=case_closed)
    registry.pm.register(plugin, name="hearings_test")
    try:
        case = new_case(people, source_type="hearing_question", source_id=42)
        close_case(case, outcome="已现场答复", actor_id=people["staff_a"].id)
        db.session.commit()
    finally:
        registry.pm.unregister(name="hearings_test")
    assert seen == [("hearing_question", "42", "已现场答复", CaseStatus.RESOLVED)]


def test_case_closed_hook_failure_does_not_stop_closing(app, people):
    def case_closed(case):
        raise RuntimeError("plugin bug")

    registry = get_registry(app)
    plugin = _plugin("broken_test", case_closed=case_closed)
    registry.pm.register(plugin, name="broken_test")
    try:
        case = new_case(people)
        close_case(case, outcome="已办理", actor_id=people["staff_a"].id)
        db.session.commit()
    finally:
        registry.pm.unregister(name="broken_test")
        registry.failures.pop("broken_test", None)
    assert db.session.get(Case, case.id).status == CaseStatus.RESOLVED


def test_annual_quota_counts_resolved_cases_per_person(people):
    from core.cases.queries import annual_quota

    for _ in range(5):
        close_case(new_case(people), outcome="已办", actor_id=people["staff_a"].id)
    close_case(new_case(people, actor="leader"), outcome="已办", actor_id=people["leader"].id)
    new_case(people, actor="staff_b")  # still open: does not count
    db.session.commit()
    year = datetime.now(SH).year
    rows = {r.user.username: r for r in annual_quota(None, year)}
    assert (rows["staff_a"].handled, rows["staff_a"].short) == (5, 0)
    assert (rows["leader"].handled, rows["leader"].required, rows["leader"].short) == (1, 10, 9)
    assert (rows["staff_b"].handled, rows["staff_b"].short) == (0, 5)
    assert "admin" not in rows and "auditor" not in rows
    mine = annual_quota({people["staff_a"].office_id}, year)
    assert {r.user.username for r in mine} == {"staff_a", "leader"}
    assert [r.user.username for r in mine][0] == "leader"  # the one furthest short first
    assert annual_quota(None, year - 1)[0].handled == 0
