"""What the module shows and to whom: the board grouped by category with finished topics and
never who asked, an item page, the API, the home section; the module switched off hides it
all; staff of another office see and do nothing (also by guessing ids); auditors read only;
the desk's answer, publish and withdraw; the item screen; the dashboard; the demo data."""

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

from core.cases import Case, CaseStatus
from core.extensions import db
from core.models import Office
from core.modules import set_module
from plugins.disclosure import services
from plugins.disclosure.models import (
    DisclosureItem,
    DisclosureTopic,
    ItemCategory,
    Stage,
    TopicStatus,
)


def _finished_topics(office_id):
    """An answered topic (with a phone typed into it) and a declined one."""
    answered = ask(office_id, "低保名单，我的电话 13812345678 身份证 110101199003071234")
    services.answer_topic(
        answered,
        actor_id=None,
        category="results",
        stage="after",
        title="2026 年低保名单和保障标准",
        body="保障标准：每人每月 720 元。",
    )
    declined = ask(office_id, "邻居家的收入情况", name="李四", phone="13700001111")
    services.decline_topic(
        declined, actor_id=None, ground="privacy", reason="涉及他人个人隐私，依法不予公开。"
    )
    db.session.commit()
    return answered, declined


def test_board_groups_items_and_shows_topics_without_who_asked(app, client, disclosure_on):
    with app.app_context():
        published(
            disclosure_on["A"],
            "2026 年耕地地力保护补贴发放标准",
            ItemCategory.VILLAGE_AFFAIRS,
            "每亩 105 元",
            Stage.BEFORE,
        )
        published(disclosure_on["A"], "农村宅基地审批办事指南")
        draft = services.create_item(
            disclosure_on["A"],
            category=ItemCategory.FEES,
            title="尚未公开的收费草稿",
            body="草稿",
            actor_id=None,
        )
        withdrawn = published(disclosure_on["A"], "已撤回的旧标准")
        services.withdraw_item(withdrawn, actor_id=user("leader").id, reason="已过时")
        published(disclosure_on["B"], "乙村财务收支")
        _finished_topics(disclosure_on["A"])
        ask(disclosure_on["A"], "还在办理中的点题")
        db.session.commit()
        draft_id, withdrawn_id = draft.id, withdrawn.id
    board = client.get("/o/A/disclosure/")
    page = text_of(board)
    assert board.status_code == 200
    assert "2026 年耕地地力保护补贴发放标准" in page and "事前公开（方案）" in page
    assert "农村宅基地审批办事指南" in page and "办事指南（条件、程序、时限）" in page
    assert "尚未公开的收费草稿" not in page and "已撤回的旧标准" not in page
    assert "乙村财务收支" not in page and "还在办理中的点题" not in page
    assert "2026 年低保名单和保障标准" in page and "涉及他人个人隐私，依法不予公开。" in page
    # Never who asked, and numbers typed into a topic are starred.
    for private in (
        RESIDENT_NAME,
        RESIDENT_PHONE,
        "李四",
        "13700001111",
        "13812345678",
        "110101199003071234",
    ):
        assert private not in page
    assert "138****5678" in page
    assert client.get(f"/o/A/disclosure/item/{draft_id}").status_code == 404
    # A withdrawn item leaves a dated notice on the board and on its page, nothing else.
    assert "公开内容已撤回（" in page
    gone = text_of(client.get(f"/o/A/disclosure/item/{withdrawn_id}"))
    assert "公开内容已撤回（" in gone and "已撤回的旧标准" not in gone


