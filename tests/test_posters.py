"""公开栏海报: a published item on one A4 or A3 page with the office, the date, the text as
published (masked) and a QR code; the staff screen, single posters and batches by job."""

import io
import re
import subprocess
import zipfile

import pytest
from sqlalchemy import select
from support import post, text_of

from core import posters
from core.extensions import db
from core.jobs.models import JobRecord
from core.models import Office
from core.modules import set_module
from core.time import local_today
from plugins.disclosure import services as disclosure
from plugins.disclosure.models import ItemCategory

RESIDENT = "王秀英"
PHONE = "139-1234-5678"
MONTH = local_today().replace(day=1)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "poster.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout


def pages(info: str) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pdf_info(data: bytes, tmp_path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout


@pytest.fixture(name="board")
def board_fixture(app, users, offices):
    """Disclosure on for A and B; a resident's topic makes 王秀英 a known private name; A
    publishes an item naming her with a phone, B a plain one."""
    with app.app_context():
        for code in ("A", "B"):
            set_module("disclosure", db.session.get(Office, offices[code]), True)
        db.session.commit()
        disclosure.request_topic(
            db.session.get(Office, offices["A"]),
            topic="低保名单",
            details="想了解评定条件。",
            name=RESIDENT,
            phone="13904715566",
        )
        for code, title, body in (
            ("A", "2026年低保评定结果公示", f"经评议，{RESIDENT}户纳入低保。咨询电话 {PHONE}。"),
            ("B", "乙村道路硬化工程公示", "工程于本月开工，预计三个月完工。"),
        ):
            item = disclosure.create_item(
                offices[code],
                category=ItemCategory.RESULTS,
                title=title,
                body=body,
                stage=None,
                actor_id=None,
            )
            db.session.flush()
            disclosure.publish_item(item, actor_id=None)
        db.session.commit()
    return offices


def _items(app, office_ids):
    with app.test_request_context():
        return posters.collect_items(office_ids, MONTH)


def test_hook_poster_items(app, board):
    """The hook offers the month's published items, masked."""
    items = _items(app, [board["A"], board["B"]])
    assert [(i.office_name, i.title) for i in items] == [
        ("甲单位", "2026年低保评定结果公示"),
        ("乙村", "乙村道路硬化工程公示"),
    ]
    first = items[0]
    assert first.plugin == "disclosure" and first.full_key.startswith("disclosure:item-")
    assert RESIDENT not in first.text and "1234-5678" not in first.text
    assert first.url.endswith(f"/o/A/disclosure/item/{first.key.split('-')[1]}")
    last_month = (MONTH.replace(day=1) - __import__("datetime").timedelta(days=1)).replace(day=1)
    with app.test_request_context():
        assert posters.collect_items([board["A"]], last_month) == []


def test_poster_holds_neither_the_planted_phone_nor_the_private_name(app, board, tmp_path):
    items = _items(app, [board["A"]])
    with app.test_request_context():
        data = posters.posters_pdf(items, "A4")
    text = pdf_text(data, tmp_path)
    compact = "".join(text.split())
    assert "甲单位" in compact and "低保评定结果公示" in compact and "纳入低保" in compact
    assert RESIDENT not in compact and "13912345678" not in compact.replace("-", "")
    assert "1234-5678" not in compact
    assert "扫描右侧二维码" in compact and "/o/A/disclosure/item/" in compact


@pytest.mark.parametrize(
    ("size", "dimensions"),
    [("A4", "595.276 x 841.89 pts (A4)"), ("A3", "841.89 x 1190.55 pts (A3)")],
)
def test_a4_and_a3_pages_one_per_item_with_the_font_embedded(
    app, board, tmp_path, size, dimensions
):
    items = _items(app, [board["A"], board["B"]])
    with app.test_request_context():
        data = posters.posters_pdf(items, size)
    info = pdf_info(data, tmp_path)
    assert dimensions in info and pages(info) == 2
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "info.pdf")], capture_output=True, text=True
    ).stdout
    if posters.pdf_font() == posters.EMBEDDED_FONT:
        embedded = [line.split() for line in fonts.splitlines() if "TrueType" in line]
        assert embedded and all(row[-5:-3] == ["yes", "yes"] for row in embedded), fonts
    else:
        assert "STSong-Light" in fonts


