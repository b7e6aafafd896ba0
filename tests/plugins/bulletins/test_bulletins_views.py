"""The staff screens (items through the admin form, bad input refused with nothing saved, the
desk in colours, releases recorded on the desk) and what residents get: the office's and the
township's information pages, the Atom feed, the JSON API and the A4 leaflet with a QR code —
expired items gone by themselves, the module switched off answering 404."""

import subprocess
from datetime import date, timedelta
from xml.etree import ElementTree

from bulletins_helpers import client_for, count, item, plan, product, release
from support import post, text_of

from core.extensions import db
from core.models import Office
from core.modules import set_module
from core.time import local_today
from plugins.bulletins.models import CollectedItem, Kind, PlanEntry, Release

ATOM = "{http://www.w3.org/2005/Atom}"


def _item_form(office_id, **changes):
    today = local_today()
    data = {
        "office": str(office_id),
        "title": "本周生猪收购价格",
        "kind": "market",
        "medium": "internet",
        "source": "全国农产品批发市场价格信息网",
        "collected_on": today.isoformat(),
        "valid_until": (today + timedelta(days=7)).isoformat(),
        "content": "外三元生猪出栏价每公斤 15.6 元。",
        "product": "__None",
    }
    data.update(changes)
    return data


def test_staff_collect_items_and_bad_input_is_refused(app, bulletins_on):
    staff = client_for(app, "staff_a")
    response = post(staff, "/admin/bulletins_items/new/", _item_form(bulletins_on["A"]))
    assert response.status_code == 302, text_of(response)[:800]
    before = (local_today() - timedelta(days=1)).isoformat()
    refused = post(
        staff, "/admin/bulletins_items/new/", _item_form(bulletins_on["A"], valid_until=before)
    )
    assert "有效期不能早于收集日期" in text_of(refused)
    with app.app_context():
        assert count(CollectedItem) == 1
    listing = text_of(staff.get("/admin/bulletins_items/"))
    assert "本周生猪收购价格" in listing and "市场价格" in listing


def test_the_desk_shows_overdue_plan_dates_red_and_records_a_release(app, bulletins_on):
    with app.app_context():
        row = plan(bulletins_on["A"], local_today().year)
        late = PlanEntry(
            office_id=bulletins_on["A"],
            kind=Kind.MARKET,
            planned_on=local_today() - timedelta(days=3),
        )
        row.entries.append(late)
        made = product(bulletins_on["A"])
        db.session.commit()
        entry_id, product_id = late.id, made.id
    staff = client_for(app, "staff_a")
    page = staff.get("/admin/bulletins-desk/").get_data(as_text=True)
    assert 'data-colour="red"' in page and "超期" in page
    form = {
        "product_id": str(product_id),
        "entry_id": str(entry_id),
        "released_on": local_today().isoformat(),
        "channels": ["meeting", "web"],
        "audience": "全镇种养殖户",
    }
    refused = post(staff, "/admin/bulletins-desk/release", {**form, "channels": []})
    assert refused.status_code == 302
    with app.app_context():
        assert count(Release) == 0
    done = post(staff, "/admin/bulletins-desk/release", form)
    assert done.status_code == 302
    page = staff.get("/admin/bulletins-desk/").get_data(as_text=True)
    assert 'data-colour="closed"' in page and "全镇种养殖户" in page
    # Staff of the village cannot release the government's product.
    other = client_for(app, "staff_b")
    post(other, "/admin/bulletins-desk/release", {**form, "entry_id": "0"})
    with app.app_context():
        assert count(Release) == 1


def _published(app, office_id):
    with app.app_context():
        prod = product(office_id, "农产品市场价格月报")
        item(prod, "今日玉米价格", valid_days=5)
        item(prod, "昨日过期的猪价", valid_days=-1)
        release(prod)
        return prod.id


def test_residents_read_current_products_per_office_and_township(app, bulletins_on, client):
    product_id = _published(app, bulletins_on["A"])
    page = text_of(client.get("/o/A/bulletins/"))
    assert "农产品市场价格月报" in page
    township = text_of(client.get("/o/B/bulletins/township"))
    assert "农产品市场价格月报" in township and "甲单位" in township
    assert "农产品市场价格月报" not in text_of(client.get("/o/B/bulletins/"))
    assert "农产品市场价格月报" not in text_of(client.get("/o/A/bulletins/?kind=jobs"))
    detail = client.get(f"/o/A/bulletins/p/{product_id}").get_data(as_text=True)
    assert "今日玉米价格" in detail and "leaflet.pdf" in detail and "data:image/svg" in detail
    assert client.get(f"/o/B/bulletins/p/{product_id}").status_code == 404
    assert client.get("/o/A/bulletins/p/99999999999").status_code == 404


