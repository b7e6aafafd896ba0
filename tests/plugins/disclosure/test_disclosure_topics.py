"""群众点题公开: a resident's topic opens a core case with the 15-day limit (one month at most)
and a receipt; bad input is refused with a Chinese message and nothing stored; answering
publishes an item and closes the case; declining needs a ground and a reason; a case closed
on the core's screen answers the topic; withdrawing an item keeps its row."""

import pytest
from disclosure_helpers import (  # noqa: F401
    RESIDENT_NAME,
    RESIDENT_PHONE,
    ask,
    client_for,
    published,
    user,
)
from sqlalchemy import func, select
from support import post, text_of

from core.cases import Case, CaseStatus, close_case
from core.extensions import db
from core.models import Office
from core.sla import Limit, LimitUnit
from plugins.disclosure import services
from plugins.disclosure.errors import DisclosureError
from plugins.disclosure.models import (
    DeclineGround,
    DisclosureItem,
    DisclosureTopic,
    ItemCategory,
    TopicStatus,
)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_category_has_the_rulebook_limit(app):
    with app.app_context():
        from core.cases.categories import get_category

        spec = get_category("disclosure_topic")
        assert spec.plugin == "disclosure"
        assert spec.limit == Limit(15, LimitUnit.CALENDAR_DAYS)
        assert spec.max_limit == Limit(1, LimitUnit.MONTHS)


