"""Issue 13 on the disclosure board: what residents read goes through the publication gate.

(6) item titles and answer titles are masked; (7) private full names in topic texts and decline
reasons are masked (names the records know and suspected names); (8) items and answers are
withdrawn through the core, leaving a dated notice, audited; review before publishing: staff
see the masked text with suspected names highlighted and decide each before it goes out."""

from disclosure_helpers import (  # noqa: F401
    RESIDENT_NAME,
    ask,
    client_for,
    published,
    user,
)
from sqlalchemy import func, select
from support import post, text_of

from core.audit.models import AuditEntry
from core.extensions import db
from core.publication.review import AllowedName
from core.publication.withdrawal import Withdrawal
from plugins.disclosure import services
from plugins.disclosure.models import DisclosureItem, DisclosureTopic, ItemCategory

# 王秀英 asks a topic (disclosure_helpers), so the records know her name; 张建国 and 刘德胜
# are known to no record: only the recogniser can catch them.
UNKNOWN = "张建国"
OTHER_UNKNOWN = "刘德胜"


def _public_text(client) -> str:
    return (
        text_of(client.get("/o/A/disclosure/"))
        + client.get("/api/v1/disclosure/A/items").get_data(as_text=True)
        + client.get("/api/v1/disclosure/A/topics").get_data(as_text=True)
    )


def test_item_and_answer_titles_are_masked_on_the_board_item_page_and_api(
    app, client, disclosure_on
):
    """Finding 6: titles staff type reached residents verbatim."""
    with app.app_context():
        ask(disclosure_on["A"], "低保评定条件")  # 王秀英 becomes a known private name
        item = published(
            disclosure_on["A"],
            title=f"{RESIDENT_NAME}户宅基地审批结果（联系 139-1234-5678）",
            category=ItemCategory.RESULTS,
            body="已批准。",
        )
        topic = ask(disclosure_on["A"], "宅基地审批名单", name="李四", phone="13700001111")
        services.answer_topic(
            topic,
            actor_id=None,
            category="results",
            stage="after",
            title=f"{UNKNOWN}等三户宅基地审批结果",
            body="已批准。",
        )
        db.session.commit()
        item_id = item.id
    board = text_of(client.get("/o/A/disclosure/"))
    page = text_of(client.get(f"/o/A/disclosure/item/{item_id}"))
    api = client.get("/api/v1/disclosure/A/items").get_data(as_text=True)
    for text in (board, page, api):
        for private in (RESIDENT_NAME, "139-1234-5678", "13912345678", UNKNOWN):
            assert private not in text
    assert "王某户宅基地审批结果" in board and "王某户宅基地审批结果" in page
    assert "张某等三户宅基地审批结果" in board  # the answer's title, beside the topic


def test_private_names_in_topic_texts_and_decline_reasons_are_masked(app, client, disclosure_on):
    """Finding 7: a topic naming a neighbour and a decline reason naming a person were
    published with the full names (only numbers were starred)."""
    with app.app_context():
        ask(disclosure_on["A"], "低保评定条件")  # 王秀英: known to the records
        known = ask(
            disclosure_on["A"], f"{RESIDENT_NAME}家为什么能领低保", name="李四", phone="13700001111"
        )
        services.decline_topic(
            known,
            actor_id=None,
            ground="privacy",
            reason=f"涉及{UNKNOWN}个人隐私，依法不予公开；咨询电话 0477-8123456。",
        )
        suspected = ask(
            disclosure_on["A"],
            f"{OTHER_UNKNOWN}承包的鱼塘租金是多少",
            name="赵六",
            phone="13700002222",
        )
        services.decline_topic(
            suspected, actor_id=None, ground="business_secret", reason="属于商业秘密。"
        )
        db.session.commit()
    text = _public_text(client)
    for private in (RESIDENT_NAME, UNKNOWN, OTHER_UNKNOWN):
        assert private not in text
    assert "王某家为什么能领低保" in text and "涉及张某个人隐私" in text
    assert "刘某承包的鱼塘租金是多少" in text
    assert "0477-8123456" in text  # another office's landline in a reason may stand


def test_a_leader_withdraws_an_item_and_an_answer_through_the_core(app, client, disclosure_on):
    """Finding 8: a published item or answer could not be taken off the board everywhere with
    a notice kept; now the core withdraws both, audited, and the rows stay."""
    with app.app_context():
        item = published(
            disclosure_on["A"],
            title="2026 年低保名单（含错误）",
            category=ItemCategory.RESULTS,
            body="名单正文",
        )
        topic = ask(disclosure_on["A"], "村集体鱼塘承包合同")
        services.decline_topic(topic, actor_id=None, ground="other", reason="合同正在重新签订。")
        db.session.commit()
        ids = {
            "item": item.id,
            "topic": topic.id,
            "topic_version": topic.version,
            "item_version": item.version,
        }
    before = _public_text(client)
    assert "2026 年低保名单（含错误）" in before and "村集体鱼塘承包合同" in before
    leader = client_for(app, "leader")
    for url, version in (
        (f"/admin/disclosure-desk/item/{ids['item']}/withdraw", "item_version"),
        (f"/admin/disclosure-desk/topic/{ids['topic']}/withdraw", "topic_version"),
    ):
        response = post(
            leader, url, {"version": str(ids[version]), "reason": "内容有误"}, follow_redirects=True
        )
        assert "已撤回，记录仍保留。" in text_of(response), url
    after = _public_text(client)
    for gone in ("2026 年低保名单（含错误）", "名单正文", "村集体鱼塘承包合同", "合同正在重新签订"):
        assert gone not in after
    board = text_of(client.get("/o/A/disclosure/"))
    assert board.count("公开内容已撤回（") == 2
    page = text_of(client.get(f"/o/A/disclosure/item/{ids['item']}"))
    assert "公开内容已撤回（" in page and "名单正文" not in page
    with app.app_context():
        rows = db.session.scalars(select(Withdrawal)).all()
        assert {(w.record_type, w.record_id) for w in rows} == {
            ("disclosure_item", ids["item"]),
            ("disclosure_topic", ids["topic"]),
        }
        assert all(w.withdrawn_by_id == user("leader").id for w in rows)
        audited = db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.target_type == "publication_withdrawal")
        )
        assert audited == 2
        assert db.session.get(DisclosureItem, ids["item"]).title == "2026 年低保名单（含错误）"
        assert db.session.get(DisclosureTopic, ids["topic"]).decline_reason == "合同正在重新签订。"
    # The staff screens say when and why.
    assert "内容有误" in text_of(leader.get(f"/admin/disclosure-desk/item/{ids['item']}"))
    assert "内容有误" in text_of(leader.get(f"/admin/disclosure-desk/topic/{ids['topic']}"))