def test_item_page_renders_sanitised_markdown(app, client, disclosure_on):
    with app.app_context():
        item = published(
            disclosure_on["A"], body="**办理时限**：20 个工作日\n<script>alert(1)</script>"
        )
        other = published(disclosure_on["B"], "乙村财务收支")
        item_id, other_id = item.id, other.id
    response = client.get(f"/o/A/disclosure/item/{item_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<strong>办理时限</strong>" in html
    assert "<script>alert(1)</script>" not in html
    # Another office's item is not found under this office.
    assert client.get(f"/o/A/disclosure/item/{other_id}").status_code == 404
    assert client.get("/o/A/disclosure/item/999999").status_code == 404


def test_api_has_published_data_and_no_personal_data(app, client, disclosure_on):
    with app.app_context():
        published(disclosure_on["A"])
        _finished_topics(disclosure_on["A"])
    items = client.get("/api/v1/disclosure/A/items")
    topics = client.get("/api/v1/disclosure/A/topics")
    assert items.status_code == 200 and topics.status_code == 200
    assert {i["title"] for i in items.get_json()} == {
        "农村宅基地审批办事指南",
        "2026 年低保名单和保障标准",
    }
    statuses = sorted(t["status"] for t in topics.get_json())
    assert statuses == ["answered", "declined"]
    body = items.get_data(as_text=True) + topics.get_data(as_text=True)
    for private in (
        RESIDENT_NAME,
        RESIDENT_PHONE,
        "李四",
        "13700001111",
        "13812345678",
        "110101199003071234",
    ):
        assert private not in body
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert paths["/api/v1/disclosure/{office_code}/items"]["get"]["tags"] == ["disclosure"]


def test_published_text_stars_id_and_mobile_numbers_but_keeps_the_office_landline(
    app, client, disclosure_on
):
    """A subsidy list may name recipients; their ID and mobile numbers never reach the board,
    the item page or the API. The office's own telephone stays readable."""
    with app.app_context():
        item = published(
            disclosure_on["A"],
            title="2026 年耕地地力保护补贴发放名单",
            category=ItemCategory.FINANCE,
            body="张三，身份证 110101199003071234，电话 13812345678，补贴 1200 元。\n\n"
            "咨询电话：0471-6612345",
        )
        item_id = item.id
        topic = ask(disclosure_on["A"], "补贴发放名单")
        services.decline_topic(
            topic,
            actor_id=None,
            ground="not_our_duty",
            reason="请向旗农牧局咨询，联系人手机 13912345678，电话 0477-8123456。",
        )
        db.session.commit()
    page = text_of(client.get(f"/o/A/disclosure/item/{item_id}"))
    board = text_of(client.get("/o/A/disclosure/"))
    api = client.get("/api/v1/disclosure/A/items").get_data(as_text=True) + client.get(
        "/api/v1/disclosure/A/topics"
    ).get_data(as_text=True)
    for text in (page, board + api):
        for private in ("110101199003071234", "13812345678", "13912345678"):
            assert private not in text
    assert "110101********1234" in page and "138****5678" in page
    assert "0471-6612345" in page
    assert "139****5678" in board and "0477-8123456" in board


def test_module_off_hides_public_pages_api_and_admin(app, client, users, offices, login_as):
    # Switched off everywhere: 404 for residents, 403 and no menu for staff.
    assert client.get("/o/A/disclosure/").status_code == 404
    assert client.get("/o/A/disclosure/topic").status_code == 404
    assert client.get("/api/v1/disclosure/A/items").status_code == 404
    login_as("staff_a")
    assert client.get("/admin/disclosure-desk/").status_code == 403
    assert client.get("/admin/disclosure_items/").status_code == 403
    assert "公开工作台" not in text_of(client.get("/admin/"))
    with app.app_context():
        set_module("disclosure", db.session.get(Office, offices["A"]), True)
        db.session.commit()
    assert client.get("/admin/disclosure-desk/").status_code == 200
    assert "公开工作台" in text_of(client.get("/admin/"))
    assert client.get("/o/A/disclosure/").status_code == 200
    assert client.get("/o/B/disclosure/").status_code == 404


def test_home_section_links_each_board(app, client, disclosure_on):
    with app.app_context():
        published(disclosure_on["A"])
    html = client.get("/").get_data(as_text=True)
    assert "政务村务公开" in html and "/o/A/disclosure/" in html and "/o/B/disclosure/" in html


def test_staff_of_another_office_see_and_do_nothing(app, disclosure_on):
    with app.app_context():
        topic = ask(disclosure_on["A"], "甲单位的点题事项")
        item = published(disclosure_on["A"], "甲单位的公开事项")
        draft = services.create_item(
            disclosure_on["A"], category="other", title="甲单位草稿", body="草稿", actor_id=None
        )
        db.session.commit()
        topic_id, item_id, draft_id = topic.id, item.id, draft.id
    other = client_for(app, "staff_b")
    for url in (
        f"/admin/disclosure-desk/topic/{topic_id}",
        f"/admin/disclosure-desk/item/{item_id}",
        f"/admin/disclosure_topics/details/?id={topic_id}",
        f"/admin/disclosure_items/edit/?id={item_id}",
    ):
        assert other.get(url).status_code == 404, url
    assert "甲单位的点题事项" not in text_of(other.get("/admin/disclosure_topics/"))
    assert "甲单位的公开事项" not in text_of(other.get("/admin/disclosure_items/"))
    assert "甲单位的点题事项" not in text_of(other.get("/admin/disclosure-desk/"))
    for url, data in (
        (
            f"/admin/disclosure-desk/topic/{topic_id}/answer",
            {"category": "other", "title": "越权答复", "body": "正文"},
        ),
        (
            f"/admin/disclosure-desk/topic/{topic_id}/decline",
            {"ground": "privacy", "reason": "越权"},
        ),
        (f"/admin/disclosure-desk/item/{item_id}/withdraw", {"reason": "越权"}),
        (f"/admin/disclosure-desk/item/{draft_id}/publish", {}),
    ):
        assert post(other, url, data).status_code == 404, url
    with app.app_context():
        assert db.session.get(DisclosureTopic, topic_id).status == TopicStatus.OPEN
        assert db.session.get(DisclosureItem, item_id).is_public
        assert db.session.get(DisclosureItem, draft_id).published_at is None
        assert db.session.scalar(select(func.count()).select_from(DisclosureItem)) == 2


def test_auditor_reads_but_cannot_write(app, disclosure_on):
    with app.app_context():
        topic_id = ask(disclosure_on["A"], "甲单位的点题事项").id
        item_id = published(disclosure_on["A"]).id
    auditor = client_for(app, "auditor")
    assert "甲单位的点题事项" in text_of(auditor.get("/admin/disclosure_topics/"))
    page = auditor.get(f"/admin/disclosure-desk/topic/{topic_id}")
    assert page.status_code == 200 and "公开并办结" not in text_of(page)
    assert (
        post(
            auditor,
            f"/admin/disclosure-desk/topic/{topic_id}/decline",
            {"ground": "privacy", "reason": "涉及隐私"},
        ).status_code
        == 403
    )
    assert (
        post(
            auditor, f"/admin/disclosure-desk/item/{item_id}/withdraw", {"reason": "撤回"}
        ).status_code
        == 403
    )
    assert (
        post(
            auditor,
            "/admin/disclosure_items/new/",
            {"category": "other", "title": "审计员新建", "body": "正文"},
        ).status_code
        == 403
    )
    with app.app_context():
        assert db.session.get(DisclosureTopic, topic_id).status == TopicStatus.OPEN
        assert db.session.get(DisclosureItem, item_id).is_public


def test_desk_answer_then_withdraw_keeps_the_row(app, disclosure_on):
    with app.app_context():
        topic = ask(disclosure_on["A"])
        topic_id, version = topic.id, topic.version
    staff = client_for(app, "staff_a")
    desk = text_of(staff.get("/admin/disclosure-desk/"))
    assert "待答复的点题" in desk and "本村 2026 年低保名单和保障标准" in desk
    page = staff.get(f"/admin/disclosure-desk/topic/{topic_id}")
    assert "公开并办结" in text_of(page) and RESIDENT_PHONE not in text_of(page)
    response = post(
        staff,
        f"/admin/disclosure-desk/topic/{topic_id}/answer",
        {
            "version": str(version),
            "existing_item": "",
            "category": "results",
            "stage": "after",
            "title": "2026 年低保名单和保障标准",
            "body": "保障标准：每人每月 720 元。",
        },
        follow_redirects=True,
    )
    assert "已公开并办结。" in text_of(response)
    with app.app_context():
        topic = db.session.get(DisclosureTopic, topic_id)
        assert topic.status == TopicStatus.ANSWERED
        assert db.session.get(Case, topic.case_id).status == CaseStatus.RESOLVED
        item_id, item_version = topic.answer_item_id, topic.answer_item.version
    # Staff may not withdraw what is published; the office's leader may.
    refused = post(
        staff,
        f"/admin/disclosure-desk/item/{item_id}/withdraw",
        {"version": str(item_version), "reason": "名单有误，核实后重新公开"},
        follow_redirects=True,
    )
    assert "只有本单位领导或全镇管理员可以撤回" in text_of(refused)
    leader = client_for(app, "leader")
    response = post(
        leader,
        f"/admin/disclosure-desk/item/{item_id}/withdraw",
        {"version": str(item_version), "reason": "名单有误，核实后重新公开"},
        follow_redirects=True,
    )
    assert "已撤回，记录仍保留。" in text_of(response)
    board = text_of(staff.get("/o/A/disclosure/"))
    assert "答复内容已撤回，正在核实更新。" in board and "每人每月 720 元" not in board
    with app.app_context():
        item = db.session.get(DisclosureItem, item_id)
        assert item is not None and not item.is_public
        assert item.withdrawal.reason == "名单有误，核实后重新公开"


def test_item_screen_creates_a_draft_in_the_own_office_and_refuses_bad_input(app, disclosure_on):
    staff = client_for(app, "staff_a")
    assert staff.get("/admin/disclosure_items/new/").status_code == 200
    refused = post(
        staff,
        "/admin/disclosure_items/new/",
        {"category": "fees", "stage": "", "title": "收费标准", "body": "   "},
    )
    assert "请填写公开内容。" in text_of(refused)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DisclosureItem)) == 0
    created = post(
        staff,
        "/admin/disclosure_items/new/",
        {"category": "fees", "stage": "", "title": "婚姻登记收费标准", "body": "婚姻登记不收费。"},
    )
    assert created.status_code == 302
    with app.app_context():
        item = db.session.scalar(select(DisclosureItem))
        assert item.office_id == disclosure_on["A"] and item.published_at is None
        assert item.created_by_id == user("staff_a").id and item.stage is None
        assert item.category == ItemCategory.FEES
        item_id, version = item.id, item.version
    response = post(
        staff,
        f"/admin/disclosure-desk/item/{item_id}/publish",
        {"version": str(version)},
        follow_redirects=True,
    )
    assert "已在公开栏公开。" in text_of(response)
    with app.app_context():
        assert db.session.get(DisclosureItem, item_id).is_public
    # No screen deletes an item.
    assert post(staff, "/admin/disclosure_items/delete/", {"id": str(item_id)}).status_code in (
        302,
        403,
        404,
    )
    with app.app_context():
        assert db.session.get(DisclosureItem, item_id) is not None


