"""Issue 14 in Debian's Chromium: a clerk types and pastes dates into a case form and a
hearing form and the rows hold the right UTC times; a resident on a 375 px phone rates a
resolved case by tapping the words of a grade. (``chromium`` and ``live_server`` are the
shared fixtures of tests/conftest.py.)"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from support import TEST_PASSWORD

from core.extensions import db
from core.models import Office, User
from core.time import LOCAL_ZONE as BEIJING

pytestmark = pytest.mark.browser

SHOTS = "/tmp"


def no_horizontal_scroll(page) -> bool:
    """Whether the page fits its viewport's width."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def log_in(page, base: str, username: str) -> None:
    """Sign in through the real login page."""
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/admin/.*"))


def paste(page, selector: str, text: str) -> None:
    """Put ``text`` on the clipboard and paste it into the (emptied) box with Ctrl+V."""
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    box = page.locator(selector)
    box.fill("")
    box.focus()
    page.keyboard.press("Control+V")
    assert box.input_value() == text


def test_clerk_types_and_pastes_dates_into_case_and_hearing_forms(
    app, users, offices, live_server, chromium
):
    from core.cases import Case
    from core.cases.models import AgencyRecord
    from core.modules import set_module
    from plugins.hearings.models import Hearing

    with app.app_context():
        set_module("hearings", db.session.get(Office, offices["A"]), True)
        db.session.commit()
    now = datetime.now(BEIJING).replace(second=0, microsecond=0)
    day = (now + timedelta(days=15)).date()
    delivered = now - timedelta(hours=1)

    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    try:
        log_in(page, live_server, "staff_a")

        # 统一接件, then 办事代理 and 上门送达 with a pasted time.
        page.goto(f"{live_server}/admin/cases/new/")
        page.select_option("#category", "consultation")
        page.select_option("#channel", "visit")
        page.fill("#subject", "申请办理低保证明")
        page.get_by_role("button", name="保存").click()
        page.wait_for_url(re.compile(r".*/admin/cases/details/\?id=\d+"))
        case_id = int(re.search(r"id=(\d+)", page.url).group(1))
        page.locator("summary", has_text="办事代理").click()
        agency = page.locator("form[action$='/do/agency']")
        agency.locator("[name=reason]").fill("需县民政局审批，当日办不完")
        agency.get_by_role("button").click()
        page.wait_for_selector("text=已登记办事代理")
        page.locator("summary", has_text="登记上门送达").click()
        delivery = "form[action$='/do/delivery']"
        box = page.locator(f"{delivery} [name=delivered_at]")
        assert box.get_attribute("type") == "text"
        assert box.get_attribute("placeholder") == "2026-12-18 09:00"
        typed_by_paste = (
            f"{delivered.year}/{delivered.month}/{delivered.day} "
            f"{delivered.hour}:{delivered.minute:02d}"
        )
        paste(page, f"{delivery} [name=delivered_at]", typed_by_paste)
        page.locator(f"{delivery} [name=items]").fill("低保审批结果通知书")
        page.screenshot(path=f"{SHOTS}/i14-case-delivery-form.png", full_page=True)
        page.locator(delivery).get_by_role("button").click()
        page.wait_for_selector("text=已登记上门送达")

        # A hearing: the start typed key by key, the end pasted.
        page.goto(f"{live_server}/admin/hearings_hearings/new/")
        page.fill("#title", "东桥村自来水改造听证会")
        page.fill("#issue", "自来水管网改造方案和收费标准。")
        page.locator("#decision_date").press_sequentially(
            (now - timedelta(days=3)).strftime("%Y-%m-%d")
        )
        page.fill("#decision_ref", "镇党委会议纪要〔2026〕9号")
        page.fill("#venue", "东桥村村委会会议室")
        page.locator("#starts_at").press_sequentially(f"{day:%Y-%m-%d} 09:00")
        paste(page, "#ends_at", f"{day.year}/{day.month}/{day.day} 11:30")
        page.fill("#capacity", "30")
        page.fill("#waitlist_size", "5")
        page.screenshot(path=f"{SHOTS}/i14-hearing-form.png", full_page=True)
        text = page.inner_text("body")
        assert "开始时间" in text and "结束时间" in text and "北京时间" in text
        for english in ("Su Mo", "Apply", "Cancel", "January"):
            assert english not in text
        page.get_by_role("button", name="保存", exact=True).click()
        page.wait_for_url(re.compile(r".*/admin/hearings_hearings/(\?.*)?$"))
        assert "失败" not in page.inner_text("body")
    finally:
        context.close()

    with app.app_context():
        stored = db.session.scalar(select(AgencyRecord).where(AgencyRecord.case_id == case_id))
        assert stored.delivered_at.replace(tzinfo=UTC) == delivered.astimezone(UTC)
        assert db.session.get(Case, case_id).subject == "申请办理低保证明"
        hearing = db.session.scalar(
            select(Hearing).where(Hearing.title == "东桥村自来水改造听证会")
        )
        assert hearing is not None
        # Beijing 09:00 is 01:00 UTC; 11:30 is 03:30 UTC.
        assert hearing.starts_at.replace(tzinfo=UTC) == datetime(
            day.year, day.month, day.day, 1, 0, tzinfo=UTC
        )
        assert hearing.ends_at.replace(tzinfo=UTC) == datetime(
            day.year, day.month, day.day, 3, 30, tzinfo=UTC
        )


def test_resident_rates_a_case_by_tapping_the_words_on_a_phone(app, users, live_server, chromium):
    from core.cases import close_case, open_case
    from core.cases.models import Rating
    from core.cases.receipts import display

    with app.app_context():
        clerk = db.session.get(User, users["staff_a"])
        clerk.display_name, clerk.post = "张晓梅", "民政办科员"
        case = open_case(
            office_id=clerk.office_id,
            category="consultation",
            channel="visit",
            subject="咨询高龄津贴申领条件",
            actor_id=clerk.id,
            handler_id=clerk.id,
        )
        close_case(case, outcome="已告知申领条件和所需材料，可在村委会代办。", actor_id=clerk.id)
        db.session.commit()
        receipt = case.receipt_no

    context = chromium.new_context(
        viewport={"width": 375, "height": 740},
        locale="zh-CN",
        java_script_enabled=False,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server}/cases/")
        page.fill("#receipt", display(receipt).lower())
        page.get_by_role("button", name=re.compile("查询")).click()
        page.wait_for_selector("dd.subject")
        facts = page.inner_text("dl.facts")
        assert "咨询高龄津贴申领条件" in facts
        assert "已告知申领条件和所需材料" in facts
        assert "甲单位" in facts and "张晓梅" in facts and "民政办科员" in facts
        assert no_horizontal_scroll(page)

        row = page.locator("label.choice", has_text=re.compile(r"^\s*满意\s*$"))
        words, radio = row.locator("span"), row.locator("input[type=radio]")
        # The box and its words sit on one row, and the row is big enough to tap.
        word_box, radio_box = words.bounding_box(), radio.bounding_box()
        assert (
            abs(
                (word_box["y"] + word_box["height"] / 2)
                - (radio_box["y"] + radio_box["height"] / 2)
            )
            < 8
        )
        assert row.bounding_box()["height"] >= 40
        words.tap()
        assert radio.is_checked()
        page.screenshot(path=f"{SHOTS}/i14-rating-phone.png", full_page=True)
        page.get_by_role("button", name="提交评价").click()
        page.wait_for_selector("text=感谢您的评价")
        assert no_horizontal_scroll(page)
    finally:
        context.close()

    with app.app_context():
        assert db.session.scalar(select(Rating)).grade.value == "satisfied"