def test_public_form_opens_a_case_with_the_15_day_limit_and_shows_the_receipt(
    app, client, disclosure_on
):
    response = post(
        client,
        "/o/A/disclosure/topic",
        {
            "topic": "村村通道路硬化工程的资金来源",
            "details": "想知道预算和施工单位",
            "name": RESIDENT_NAME,
            "phone": "139-0471-5566",
        },
    )
    assert response.status_code == 302
    thanks = client.get(response.headers["Location"])
    with app.app_context():
        topic = db.session.scalar(select(DisclosureTopic))
        case = db.session.get(Case, topic.case_id)
        assert topic.office_id == disclosure_on["A"] and topic.status == TopicStatus.OPEN
        assert topic.receipt_no == case.receipt_no
        assert case.category == "disclosure_topic" and case.channel.value == "online"
        assert (case.limit_amount, case.limit_unit) == (15, "calendar_days")
        assert case.applicant_name == RESIDENT_NAME and case.applicant_phone == RESIDENT_PHONE
        assert case.source_type == "disclosure_topic" and case.source_id == str(topic.id)
        assert case.office_id == disclosure_on["A"] and case.is_active
        receipt = case.receipt_no
    # The topic row holds no name or phone: they live on the case only.
    columns = set(DisclosureTopic.__table__.columns.keys())
    assert not {c for c in columns if "name" in c or "phone" in c}
    page = text_of(thanks)
    assert thanks.status_code == 200 and receipt in page and "凭回执号查询" in page
    assert "/cases/" in thanks.get_data(as_text=True)
    # The core's receipt lookup finds it.
    lookup = post(client, "/cases/", {"receipt": receipt})
    assert lookup.status_code == 200 and "点题公开" in text_of(lookup)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"topic": "", "name": "王秀英", "phone": "13904715566"}, "请填写想了解的事项。"),
        ({"topic": "低保", "name": "王秀英", "phone": "13904715566"}, "想了解的事项至少 4 个字。"),
        ({"topic": "低保名单和标准", "name": "", "phone": "13904715566"}, "请填写姓名。"),
        ({"topic": "低保名单和标准", "name": "王秀英", "phone": ""}, "请填写联系电话。"),
        ({"topic": "低保名单和标准", "name": "王秀英", "phone": "12345"}, "请填写正确的手机号码"),
        ({"topic": "低" * 201, "name": "王秀英", "phone": "13904715566"}, "不能超过 200 个字"),
        (
            {
                "topic": "低保名单和标准",
                "name": "王秀英",
                "phone": "13904715566",
                "details": "x" * 2001,
            },
            "具体说明不能超过 2000 个字。",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(
    app, client, disclosure_on, data, message
):
    response = post(client, "/o/A/disclosure/topic", data)
    assert response.status_code == 400
    assert message in text_of(response)
    with app.app_context():
        assert _count(DisclosureTopic) == 0 and _count(Case) == 0


def test_missing_csrf_token_is_refused(app, client, disclosure_on):
    response = client.post(
        "/o/A/disclosure/topic",
        data={"topic": "低保名单和标准", "name": "王秀英", "phone": "13904715566"},
    )
    assert response.status_code == 400 and "已过期" in text_of(response)
    with app.app_context():
        assert _count(DisclosureTopic) == 0


def test_answer_publishes_an_item_and_closes_the_case(app, disclosure_on):
    with app.app_context():
        topic = ask(disclosure_on["A"])
        item = services.answer_topic(
            topic,
            actor_id=user("staff_a").id,
            category="results",
            stage="after",
            title="2026 年低保名单和保障标准",
            body="保障标准：每人每月 720 元。",
        )
        db.session.commit()
        case = db.session.get(Case, topic.case_id)
        assert item.is_public and item.created_by_id == user("staff_a").id
        assert topic.status == TopicStatus.ANSWERED and topic.answer_item_id == item.id
        assert topic.answered_by_id == user("staff_a").id and topic.answered_at is not None
        assert case.status == CaseStatus.RESOLVED and "2026 年低保名单和保障标准" in case.outcome
        with pytest.raises(DisclosureError, match="已经办结"):
            services.answer_topic(topic, actor_id=user("staff_a").id, item=item)


def test_answer_may_point_to_an_item_already_on_the_board(app, disclosure_on):
    with app.app_context():
        item = published(disclosure_on["A"])
        other = published(disclosure_on["B"], title="乙村财务收支")
        topic = ask(disclosure_on["A"], "宅基地怎么申请")
        with pytest.raises(DisclosureError, match="只能引用本单位已公开的事项"):
            services.answer_topic(topic, actor_id=user("staff_a").id, item=other)
        db.session.rollback()
        services.answer_topic(topic, actor_id=user("staff_a").id, item=item)
        db.session.commit()
        assert topic.answer_item_id == item.id and _count(DisclosureItem) == 2


def test_answer_with_bad_input_changes_nothing(app, disclosure_on):
    with app.app_context():
        topic = ask(disclosure_on["A"])
        with pytest.raises(DisclosureError, match="请填写标题"):
            services.answer_topic(
                topic, actor_id=user("staff_a").id, category="results", title=" ", body="正文"
            )
        db.session.rollback()
        with pytest.raises(DisclosureError, match="请选择公开类别"):
            services.answer_topic(
                topic, actor_id=user("staff_a").id, category="nonsense", title="标题", body="正文"
            )
        db.session.rollback()
        topic = db.session.get(DisclosureTopic, topic.id)
        assert topic.status == TopicStatus.OPEN and _count(DisclosureItem) == 0
        assert db.session.get(Case, topic.case_id).is_active


def test_decline_needs_a_reason_and_closes_the_case_with_it(app, disclosure_on):
    with app.app_context():
        topic = ask(disclosure_on["A"], "某企业的投标报价明细")
        with pytest.raises(DisclosureError, match="请填写不予公开的理由"):
            services.decline_topic(
                topic,
                actor_id=user("staff_a").id,
                ground=DeclineGround.BUSINESS_SECRET,
                reason="  ",
            )
        db.session.rollback()
        with pytest.raises(DisclosureError, match="请选择不予公开的依据"):
            services.decline_topic(topic, actor_id=user("staff_a").id, ground="whim", reason="不想")
        db.session.rollback()
        topic = db.session.get(DisclosureTopic, topic.id)
        assert topic.status == TopicStatus.OPEN
        services.decline_topic(
            topic,
            actor_id=user("staff_a").id,
            ground="business_secret",
            reason="投标报价属于企业商业秘密，依法不予公开；中标结果已公示。",
        )
        db.session.commit()
        case = db.session.get(Case, topic.case_id)
        assert topic.status == TopicStatus.DECLINED
        assert topic.decline_ground == DeclineGround.BUSINESS_SECRET
        assert case.status == CaseStatus.RESOLVED and "商业秘密" in case.outcome


def test_decline_on_the_desk_without_a_reason_is_refused(app, disclosure_on):
    with app.app_context():
        topic_id = ask(disclosure_on["A"]).id
    staff = client_for(app, "staff_a")
    response = post(
        staff,
        f"/admin/disclosure-desk/topic/{topic_id}/decline",
        {"ground": "privacy", "reason": ""},
        follow_redirects=True,
    )
    assert "请填写不予公开的理由。" in text_of(response)
    with app.app_context():
        assert db.session.get(DisclosureTopic, topic_id).status == TopicStatus.OPEN


def test_case_closed_on_the_core_screen_answers_the_topic(app, disclosure_on):
    with app.app_context():
        topic = ask(disclosure_on["A"])
        close_case(
            db.session.get(Case, topic.case_id),
            outcome="已电话答复，名单见村公开栏。",
            actor_id=user("staff_a").id,
        )
        db.session.commit()
        topic = db.session.get(DisclosureTopic, topic.id)
        assert topic.status == TopicStatus.ANSWERED
        assert topic.answer_note == "已电话答复，名单见村公开栏。"


def test_withdraw_goes_through_the_core_keeps_the_row_and_stays_withdrawn(app, disclosure_on):
    from core.publication.withdrawal import Withdrawal

    with app.app_context():
        item = published(disclosure_on["A"])
        with pytest.raises(DisclosureError, match="请填写撤回原因"):
            services.withdraw_item(item, actor_id=user("leader").id, reason="")
        db.session.rollback()
        # Only a leader of the office (or the township admin) withdraws what is published.
        with pytest.raises(DisclosureError, match="只有本单位领导或全镇管理员"):
            services.withdraw_item(item, actor_id=user("staff_a").id, reason="政策已调整，待更新")
        db.session.rollback()
        services.withdraw_item(item, actor_id=user("leader").id, reason="政策已调整，待更新")
        db.session.commit()
        item = db.session.get(DisclosureItem, item.id)
        assert not item.is_public and item.withdrawal.reason == "政策已调整，待更新"
        assert item.withdrawal.withdrawn_by_id == user("leader").id
        assert item.title == "农村宅基地审批办事指南" and item.published_at is not None
        assert _count(Withdrawal) == 1
        with pytest.raises(DisclosureError, match="已经撤回"):
            services.withdraw_item(item, actor_id=user("leader").id, reason="再撤一次")
        db.session.rollback()
        # The notice keeps its place: a correction is a new item, not the withdrawn one again.
        with pytest.raises(DisclosureError, match="已撤回的事项不能再次公开"):
            services.publish_item(
                db.session.get(DisclosureItem, item.id), actor_id=user("staff_a").id
            )
        db.session.rollback()
        draft = services.create_item(
            disclosure_on["A"], category="other", title="草稿", body="正文", actor_id=None
        )
        db.session.flush()
        with pytest.raises(DisclosureError, match="尚未公开"):
            services.withdraw_item(draft, actor_id=user("leader").id, reason="撤回草稿")


def test_staff_of_another_office_cannot_act_through_the_service(app, disclosure_on):
    with app.app_context():
        topic = ask(disclosure_on["A"])
        item = published(disclosure_on["A"])
        for call in (
            lambda: services.answer_topic(topic, actor_id=user("staff_b").id, item=item),
            lambda: services.decline_topic(
                topic, actor_id=user("staff_b").id, ground="privacy", reason="涉及个人隐私"
            ),
            lambda: services.withdraw_item(item, actor_id=user("staff_b").id, reason="撤回"),
            lambda: services.withdraw_answer(topic, actor_id=user("staff_b").id, reason="撤回"),
            lambda: services.create_item(
                disclosure_on["A"],
                category=ItemCategory.OTHER,
                title="标题",
                body="正文",
                actor_id=user("staff_b").id,
            ),
            lambda: services.answer_topic(topic, actor_id=user("auditor").id, item=item),
        ):
            with pytest.raises(DisclosureError, match="您不能办理该单位的公开事项"):
                call()
            db.session.rollback()
        # The township admin may act for every office.
        services.answer_topic(
            db.session.get(DisclosureTopic, topic.id),
            actor_id=user("admin").id,
            item=db.session.get(DisclosureItem, item.id),
        )
        db.session.commit()


def test_request_for_an_office_is_refused_when_the_phone_is_bad(app, disclosure_on):
    with app.app_context():
        with pytest.raises(DisclosureError, match="请填写正确的手机号码"):
            services.request_topic(
                db.session.get(Office, disclosure_on["A"]),
                topic="低保名单",
                details=None,
                name="王秀英",
                phone="123",
            )
        db.session.rollback()
        assert _count(DisclosureTopic) == 0 and _count(Case) == 0


def test_one_phone_may_have_three_topics_waiting_at_an_office(app, disclosure_on):
    """The form needs no account: a flood from one number stops at three unanswered topics."""
    with app.app_context():
        for i in range(services.OPEN_TOPICS_PER_PHONE):
            ask(disclosure_on["A"], f"想了解的第 {i + 1} 件事")
        with pytest.raises(DisclosureError, match="尚待答复"):
            ask(disclosure_on["A"], "想了解的第 4 件事")
        db.session.rollback()
        assert _count(DisclosureTopic) == 3 and _count(Case) == 3
        ask(disclosure_on["B"], "另一单位的事项")  # each office counts apart
        first = db.session.scalars(
            select(DisclosureTopic)
            .where(DisclosureTopic.office_id == disclosure_on["A"])
            .order_by(DisclosureTopic.id)
        ).first()
        services.answer_topic(
            first,
            actor_id=None,
            title="第 1 件事的答复",
            body="答复内容。",
            category=ItemCategory.OTHER,
        )
        db.session.commit()
        ask(disclosure_on["A"], "答复之后的新事项")  # an answer frees a place
        assert _count(DisclosureTopic) == 5