def _draft(office_id, title):
    item = services.create_item(
        office_id,
        category=ItemCategory.RESULTS,
        title=title,
        body=f"经村民代表会议讨论，{OTHER_UNKNOWN}同志负责验收。",
        actor_id=None,
    )
    db.session.commit()
    return item.id, item.version


def test_publishing_a_draft_needs_a_decision_on_every_suspected_name(app, client, disclosure_on):
    """Review before publishing: the desk shows the masked text with the suspects highlighted;
    publishing without deciding each is refused; decisions are kept with the core."""
    with app.app_context():
        item_id, version = _draft(disclosure_on["A"], f"{UNKNOWN}户危房改造补助结果")
    staff = client_for(app, "staff_a")
    screen = staff.get(f"/admin/disclosure-desk/item/{item_id}").get_data(as_text=True)
    assert (
        '<mark class="review-suspect" title="疑似人名：张建国">张某</mark>户危房改造补助结果'
        in screen
    )
    assert f'value="{UNKNOWN}"' in screen and f'value="{OTHER_UNKNOWN}"' in screen
    refused = post(
        staff,
        f"/admin/disclosure-desk/item/{item_id}/publish",
        {"version": str(version)},
        follow_redirects=True,
    )
    assert "请逐一确认疑似人名" in text_of(refused)
    with app.app_context():
        assert db.session.get(DisclosureItem, item_id).published_at is None
    # 张建国 is masked; 刘德胜 is the official who checks the work: his name may stand.
    names = (
        {0: UNKNOWN, 1: OTHER_UNKNOWN}
        if screen.index(f'value="{UNKNOWN}"') < screen.index(f'value="{OTHER_UNKNOWN}"')
        else {0: OTHER_UNKNOWN, 1: UNKNOWN}
    )
    form = {"version": str(version)}
    for i, name in names.items():
        form[f"review_name_{i}"] = name
        form[f"review_{i}"] = "allow" if name == OTHER_UNKNOWN else "mask"
    done = post(
        staff, f"/admin/disclosure-desk/item/{item_id}/publish", form, follow_redirects=True
    )
    assert "已在公开栏公开。" in text_of(done)
    with app.app_context():
        assert db.session.get(DisclosureItem, item_id).is_public
        allowed = db.session.scalars(select(AllowedName)).all()
        assert [(a.record_type, a.record_id, a.name, a.confirmed_by_id) for a in allowed] == [
            ("disclosure_item", item_id, OTHER_UNKNOWN, user("staff_a").id)
        ]
    page = text_of(client.get(f"/o/A/disclosure/item/{item_id}"))
    assert "张某户危房改造补助结果" in page and UNKNOWN not in page
    assert f"{OTHER_UNKNOWN}同志负责验收" in page


def test_an_answer_with_a_suspected_name_is_reviewed_before_it_goes_out(app, client, disclosure_on):
    """Answering a topic with a new item: the first submission shows the review panel and
    publishes nothing; the second, with every name decided, publishes and closes."""
    with app.app_context():
        topic = ask(disclosure_on["A"], "危房改造补助名单")
        topic_id, version = topic.id, topic.version
    staff = client_for(app, "staff_a")
    data = {
        "version": str(version),
        "existing_item": "",
        "category": "results",
        "stage": "after",
        "title": f"{UNKNOWN}户危房改造补助结果",
        "body": "补助 2 万元。",
    }
    first = post(staff, f"/admin/disclosure-desk/topic/{topic_id}/answer", data)
    html = first.get_data(as_text=True)
    assert first.status_code == 400
    assert (
        '<mark class="review-suspect" title="疑似人名：张建国">张某</mark>户危房改造补助结果'
        in html
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DisclosureItem)) == 0
    second = post(
        staff,
        f"/admin/disclosure-desk/topic/{topic_id}/answer",
        {**data, "reviewed": "1", "review_name_0": UNKNOWN, "review_0": "mask"},
        follow_redirects=True,
    )
    assert "已公开并办结。" in text_of(second)
    board = text_of(client.get("/o/A/disclosure/"))
    assert "张某户危房改造补助结果" in board and UNKNOWN not in board
