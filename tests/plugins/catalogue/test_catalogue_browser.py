"""A resident in real headless Chromium at a phone's width (375 px): searches the township's
办事指南, opens a matter and sees where it is handled, what to bring, the time limit and the fee,
without scrolling sideways. (The ``chromium`` and ``live_server`` fixtures are the shared ones
in tests/conftest.py.)"""

import re

import pytest
from catalogue_helpers import matter

from plugins.catalogue.models import Place

pytestmark = pytest.mark.browser


def no_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_resident_finds_a_matter_on_a_phone(app, catalogue_on, live_server, chromium):
    with app.app_context():
        matter(catalogue_on["A"], "城乡居民医疗保险参保登记")
        matter(
            catalogue_on["A"],
            "农村建房规划许可证",
            category_code="approval",
            fee="10",
            fee_basis="省物价局、财政厅规划许可证工本费收费标准文件",
            documents="宅基地批准书\n建房设计图（加盖设计单位公章的完整图纸一套）",
        )
        matter(catalogue_on["B"], "村级证明出具", place=Place.VILLAGE, documents="身份证")

    context = chromium.new_context(
        viewport={"width": 375, "height": 740}, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server}/o/B/catalogue/township")
        assert no_horizontal_scroll(page)
        page.fill("#q", "建房")
        page.get_by_role("button", name="查找").click()
        page.wait_for_url("**/township?q=*")
        assert page.locator(".c-list li").count() == 1
        page.get_by_role("link", name=re.compile("农村建房规划许可证")).click()
        page.wait_for_url("**/o/A/catalogue/matter/*")
        assert no_horizontal_scroll(page)
        assert page.locator("#place").inner_text() == "乡镇便民服务大厅"
        assert "7 日" in page.locator("#limit").inner_text()
        assert "10.00 元" in page.locator("#fee").inner_text()
        documents = page.locator("#documents li").all_inner_texts()
        assert documents[0] == "宅基地批准书" and "建房设计图" in documents[1]
        assert page.locator("#qr img").is_visible()
    finally:
        context.close()
