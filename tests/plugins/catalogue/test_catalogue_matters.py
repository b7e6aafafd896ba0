"""Slice 1: the office's list of matters and the residents' 办事指南 — what a matter must say
(a known case category, a fee only with its basis), the staff screen within the user's office,
the office's and the township's guides with search, one printable page per matter with a QR
code, the JSON API, and the module switched off (pages gone, data kept)."""

from decimal import Decimal

import pytest
from catalogue_helpers import client_for, count_matters, matter
from support import post, text_of

from core.extensions import db
from core.models import Office
from core.modules import set_module
from plugins.catalogue import services
from plugins.catalogue.errors import CatalogueError
from plugins.catalogue.models import Place, ServiceMatter


def test_a_matter_needs_a_known_category_and_a_fee_needs_its_basis(app, catalogue_on):
    with app.app_context():
        with pytest.raises(CatalogueError, match="办件类别"):
            services.create_matter(catalogue_on["A"], name="某事项", category_code="nope")
        with pytest.raises(CatalogueError, match="收费标准的依据"):
            services.create_matter(
                catalogue_on["A"], name="工本费", category_code="approval", fee="10"
            )
        with pytest.raises(CatalogueError, match="负数"):
            services.create_matter(
                catalogue_on["A"],
                name="工本费",
                category_code="approval",
                fee="-1",
                fee_basis="文件",
            )
        free = services.create_matter(
            catalogue_on["A"], name="免费事项", category_code="service", fee="0"
        )
        paid = services.create_matter(
            catalogue_on["A"],
            name="工本费事项",
            category_code="approval",
            fee="10.5",
            fee_basis="物价文件",
        )
        db.session.commit()
        assert free.fee is None and free.is_free
        assert paid.fee == Decimal("10.50") and not paid.is_free


def _form(office_id, **changes):
    data = {
        "office": str(office_id),
        "name": "农村最低生活保障申请",
        "legal_basis": "《社会救助暂行办法》",
        "category_code": "approval",
        "place": "hall",
        "handled_by": "民政窗口",
        "documents": "户口簿\n身份证",
        "fee": "",
        "fee_basis": "",
        "steps": "申请\n审核",
        "listed": "y",
    }
    data.update(changes)
    return data


def test_staff_add_matters_of_their_own_office_only(app, catalogue_on):
    staff = client_for(app, "staff_a")
    response = post(staff, "/admin/catalogue_matters/new/", _form(catalogue_on["A"]))
    assert response.status_code == 302, text_of(response)[:800]
    # Staff have no choice of office: a forged office B still saves under their own office.
    post(staff, "/admin/catalogue_matters/new/", _form(catalogue_on["B"], name="乙村事项"))
    assert {m.office_id for m in _all(app)} == {catalogue_on["A"]}
    no_basis = post(
        staff,
        "/admin/catalogue_matters/new/",
        _form(catalogue_on["A"], name="收费无依据", fee="20"),
    )
    assert "收费事项须写明收费标准的依据" in text_of(no_basis)
    auditor = client_for(app, "auditor")
    post(auditor, "/admin/catalogue_matters/new/", _form(catalogue_on["A"], name="审计员添加"))
    assert {m.name for m in _all(app)} == {"农村最低生活保障申请", "乙村事项"}
    listing = text_of(staff.get("/admin/catalogue_matters/"))
    assert "农村最低生活保障申请" in listing and "审批事项" in listing


def _all(app):
    with app.app_context():
        return db.session.query(ServiceMatter).all()


def test_office_guide_search_and_township_guide(app, client, catalogue_on):
    with app.app_context():
        matter(catalogue_on["A"])
        matter(
            catalogue_on["A"],
            "农村建房规划许可证",
            category_code="approval",
            fee="10",
            fee_basis="省物价局收费文件",
            documents="宅基地批准书",
        )
        matter(catalogue_on["B"], "村级证明出具", place=Place.VILLAGE, documents="身份证")
        hidden = matter(catalogue_on["A"], "已不再办理的事项")
        hidden.listed = False
        db.session.commit()
    page = text_of(client.get("/o/A/catalogue/"))
    assert "城乡居民医疗保险参保登记" in page and "农村建房规划许可证" in page
    assert "10.00 元" in page and "免费" in page
    assert "村级证明出具" not in page and "已不再办理的事项" not in page
    found = text_of(client.get("/o/A/catalogue/?q=宅基地"))
    assert "农村建房规划许可证" in found and "城乡居民医疗保险参保登记" not in found
    assert "没有找到" in text_of(client.get("/o/A/catalogue/?q=不存在的事"))
    township = client.get("/o/A/catalogue/township?q=身份证")
    text = text_of(township)
    assert township.status_code == 200
    assert "城乡居民医疗保险参保登记" in text and "村级证明出具" in text
    assert "/o/B/catalogue/matter/" in township.get_data(as_text=True)
    home = text_of(client.get("/"))
    assert "办事指南" in home and "全镇办事指南" in home


