"""Issue 13, finding 6 and the search oracle: what residents get of the archive goes through
the core's publication gate.

A file's title is a short field staff type and residents read on the list of public records,
the request form, the receipt, the status lookup and the JSON API: a resident's phone or the
full name of a resident the records know, typed there, must reach none of them. The search
matches only what residents see (number and masked title): never the description, which is not
published, nor the masked parts of a title — otherwise its answers would tell what they say.
"""

import pytest
from archives_helpers import archive_office, new_file
from sqlalchemy import select
from support import post, text_of

from core.extensions import db
from plugins.archives.models import ArchiveFile, Loan
from plugins.archives.services import lending

RESIDENT, RESIDENT_MASKED = "王秀英", "王某"
MOBILE, MOBILE_STARRED = "13904715566", "139****5566"
HIDDEN = "赵大海"  # only in the description, which residents never see
TITLE = f"{RESIDENT}户承包地确权登记（联系电话 {MOBILE}）"


@pytest.fixture(name="planted")
def planted_fixture(app, users, offices, make_user):
    """Office A: a public file titled with a known resident's name and mobile (she asked to
    consult another file before), its description naming someone else. Returns its id."""
    archive_office(app, offices, make_user)
    with app.app_context():
        other = new_file(offices["A"], "土地利用总体规划", security="public", code="TD")
        lending.request_by_resident(other, name=RESIDENT, phone="13800138000", purpose="了解规划")
        file = new_file(offices["A"], TITLE, security="public", code="TD")
        file.description = f"内含村民{HIDDEN}的申请书和身份证复印件"
        db.session.commit()
        return file.id


def _assert_clean(text: str, where: str):
    for value in (RESIDENT, MOBILE, HIDDEN):
        assert value not in text, f"{value} published on {where}"


def test_file_titles_are_masked_on_every_public_page(app, planted):
    resident = app.test_client()
    listing = text_of(resident.get("/o/A/archives/"))
    _assert_clean(listing, "the list of public records")
    assert f"{RESIDENT_MASKED}户承包地确权登记" in listing and MOBILE_STARRED in listing
    form = text_of(resident.get(f"/o/A/archives/{planted}/request"))
    _assert_clean(form, "the request form")
    assert "确权登记" in form
    receipt = text_of(
        post(
            resident,
            f"/o/A/archives/{planted}/request",
            {"name": "孙丽", "phone": "13700001111", "purpose": "核对确权面积", "period_days": "1"},
            follow_redirects=True,
        )
    )
    assert "查阅申请已提交" in receipt
    _assert_clean(receipt, "the receipt")
    with app.app_context():
        reference = db.session.scalar(select(Loan.reference).where(Loan.file_id == planted))
    status = text_of(post(resident, "/o/A/archives/status", {"reference": reference}))
    assert "待审批" in status
    _assert_clean(status, "the status lookup")


def test_api_masks_file_titles(app, planted):
    response = app.test_client().get("/api/v1/archives/A/records", headers={"Host": "evil.example"})
    assert response.status_code == 200
    _assert_clean(response.get_data(as_text=True), "the API")
    record = {r["id"]: r for r in response.get_json()}[planted]
    assert record["title"] == f"{RESIDENT_MASKED}户承包地确权登记（联系电话 {MOBILE_STARRED}）"
    assert record["request_url"].startswith(app.config["PUBLIC_BASE_URL"].rstrip("/"))


@pytest.mark.parametrize("where", ["/o/A/archives/?q=", "/api/v1/archives/A/records?q="])
def test_search_matches_only_what_residents_see(app, planted, where):
    client = app.test_client()

    def found(term) -> bool:
        response = client.get(where + term)
        assert response.status_code == 200
        if where.startswith("/api/"):
            return any(r["id"] == planted for r in response.get_json())
        return "确权登记" in text_of(response)

    assert found("确权登记") and found(MOBILE_STARRED[:3])
    assert not found(HIDDEN)  # the description is never searched
    assert not found(RESIDENT)  # nor the masked part of a title
    assert not found(MOBILE)
    with app.app_context():
        assert HIDDEN in db.session.get(ArchiveFile, planted).description
