"""A resident in real headless Chromium, at a phone's width: registers, gets the code,
withdraws; reads published minutes that show no phone number. (The ``chromium`` and
``live_server`` fixtures are the shared ones in tests/conftest.py.)"""

import re

import pytest
from hearings_helpers import (
    hold,
    new_hearing,
)
from sqlalchemy import select

from core.extensions import db
from plugins.hearings import registration, services
from plugins.hearings.models import Attendee, AttendeeStatus
from plugins.hearings.registration import Registration

PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")

pytestmark = pytest.mark.browser


def no_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_resident_registers_withdraws_and_reads_masked_minutes(
    app, hearings_on, live_server, chromium
):
    with app.app_context():
        upcoming = new_hearing(hearings_on["A"], title="西河村村道硬化质询会", capacity=5)
        done = new_hearing(hearings_on["A"], title="东桥村土地流转听证会")
        registration.register(
            done.id, Registration(name="周桂芳", phone="13912345678", category="concerned")
        )
        db.session.commit()
        hold(done)
        services.save_minutes_draft(
            done,
            "# 纪要\n\n村民周桂芳（电话 13912345678）问机井由谁维护。人大代表王建国发言。\n\n"
            "| 事项 | 结论 |\n| --- | --- |\n| 机井维护 | 会后 15 个工作日内答复，"
            "联系电话 0471-5550120 |\n",
        )
        services.publish_minutes(done, allowed={"王建国"})  # staff let the deputy's name stand
        db.session.commit()
        upcoming_id, done_id = upcoming.id, done.id

    context = chromium.new_context(
        viewport={"width": 375, "height": 740}, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server}/o/A/hearings/")
        assert no_horizontal_scroll(page)
        page.get_by_role("link", name=re.compile("西河村村道硬化质询会")).click()
        page.wait_for_url(f"**/o/A/hearings/{upcoming_id}")
        assert no_horizontal_scroll(page)
        page.fill("#name", "张三")
        page.fill("#phone", "138 0013 8000")
        page.select_option("#category", "concerned")
        page.fill("#village", "西河村四组")
        page.get_by_role("button", name="提交报名").click()
        page.wait_for_selector("#confirmation-code")
        assert "报名成功" in page.inner_text("h1")
        code = page.inner_text("#confirmation-code").strip()
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
        assert page.locator("img.h-qr").count() == 1
        assert no_horizontal_scroll(page)

        page.goto(f"{live_server}/o/A/hearings/registration")
        page.fill("#code", code.lower())
        page.get_by_role("button", name="查询").click()
        page.wait_for_selector("#registration-status")
        assert "已确认参加" in page.inner_text("#registration-status")
        assert "张某" in page.inner_text("main") and "13800138000" not in page.content()
        page.get_by_role("button", name="退出报名").click()
        page.wait_for_selector("text=您已退出报名")
        assert "已退出" in page.inner_text("#registration-status")
        assert no_horizontal_scroll(page)

        page.goto(f"{live_server}/o/A/hearings/{done_id}")
        text = page.inner_text("body")
        assert "纪要" in text and "周某" in text and "王建国" in text
        assert not PHONE.search(page.content())
        assert "0471-5550120" not in page.content()
        assert no_horizontal_scroll(page)
    finally:
        context.close()

    with app.app_context():
        attendee = db.session.scalar(select(Attendee).where(Attendee.name == "张三"))
        assert attendee.status == AttendeeStatus.WITHDRAWN and attendee.hearing_id == upcoming_id