def test_a_long_text_is_cut_to_one_page_with_a_pointer_to_the_qr_code(app, board, tmp_path):
    item = _items(app, [board["B"]])[0]
    from dataclasses import replace

    long = replace(item, text="村务公开内容很长。" * 1500)
    with app.test_request_context():
        data = posters.posters_pdf([long], "A4")
    assert pages(pdf_info(data, tmp_path)) == 1
    assert "全文请扫描二维码查看" in "".join(pdf_text(data, tmp_path).split())


def test_staff_screen_lists_items_and_downloads_one_poster(app, board, client, login_as, tmp_path):
    login_as("admin")
    month = f"{MONTH:%Y-%m}"
    page = client.get(f"/admin/posters/?office={board['A']}&office={board['B']}&month={month}")
    assert page.status_code == 200
    assert "公开栏海报" in text_of(page) and "2026年低保评定结果公示" in text_of(page)
    key = _items(app, [board["A"]])[0].full_key
    one = client.get(f"/admin/posters/item.pdf?office={board['A']}&month={month}&key={key}&size=A3")
    assert one.status_code == 200 and one.mimetype == "application/pdf"
    assert "(A3)" in pdf_info(one.data, tmp_path)
    assert RESIDENT not in pdf_text(one.data, tmp_path)
    missing = client.get(f"/admin/posters/item.pdf?office={board['A']}&month={month}&key=x:y")
    assert missing.status_code == 404


def test_staff_of_one_office_see_only_their_office(app, board, client, login_as):
    login_as("staff_b")
    month = f"{MONTH:%Y-%m}"
    page = text_of(
        client.get(f"/admin/posters/?office={board['A']}&office={board['B']}&month={month}")
    )
    assert "乙村道路硬化工程公示" in page and "低保评定结果公示" not in page
    key = _items(app, [board["A"]])[0].full_key
    refused = client.get(f"/admin/posters/item.pdf?office={board['A']}&month={month}&key={key}")
    assert refused.status_code == 404


@pytest.mark.parametrize("combined", [True, False])
def test_a_batch_runs_as_a_job_with_progress_and_a_download(
    app, board, client, login_as, tmp_path, combined
):
    login_as("admin")
    form = {"offices": [board["A"], board["B"]], "month": f"{MONTH:%Y-%m}", "size": "A4"}
    if combined:
        form["combined"] = "y"
    response = post(client, "/admin/posters/batch", form)
    assert response.status_code == 302 and "/admin/my-jobs/" in response.headers["Location"]
    with app.app_context():
        record = db.session.scalars(select(JobRecord)).one()
        assert record.status == "done" and (record.done, record.total) == (2, 2)
        record_id = record.id
    download = client.get(f"/admin/my-jobs/{record_id}/download")
    assert download.status_code == 200
    if combined:
        assert pages(pdf_info(download.data, tmp_path)) == 2
        assert RESIDENT not in pdf_text(download.data, tmp_path)
    else:
        names = sorted(zipfile.ZipFile(io.BytesIO(download.data)).namelist())
        assert names == [f"A-{MONTH:%Y-%m}-A4.pdf", f"B-{MONTH:%Y-%m}-A4.pdf"]


def test_a_batch_with_a_bad_month_or_no_office_changes_nothing(app, board, client, login_as):
    login_as("admin")
    bad = post(
        client, "/admin/posters/batch", {"offices": [board["A"]], "month": "2026-13", "size": "A4"}
    )
    assert bad.status_code == 302
    none = post(
        client,
        "/admin/posters/batch",
        {"month": "2026-12", "size": "A4"},
    )
    assert none.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(JobRecord)).all() == []
    assert "请按“年-月”填写月份" in text_of(client.get("/admin/posters/"))
