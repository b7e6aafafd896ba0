"""Issue 14 item 16: the keeper's own loans are approved by a leader or the named deputy
keeper (nobody approves their own); an office without a keeper offers residents no
"申请查阅" and says where to ask instead."""

import pytest
from archives_helpers import archive_office, client_for, desk_post, enable, new_file, settings, user
from sqlalchemy import select
from support import post, post_edit, text_of

from core.extensions import db
from core.models import Role, User
from plugins.archives.errors import ArchivesError
from plugins.archives.models import ArchiveEvent, ArchiveSettings, EventKind, Loan, LoanStatus
from plugins.archives.services import lending


@pytest.fixture
def archive(app, users, offices, make_user):
    """Archives on for A and B with keepers (keeper_a at A); deputy_a, a clerk at A."""
    extra = archive_office(app, offices, make_user)
    extra["deputy_a"] = make_user("deputy_a", Role.STAFF, offices["A"], display_name="钱副档")
    return {**users, **extra, "offices": offices}


def _keepers_request(office_id, security="internal"):
    file = new_file(office_id, "土地台账", security=security)
    loan = lending.request_by_staff(file, user("keeper_a").id, purpose="核对", period_days=3)
    db.session.commit()
    return loan


def _name_deputy(office_id, username="deputy_a"):
    row = db.session.scalar(select(ArchiveSettings).where(ArchiveSettings.office_id == office_id))
    row.deputy_keeper_id = user(username).id
    db.session.commit()


def test_keeper_cannot_approve_own_loan_but_a_leader_can(app, archive):
    with app.app_context():
        loan = _keepers_request(archive["offices"]["A"])
        with pytest.raises(ArchivesError, match="不能审批自己"):
            lending.approve(loan, user("keeper_a").id)
        with pytest.raises(ArchivesError):
            lending.approve(loan, user("staff_a").id)  # an ordinary colleague may not
        assert lending.approve(loan, user("leader").id) == "keeper"
        db.session.commit()
        assert (
            loan.status == LoanStatus.APPROVED and loan.keeper_approved_by_id == user("leader").id
        )
        event = db.session.scalar(
            select(ArchiveEvent).where(
                ArchiveEvent.loan_id == loan.id, ArchiveEvent.kind == EventKind.KEEPER_APPROVED
            )
        )
        assert "代为审批" in event.note


def test_the_named_deputy_keeper_approves_the_keepers_loan(app, archive):
    with app.app_context():
        _name_deputy(archive["offices"]["A"])
        loan = _keepers_request(archive["offices"]["A"])
        assert lending.approve(loan, user("deputy_a").id) == "keeper"
        db.session.commit()
        assert loan.status == LoanStatus.APPROVED
        # The deputy stands in only for the keeper's own requests.
        other = lending.request_by_staff(
            new_file(archive["offices"]["A"], "会议记录"),
            user("staff_a").id,
            purpose="查阅",
            period_days=2,
        )
        with pytest.raises(ArchivesError):
            lending.approve(other, user("deputy_a").id)


def test_restricted_keepers_loan_needs_two_different_people(app, archive):
    with app.app_context():
        _name_deputy(archive["offices"]["A"])
        loan = _keepers_request(archive["offices"]["A"], security="restricted")
        assert lending.approve(loan, user("leader").id) == "leader"
        with pytest.raises(ArchivesError):
            lending.approve(loan, user("leader").id)  # not both approvals by one person
        assert loan.status == LoanStatus.REQUESTED
        assert lending.approve(loan, user("deputy_a").id) == "keeper"
        db.session.commit()
        assert loan.status == LoanStatus.APPROVED


def test_the_desk_offers_the_leader_the_approval_of_the_keepers_loan(app, archive):
    with app.app_context():
        loan_id = _keepers_request(archive["offices"]["A"]).id
    leader = client_for(app, "leader")
    page = leader.get(f"/admin/archives-desk/loan/{loan_id}")
    assert f"/loan/{loan_id}/approve" in page.get_data(as_text=True)
    desk_post(app, leader, f"/admin/archives-desk/loan/{loan_id}/approve")
    with app.app_context():
        assert db.session.get(Loan, loan_id).status == LoanStatus.APPROVED


def test_settings_form_names_a_deputy_of_the_office_not_the_keeper(app, archive):
    client = client_for(app, "officeadmin")
    with app.app_context():
        row_id = db.session.scalar(
            select(ArchiveSettings.id).where(ArchiveSettings.office_id == archive["offices"]["A"])
        )
    url = f"/admin/archives_settings/edit/?id={row_id}"
    form = {
        "office": archive["offices"]["A"],
        "keeper": archive["keeper_a"],
        "max_loan_days": 10,
        "reading_room": "一楼档案室",
    }
    response = post_edit(
        client, url, {**form, "deputy_keeper": archive["keeper_a"]}, follow_redirects=True
    )
    assert "代审批人不能是档案管理员本人" in text_of(response)
    # A's office admin cannot even pick B's clerk; the township admin can, and is refused.
    response = post_edit(
        client_for(app, "admin"),
        url,
        {**form, "deputy_keeper": archive["staff_b"]},
        follow_redirects=True,
    )
    assert "代审批人必须是本单位的工作人员或镇级管理员" in text_of(response)
    post_edit(client, url, {**form, "deputy_keeper": archive["deputy_a"]}, follow_redirects=True)
    with app.app_context():
        assert db.session.get(ArchiveSettings, row_id).deputy_keeper_id == archive["deputy_a"]


# --- an office without a keeper ----------------------------------------------------------


@pytest.fixture
def keeperless(app, users, offices, make_user):
    """Archives on for the township T (with a keeper) and for B, which has no keeper."""
    keeper_t = make_user("keeper_t", Role.STAFF, offices["T"], display_name="镇档案员")
    with app.app_context():
        enable(offices["T"], offices["B"])
        settings(offices["T"], db.session.get(User, keeper_t))
        settings(offices["B"], None)
        file_id = new_file(offices["B"], "村规民约", security="public").id
    return {"file": file_id, **offices}


def test_office_without_keeper_offers_no_request_and_points_to_the_township(
    app, client, keeperless
):
    page = client.get("/o/B/archives/")
    html = page.get_data(as_text=True)
    assert "村规民约" in html  # the catalogue stays visible
    assert f"/o/B/archives/{keeperless['file']}/request" not in html
    assert "申请查阅</a>" not in html
    assert "尚未指定档案管理员" in text_of(page) and "/o/T/archives/" in html
    form = client.get(f"/o/B/archives/{keeperless['file']}/request")
    assert form.status_code == 409 and "尚未指定档案管理员" in text_of(form)
    assert "提交查阅申请" not in text_of(form)
    response = post(
        client,
        f"/o/B/archives/{keeperless['file']}/request",
        {"name": "张三", "phone": "13800138000", "purpose": "查阅", "period_days": 1},
    )
    assert response.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(Loan.id)) is None


def test_home_page_does_not_invite_requests_an_office_cannot_take(app, client, keeperless):
    """The residents' home page said "N 卷可申请查阅" for an office without a keeper."""
    home = text_of(client.get("/"))
    assert "1 卷公开档案，暂不受理查阅申请" in home  # office B: no keeper
    assert "卷可申请查阅" in home  # the township T has one