def test_expired_items_and_products_leave_by_themselves(app, bulletins_on, client, monkeypatch):
    product_id = _published(app, bulletins_on["A"])
    from plugins.bulletins import services

    real_today = local_today()
    monkeypatch.setattr(services, "local_today", lambda: real_today + timedelta(days=1))
    detail = text_of(client.get(f"/o/A/bulletins/p/{product_id}"))
    assert "今日玉米价格" in detail and "昨日过期的猪价" not in detail
    monkeypatch.setattr(services, "local_today", lambda: real_today + timedelta(days=30))
    assert "农产品市场价格月报" not in text_of(client.get("/o/A/bulletins/"))
    assert client.get(f"/o/A/bulletins/p/{product_id}").status_code == 404
    assert client.get("/api/v1/bulletins/A/products").get_json() == []


def test_atom_feed_and_json_api(app, bulletins_on, client):
    product_id = _published(app, bulletins_on["A"])
    response = client.get("/o/A/bulletins/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.data)
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "【市场价格】农产品市场价格月报"
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/o/A/bulletins/p/{product_id}")
    township = ElementTree.fromstring(client.get("/o/B/bulletins/township.atom").data)
    assert len(township.findall(f"{ATOM}entry")) == 1
    [out] = client.get("/api/v1/bulletins/A/products").get_json()
    assert out["title"] == "农产品市场价格月报" and out["kind"] == "market"
    assert [i["title"] for i in out["items"]] == ["今日玉米价格"]
    assert out["leaflet_url"].endswith(f"/o/A/bulletins/p/{product_id}/leaflet.pdf")
    assert len(client.get("/api/v1/bulletins/B/township").get_json()) == 1


def test_leaflet_is_an_a4_pdf_with_chinese_text_and_an_embedded_font(
    app, bulletins_on, client, tmp_path
):
    product_id = _published(app, bulletins_on["A"])
    response = client.get(f"/o/A/bulletins/p/{product_id}/leaflet.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "leaflet.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "农产品市场价格月报" in text and "今日玉米价格" in text
    assert "昨日过期的猪价" not in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    from core.kit import EMBEDDED_FONT, pdf_font

    if pdf_font() == EMBEDDED_FONT:  # a subset of the TrueType font inside
        embedded = [line.split() for line in fonts.splitlines() if "TrueType" in line]
        assert embedded and all(row[-5:-3] == ["yes", "yes"] for row in embedded), fonts
    else:  # no TrueType CJK font on this machine: the standard CID font readers supply
        assert "STSong-Light" in fonts


def test_module_switched_off_hides_pages_and_keeps_data(app, bulletins_on, client):
    _published(app, bulletins_on["A"])
    with app.app_context():
        set_module("bulletins", db.session.get(Office, bulletins_on["A"]), False)
        db.session.commit()
    assert client.get("/o/A/bulletins/").status_code == 404
    assert client.get("/o/A/bulletins/feed.atom").status_code == 404
    assert client.get("/api/v1/bulletins/A/products").status_code == 404
    assert "农产品市场价格月报" not in text_of(client.get("/o/B/bulletins/township"))
    staff = client_for(app, "staff_a")
    assert staff.get("/admin/bulletins-desk/").status_code == 403
    with app.app_context():
        assert count(Release) == 1


def test_plan_dates_are_generated_on_the_desk(app, bulletins_on):
    with app.app_context():
        plan_id = plan(bulletins_on["A"], 2026).id
    staff = client_for(app, "staff_a")
    post(staff, "/admin/bulletins-desk/generate", {"plan_id": str(plan_id), "kind": "jobs"})
    post(staff, "/admin/bulletins-desk/generate", {"plan_id": str(plan_id), "kind": "nope"})
    with app.app_context():
        assert count(PlanEntry) == 12
    page = staff.get("/admin/bulletins-desk/?year=2026").get_data(as_text=True)
    assert page.count('class="entry"') == 12
    assert date(2026, 1, 12).isoformat() in page