def test_topic_list_shows_the_deadline_colour_and_masks_details(app, disclosure_on):
    with app.app_context():
        ask(disclosure_on["A"], details="我的电话 13812345678")
    staff = client_for(app, "staff_a")
    listing = staff.get("/admin/disclosure_topics/")
    html = listing.get_data(as_text=True)
    assert listing.status_code == 200 and "tone-green" in html and "正常" in text_of(listing)
    assert "13812345678" not in html


def test_topic_export_stars_numbers_typed_into_the_topic(app, disclosure_on):
    with app.app_context():
        ask(disclosure_on["A"], "低保名单，我的电话 13812345678")
    staff = client_for(app, "staff_a")
    export = staff.get("/admin/disclosure_topics/export/csv/")
    body = export.get_data(as_text=True)
    assert export.status_code == 200 and "138****5678" in body and "13812345678" not in body
    assert RESIDENT_NAME not in body and RESIDENT_PHONE not in body


def test_dashboard_counts_open_and_overdue_topics(app, disclosure_on):
    from datetime import timedelta

    from core.models import utcnow

    with app.app_context():
        ask(disclosure_on["A"], "第一件点题事项")
        late = ask(disclosure_on["A"], "第二件点题事项")
        case = db.session.get(Case, late.case_id)
        case.due_at = utcnow() - timedelta(days=1)
        db.session.commit()
    staff = client_for(app, "staff_a")
    page = text_of(staff.get("/admin/"))
    assert "待答复的点题" in page and "其中已超期 1 件" in page


