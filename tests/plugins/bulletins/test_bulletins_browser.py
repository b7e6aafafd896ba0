"""A resident in real headless Chromium at a phone's width (375 px) opens the township's
information page, filters it by kind, opens a product and its A4 leaflet; the leaflet PDF is
rendered to an image (pdftoppm) with its Chinese text drawn, not boxes. (The ``chromium`` and
``live_server`` fixtures are the shared ones in tests/conftest.py.) Set
``BULLETINS_ARTIFACTS`` to a folder to keep the screenshot and the leaflet's PNG to look at."""

import os
import re
import shutil
import subprocess
import urllib.request

import pytest
from bulletins_helpers import item, product, release

from plugins.bulletins.models import Kind

pytestmark = pytest.mark.browser


def no_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def _publish(app, offices):
    with app.app_context():
        prices = product(offices["A"], "农产品市场价格月报（十二月）")
        item(
            prices,
            "本周生猪收购价格",
            content="外三元生猪出栏价每公斤 15.6 元，较上周上涨 0.4 元。",
        )
        item(prices, "玉米收购价格", content="玉米（14% 水分）收购价每公斤 2.32 元，需求平稳。")
        release(prices, channels=["meeting", "web"], audience="全镇种养殖户")
        jobs = product(offices["B"], "县工业园区春季招聘信息汇总", kind=Kind.JOBS)
        item(
            jobs, "普工、电焊工招聘", content="12 家企业招聘 320 人，包食宿，月薪 4000 至 6500 元。"
        )
        release(jobs, channels=["leaflet", "web"])
        return prices.id


def test_resident_reads_township_information_on_a_phone(
    app, bulletins_on, live_server, chromium, tmp_path
):
    product_id = _publish(app, bulletins_on)
    keep = os.environ.get("BULLETINS_ARTIFACTS")
    context = chromium.new_context(
        viewport={"width": 375, "height": 740}, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server}/o/B/bulletins/township")
        assert no_horizontal_scroll(page)
        assert page.locator("#products li").count() == 2
        if keep:
            page.screenshot(path=os.path.join(keep, "township-375.png"), full_page=True)
        page.get_by_role("link", name="市场价格", exact=True).click()
        page.wait_for_url("**/township?kind=market")
        assert page.locator("#products li").count() == 1
        page.get_by_role("link", name=re.compile("农产品市场价格月报")).click()
        page.wait_for_url(f"**/o/A/bulletins/p/{product_id}")
        assert no_horizontal_scroll(page)
        assert page.locator("#items article").count() == 2
        assert page.locator("#qr img").is_visible()
        href = page.locator("#leaflet").get_attribute("href")
    finally:
        context.close()

    pdf = tmp_path / "leaflet.pdf"
    with urllib.request.urlopen(f"{live_server}{href}") as response:  # noqa: S310 — loopback
        pdf.write_bytes(response.read())
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "leaflet")], check=True
    )
    [png] = sorted(tmp_path.glob("leaflet*.png"))
    from PIL import Image

    with Image.open(png) as image:
        width, height = image.size
        assert abs(height / width - 297 / 210) < 0.01  # A4 portrait
        dark = sum(1 for value in image.convert("L").tobytes() if value < 128)
        assert dark > 2000  # text and the QR code are drawn
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "农产品市场价格月报（十二月）" in text and "外三元生猪出栏价" in text
    if keep:
        shutil.copy(png, os.path.join(keep, "leaflet.png"))
