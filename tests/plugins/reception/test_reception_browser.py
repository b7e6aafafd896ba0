"""A resident in real headless Chromium, at a phone's width: finds the reception day, books a
slot, sees the confirmation code, looks the booking up by code and cancels it."""

import re

import pytest
from reception_helpers import make_day  # noqa: F401
from sqlalchemy import select

from core.extensions import db
from plugins.reception.models import Booking, BookingStatus

pytestmark = pytest.mark.browser


def no_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_resident_books_sees_the_code_and_cancels(app, reception_on, users, live_server, chromium):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"], capacity=1)
        day_id, first_slot = day.id, day.slots[0].id

    context = chromium.new_context(
        viewport={"width": 375, "height": 740}, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server}/o/A/reception/")
        assert no_horizontal_scroll(page)
        assert "镇政府一楼群众接待室" in page.inner_text("main")
        page.locator(f"a[href$='/o/A/reception/day/{day_id}']").first.click()
        page.wait_for_url(f"**/o/A/reception/day/{day_id}")
        page.check(f"input[name=slot_id][value='{first_slot}']")
        page.check("input[name=leader_choice][value=named]")
        page.fill("#name", "张三")
        page.fill("#phone", "138 0013 8000")
        page.fill("#village", "东桥村")
        page.fill("#matter", "承包地流转租金什么时候发放")
        assert no_horizontal_scroll(page)
        page.get_by_role("button", name="提交预约").click()
        page.wait_for_selector("#confirmation-code")
        assert "预约成功" in page.inner_text("h1")
        code = page.inner_text("#confirmation-code").strip()
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
        assert "13800138000" not in page.content()
        assert no_horizontal_scroll(page)

        # The slot is now full for everyone else.
        page.goto(f"{live_server}/o/A/reception/day/{day_id}")
        assert "已约满" in page.inner_text("main")

        page.goto(f"{live_server}/o/A/reception/booking")
        page.fill("#code", code.lower().replace("-", ""))
        page.get_by_role("button", name="查询").click()
        page.wait_for_selector("#booking-status")
        assert "已预约" in page.inner_text("#booking-status")
        assert "张某" in page.inner_text("main") and "张三" not in page.inner_text("main")
        page.get_by_role("button", name="取消预约").click()
        page.wait_for_selector("#booking-notice")
        assert "已取消" in page.inner_text("#booking-status")
        assert no_horizontal_scroll(page)

        page.goto(f"{live_server}/o/A/reception/day/{day_id}")
        assert "剩余 1 个名额" in page.inner_text("main")
    finally:
        context.close()

    with app.app_context():
        made = db.session.scalar(select(Booking))
        assert made.status == BookingStatus.CANCELLED and made.name == "张三"
        assert made.leader_id == users["leader"] and made.phone == "13800138000"