def test_hook_supervision_sections(app, disclosure_on):
    with app.app_context():
        _finished_topics(disclosure_on["A"])
        ask(disclosure_on["A"], "还在办理中的点题")
        ask(disclosure_on["B"], "乙村的点题")
        set_module("disclosure", db.session.get(Office, disclosure_on["B"]), False)
        db.session.commit()
    page = text_of(client_for(app, "admin").get("/admin/case_supervision/"))
    start = page.index("政务村务公开（")
    table = " ".join(page[start : page.index("年服务承诺办件量", start)].split())
    assert "待答复点题" in table and "本年不予公开" in table
    # 甲单位: one open, none overdue, one answered, one declined, one item on the board.
    assert "甲单位 1 0 1 1 1" in table and "乙村" not in table
    assert RESIDENT_NAME not in page and "李四" not in page


def test_demo_data_loads_once(app, disclosure_on):
    from plugins.disclosure.demo import load_demo

    with app.app_context():
        offices = {o.code: o for o in db.session.scalars(select(Office))}
        load_demo(offices)
        db.session.commit()
        counted = (
            db.session.scalar(select(func.count()).select_from(DisclosureItem)),
            db.session.scalar(select(func.count()).select_from(DisclosureTopic)),
        )
        load_demo(offices)
        db.session.commit()
        again = (
            db.session.scalar(select(func.count()).select_from(DisclosureItem)),
            db.session.scalar(select(func.count()).select_from(DisclosureTopic)),
        )
        assert counted == again and counted[1] == 2
        titles = set(db.session.scalars(select(DisclosureItem.title)))
        assert "2026 年耕地地力保护补贴发放标准" in titles and "农村宅基地审批办事指南" in titles
        statuses = sorted(t.status.value for t in db.session.scalars(select(DisclosureTopic)))
        assert statuses == ["answered", "open"]
