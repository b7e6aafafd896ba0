"""Slice 2 (限地): the township's hall and each village's convenience room with opening hours,
each village's liaison officers (staff records of that village), shown to residents on the
places page, the office's guide and a matter's page — never a liaison's private mobile."""

import pytest
from catalogue_helpers import client_for, matter, user
from sqlalchemy import select
from support import post, text_of

from core.extensions import db
from plugins.catalogue import services
from plugins.catalogue.errors import CatalogueError
from plugins.catalogue.models import LiaisonOfficer, LiaisonRole, Place


def _setup(offices):
    services.create_place(
        offices["A"],
        kind=Place.HALL,
        name="镇便民服务大厅",
        address="镇政府一楼",
        opening_hours="周一至周五 8:30–17:30",
        phone="0471-5550100",
    )
    services.create_place(
        offices["B"],
        kind=Place.VILLAGE,
        name="乙村便民服务室",
        opening_hours="周一至周五 9:00–12:00",
        phone="0471-5550200",
    )
    staff_b = user("staff_b")
    staff_b.contact_phone = "13912345678"
    services.add_liaison(offices["B"], staff_b, LiaisonRole.WOMEN_DIRECTOR)
    db.session.commit()


def test_places_page_lists_hall_rooms_hours_and_liaisons(app, client, catalogue_on):
    with app.app_context():
        _setup(catalogue_on)
    page = text_of(client.get("/o/A/catalogue/places"))
    assert page.index("镇便民服务大厅") < page.index("乙村便民服务室")
    assert "周一至周五 8:30–17:30" in page and "0471-5550100" in page
    assert "staff_b（村妇女主任）" in page
    assert "13912345678" not in page
    village_guide = text_of(client.get("/o/B/catalogue/"))
    assert "乙村便民服务室" in village_guide and "村妇女主任" in village_guide


def test_matter_page_says_where_to_go(app, client, catalogue_on):
    with app.app_context():
        _setup(catalogue_on)
        room = matter(catalogue_on["B"], "村级证明出具", place=Place.VILLAGE).id
        home = matter(catalogue_on["B"], "高龄补贴资格认证", place=Place.HOME).id
        county = matter(catalogue_on["B"], "残疾人证办理", place=Place.COUNTY).id
    assert "乙村便民服务室" in text_of(client.get(f"/o/B/catalogue/matter/{room}"))
    home_page = text_of(client.get(f"/o/B/catalogue/matter/{home}"))
    assert "staff_b（村妇女主任）" in home_page and "上门" in home_page
    county_page = text_of(client.get(f"/o/B/catalogue/matter/{county}"))
    assert "镇便民服务大厅" in county_page and "周一至周五 8:30–17:30" in county_page


def test_a_liaison_is_staff_of_the_same_office_named_once(app, catalogue_on):
    with app.app_context():
        with pytest.raises(CatalogueError, match="本单位的工作人员"):
            services.add_liaison(catalogue_on["B"], user("staff_a"), LiaisonRole.BOOKKEEPER)
        services.add_liaison(catalogue_on["B"], user("staff_b"), LiaisonRole.BOOKKEEPER)
        db.session.commit()
        with pytest.raises(CatalogueError, match="已是本单位的联络员"):
            services.add_liaison(catalogue_on["B"], user("staff_b"), LiaisonRole.OTHER)
        with pytest.raises(CatalogueError, match="乡镇便民服务大厅或村便民服务室"):
            services.create_place(catalogue_on["B"], kind=Place.HOME, name="某户")


def test_staff_screens_for_places_and_liaisons(app, catalogue_on):
    staff_b = client_for(app, "staff_b")
    response = post(
        staff_b,
        "/admin/catalogue_places/new/",
        {
            "kind": "village",
            "name": "乙村便民服务室",
            "address": "村委会一楼",
            "opening_hours": "周一至周五 9:00–12:00",
            "phone": "0471-5550200",
        },
    )
    assert response.status_code == 302, text_of(response)[:500]
    with app.app_context():
        staff_b_id = user("staff_b").id
        staff_a_id = user("staff_a").id
    response = post(
        staff_b, "/admin/catalogue_liaisons/new/", {"user": str(staff_b_id), "role": "bookkeeper"}
    )
    assert response.status_code == 302, text_of(response)[:500]
    # Staff of B are offered only their own office's staff; a forged staff_a is refused.
    post(staff_b, "/admin/catalogue_liaisons/new/", {"user": str(staff_a_id), "role": "other"})
    with app.app_context():
        assert [(row.user_id, row.role) for row in db.session.scalars(select(LiaisonOfficer))] == [
            (staff_b_id, LiaisonRole.BOOKKEEPER)
        ]
    assert "乙村便民服务室" in text_of(staff_b.get("/admin/catalogue_places/"))