def test_matter_page_shows_place_documents_limit_fee_steps_and_a_qr_code(app, client, catalogue_on):
    with app.app_context():
        row = matter(
            catalogue_on["A"],
            "农村建房规划许可证",
            category_code="approval",
            fee="10",
            fee_basis="省物价局收费文件",
            documents="宅基地批准书\n建房设计图",
        )
        county = matter(catalogue_on["A"], "残疾人证办理", place=Place.COUNTY)
        other = matter(catalogue_on["B"], "村级证明出具")
        row_id, county_id, other_id = row.id, county.id, other.id
    response = client.get(f"/o/A/catalogue/matter/{row_id}")
    page = text_of(response)
    assert response.status_code == 200
    assert "乡镇便民服务大厅" in page and "宅基地批准书" in page and "建房设计图" in page
    assert "7 日" in page and "10.00 元" in page and "省物价局收费文件" in page
    assert "窗口登记" in page
    html = response.get_data(as_text=True)
    assert 'src="data:image/svg+xml' in html and f"/o/A/catalogue/matter/{row_id}" in page
    assert "@media print" in html
    assert "乡镇代为办理" in text_of(client.get(f"/o/A/catalogue/matter/{county_id}"))
    assert client.get(f"/o/A/catalogue/matter/{other_id}").status_code == 404
    assert client.get("/o/A/catalogue/matter/99999999999").status_code == 404


def test_office_limit_is_the_core_one(app, client, catalogue_on):
    from core.cases.models import OfficeCategoryLimit

    with app.app_context():
        row = matter(catalogue_on["A"], category_code="approval")
        db.session.add(
            OfficeCategoryLimit(
                office_id=catalogue_on["A"], category="approval", amount=3, unit="calendar_days"
            )
        )
        db.session.commit()
        row_id = row.id
    assert "3 日" in text_of(client.get(f"/o/A/catalogue/matter/{row_id}"))


def test_api_lists_the_office_matters(app, client, catalogue_on):
    with app.app_context():
        matter(
            catalogue_on["A"],
            "农村建房规划许可证",
            category_code="approval",
            fee="10",
            fee_basis="省物价局收费文件",
        )
        matter(catalogue_on["A"], "残疾人证办理", place=Place.COUNTY)
    data = client.get("/api/v1/catalogue/A/matters").get_json()
    by_name = {m["name"]: m for m in data}
    assert by_name["农村建房规划许可证"]["fee_yuan"] in ("10.00", 10.0)
    assert by_name["农村建房规划许可证"]["time_limit"] == "7 日"
    assert by_name["农村建房规划许可证"]["documents"] == ["户口簿", "身份证"]
    assert by_name["残疾人证办理"]["handled_for_county"] is True
    assert by_name["残疾人证办理"]["free"] is True and by_name["残疾人证办理"]["fee_yuan"] is None


def test_module_off_hides_pages_and_screens_and_keeps_data(app, client, catalogue_on):
    with app.app_context():
        row_id = matter(catalogue_on["A"]).id
        set_module("catalogue", db.session.get(Office, catalogue_on["A"]), False)
        db.session.commit()
    assert client.get("/o/A/catalogue/").status_code == 404
    assert client.get(f"/o/A/catalogue/matter/{row_id}").status_code == 404
    assert client.get("/api/v1/catalogue/A/matters").status_code == 404
    assert "城乡居民医疗保险参保登记" not in text_of(client.get("/o/B/catalogue/township"))
    assert client.get("/o/A/catalogue/places").status_code == 404
    staff = client_for(app, "staff_a")
    for screen in (
        "/admin/catalogue_matters/",
        "/admin/catalogue_places/",
        "/admin/catalogue_liaisons/",
        "/admin/catalogue-desk/",
    ):
        assert staff.get(screen).status_code in (403, 404), screen
    with app.app_context():
        assert count_matters() == 1
        set_module("catalogue", db.session.get(Office, catalogue_on["A"]), True)
        db.session.commit()
    assert "城乡居民医疗保险参保登记" in text_of(client.get(f"/o/A/catalogue/matter/{row_id}"))
