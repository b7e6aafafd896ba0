"""The residents' side: no login, no JavaScript, phone-sized, and no private person's data."""

import re

import pytest
from example_plugin.models import ExampleNote
from support import text_of

from core.extensions import db
from core.models import Office
from core.modules import set_module

PRIVATE_PHONE = "13812345678"
PRIVATE_ID = "110101199003071234"


@pytest.fixture
def township(app, offices, make_user):
    """Example module on for A only; a note holding a private person's phone and ID number."""
    with app.app_context():
        a = db.session.get(Office, offices["A"])
        a.address, a.public_phone, a.office_hours = "示范路 1 号", "0471-5550101", "周一至周五"
        set_module("example", a, True)
        db.session.add(ExampleNote(office_id=offices["A"], title="办事指南", phone=PRIVATE_PHONE))
        db.session.commit()
    from core.models import Role

    make_user("clerk", Role.STAFF, offices["A"], display_name="王窗口", post="窗口")
    return offices


PAGES = [
    "/",
    "/o/A/",
    "/o/B/",
    "/o/T/",
    "/o/A/staff",
    "/o/A/example/",
    "/api/v1/offices",
    "/api/v1/offices/A/staff",
    "/api/v1/example/A/notes",
]


@pytest.mark.parametrize("path", PAGES)
def test_public_pages_need_no_login_and_leak_no_personal_data(client, township, path):
    response = client.get(path)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert PRIVATE_PHONE not in body and PRIVATE_ID not in body
    assert "138****" not in body  # not even masked: the note's phone is simply not published


@pytest.mark.parametrize("path", [p for p in PAGES if not p.startswith("/api")])
def test_public_pages_work_on_a_phone_without_javascript(client, township, path):
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert "<script" not in html.lower()
    assert 'name="viewport" content="width=device-width' in html
    assert '<html lang="zh-CN">' in html
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store" or path.startswith("/api")


def test_home_shows_offices_and_plugin_sections(client, township):
    home = client.get("/")
    body = text_of(home)
    html = home.get_data(as_text=True)
    for name in ("测试镇", "甲单位", "乙村", "各单位"):
        assert name in body
    assert "/o/A/" in html and "/o/B/" in html
    assert "示例" in body and "/o/A/example/" in html  # the example plugin's section
    assert "/o/B/example/" not in html  # B has the module off


def test_office_page(client, township):
    page = client.get("/o/A/")
    body = text_of(page)
    html = page.get_data(as_text=True)
    for fact in ("甲单位", "示范路 1 号", "0471-5550101", "周一至周五", "测试镇", "工作人员公示"):
        assert fact in body
    assert 'href="tel:0471-5550101"' in html
    assert "/o/A/staff" in html and "/o/A/example/" in html
    assert "/o/B/example/" not in client.get("/o/B/").get_data(as_text=True)
    parent = text_of(client.get("/o/T/"))
    assert "下属单位" in parent and "甲单位" in parent and "乙村" in parent


def test_unknown_office_is_404(client, township):
    assert client.get("/o/NOPE/").status_code == 404
    assert client.get("/o/NOPE/staff").status_code == 404


def test_language_switch_goes_back_only_to_this_site(client, township):
    response = client.get("/lang/en", headers={"Referer": "http://localhost/o/A/"})
    assert response.status_code == 302 and response.headers["Location"] == "/o/A/"
    with client.session_transaction() as session:
        assert session["lang"] == "en"
    response = client.get("/lang/zh_CN", headers={"Referer": "https://evil.example/o/A/"})
    assert response.headers["Location"] == "/"
    client.get("/lang/klingon")
    with client.session_transaction() as session:
        assert session["lang"] == "zh_CN"  # unknown codes are ignored


def test_home_page_links_are_all_reachable(client, township):
    html = client.get("/").get_data(as_text=True)
    links = {h for h in re.findall(r'href="(/[^"#]*)"', html) if not h.startswith("/static/")}
    assert links
    for link in links:
        assert client.get(link).status_code in (200, 302), link
