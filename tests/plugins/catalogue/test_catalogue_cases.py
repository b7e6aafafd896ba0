"""Slices 3–5 on cases of matters: registering from the office's list only (不越权, also for
cases registered on the core's case screen), a county matter handed to an agent at once
(办事代理), and the fee charged at closing (限费) — above the standard or on a free matter
refused with the standard named and nothing saved, a reduction only with a leader's approval,
overrides listed on 督办 with who approved them."""

import re
from decimal import Decimal

import pytest
from catalogue_helpers import client_for, matter, user
from sqlalchemy import func, select
from support import post, text_of

from core.cases import Case, CaseError, CaseStatus, close_case, open_case
from core.extensions import db
from plugins.catalogue import cases
from plugins.catalogue.errors import CatalogueError
from plugins.catalogue.models import CaseFee, Place


def _paid(office_id):
    return matter(
        office_id,
        "农村建房规划许可证",
        category_code="approval",
        fee="10",
        fee_basis="省物价局收费文件",
    )


def _fees() -> int:
    return db.session.scalar(select(func.count()).select_from(CaseFee))


def test_hook_case_registration_refusal(app, catalogue_on):
    with app.app_context():
        own = matter(catalogue_on["A"])  # category "service"
        other = matter(catalogue_on["B"], "村级证明出具")
        with pytest.raises(CaseError, match="服务事项清单"):
            open_case(
                office_id=catalogue_on["A"],
                category="approval",
                channel="window",
                subject="清单以外的审批",
                actor_id=user("staff_a").id,
            )
        with pytest.raises(CaseError, match="不能越权受理"):
            open_case(
                office_id=catalogue_on["A"],
                category="service",
                channel="window",
                subject="冒用乙村事项",
                source_type=cases.SOURCE_TYPE,
                source_id=str(other.id),
                actor_id=user("staff_a").id,
            )
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0
        # Within the list, a question (咨询) and another plugin's case go through.
        open_case(
            office_id=catalogue_on["A"],
            category="service",
            channel="window",
            subject="参保登记",
            actor_id=user("staff_a").id,
        )
        open_case(
            office_id=catalogue_on["A"],
            category="consultation",
            channel="phone",
            subject="问一问",
            actor_id=user("staff_a").id,
        )
        cases.register_case(own, actor_id=user("staff_a").id)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Case)) == 3


def test_the_core_case_screen_refuses_a_case_beyond_the_list(app, catalogue_on):
    with app.app_context():
        matter(catalogue_on["A"])
    staff = client_for(app, "staff_a")
    response = post(
        staff,
        "/admin/cases/new/",
        {
            "office": str(catalogue_on["A"]),
            "category": "approval",
            "channel": "window",
            "subject": "清单以外的审批",
            "content": "",
        },
    )
    assert "不能越权受理" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_a_county_matter_becomes_an_agency_case(app, catalogue_on):
    with app.app_context():
        county = matter(catalogue_on["A"], "残疾人证办理", place=Place.COUNTY)
        case = cases.register_case(county, actor_id=user("staff_a").id, applicant_name="王秀英")
        db.session.commit()
        assert case.source_type == cases.SOURCE_TYPE and case.category == "service"
        assert len(case.agencies) == 1
        assert case.agencies[0].agent_id == user("staff_a").id
        assert "县级部门" in case.agencies[0].reason


def test_a_fee_above_the_standard_is_refused_and_nothing_saved(app, catalogue_on):
    staff = client_for(app, "staff_a")
    with app.app_context():
        case = cases.register_case(_paid(catalogue_on["A"]), actor_id=user("staff_a").id)
        db.session.commit()
        case_id, version = case.id, case.version
    response = post(
        staff,
        f"/admin/catalogue-desk/case/{case_id}/close",
        {
            "outcome": "已发证",
            "fee": "15",
            "approver_id": "0",
            "reason": "",
            "version": str(version),
        },
        follow_redirects=True,
    )
    assert "超过公布的收费标准 10.00 元" in text_of(response)
    with app.app_context():
        assert db.session.get(Case, case_id).status != CaseStatus.RESOLVED
        assert _fees() == 0
    response = post(
        staff,
        f"/admin/catalogue-desk/case/{case_id}/close",
        {
            "outcome": "已发证",
            "fee": "10",
            "approver_id": "0",
            "reason": "",
            "version": str(version),
        },
        follow_redirects=True,
    )
    assert "已办结" in text_of(response)
    with app.app_context():
        assert db.session.get(Case, case_id).status == CaseStatus.RESOLVED
        fee = db.session.scalar(select(CaseFee))
        assert fee.amount == Decimal("10.00") and not fee.is_override


def test_no_fee_on_a_free_matter_and_reductions_need_a_leader(app, catalogue_on):
    with app.app_context():
        staff_id, leader_id = user("staff_a").id, user("leader").id
        free = cases.register_case(matter(catalogue_on["A"]), actor_id=staff_id)
        paid = cases.register_case(_paid(catalogue_on["A"]), actor_id=staff_id)
        db.session.commit()
        with pytest.raises(CatalogueError, match="免费"):
            cases.close_with_fee(free, outcome="办好了", amount="5", actor_id=staff_id)
        db.session.rollback()
        with pytest.raises(CatalogueError, match="须经领导批准"):
            cases.close_with_fee(
                paid,
                outcome="减半",
                amount="5",
                actor_id=staff_id,
                approver_id=staff_id,
                reason="低保户",
            )
        db.session.rollback()
        with pytest.raises(CatalogueError, match="理由"):
            cases.close_with_fee(
                paid, outcome="减半", amount="5", actor_id=staff_id, approver_id=leader_id
            )
        db.session.rollback()
        assert _fees() == 0
        cases.close_with_fee(
            paid,
            outcome="减半收取",
            amount="5",
            actor_id=staff_id,
            approver_id=leader_id,
            reason="低保户减半",
        )
        cases.close_with_fee(free, outcome="办好了", amount=None, actor_id=staff_id)
        db.session.commit()
        fees = {f.case_id: f for f in db.session.scalars(select(CaseFee))}
        assert fees[paid.id].is_override and fees[paid.id].approved_by_id == leader_id
        assert not fees[free.id].is_override and fees[free.id].amount == 0


def test_closing_on_the_core_screen_records_an_unrecorded_fee(app, catalogue_on):
    with app.app_context():
        staff_id = user("staff_a").id
        free = cases.register_case(matter(catalogue_on["A"]), actor_id=staff_id)
        paid = cases.register_case(_paid(catalogue_on["A"]), actor_id=staff_id)
        db.session.commit()
        close_case(free, outcome="已办结", actor_id=staff_id)
        close_case(paid, outcome="已办结", actor_id=staff_id)
        db.session.commit()
        fees = {f.case_id: f for f in db.session.scalars(select(CaseFee))}
        assert not fees[free.id].unrecorded and not fees[free.id].is_override
        assert fees[paid.id].unrecorded and fees[paid.id].is_override


def test_supervision_lists_fee_overrides_with_who_approved(app, catalogue_on):
    with app.app_context():
        staff_id, leader_id = user("staff_a").id, user("leader").id
        paid = cases.register_case(_paid(catalogue_on["A"]), actor_id=staff_id)
        db.session.commit()
        cases.close_with_fee(
            paid,
            outcome="减半收取",
            amount="5",
            actor_id=staff_id,
            approver_id=leader_id,
            reason="低保户减半",
        )
        db.session.commit()
        receipt = paid.receipt_no
    page = text_of(client_for(app, "leader").get("/admin/case_supervision/"))
    assert "收费例外" in page and receipt in page and "低保户减半" in page
    assert "leader" in page and "5.00 元" in page


def test_desk_registers_from_the_list_and_shows_the_case(app, catalogue_on):
    with app.app_context():
        county_id = matter(catalogue_on["A"], "残疾人证办理", place=Place.COUNTY).id
        other_id = matter(catalogue_on["B"], "村级证明出具").id
    staff = client_for(app, "staff_a")
    desk = text_of(staff.get("/admin/catalogue-desk/"))
    assert "残疾人证办理" in desk and "村级证明出具" not in desk
    response = post(
        staff,
        "/admin/catalogue-desk/register",
        {
            "matter_id": str(county_id),
            "subject": "",
            "applicant_name": "王秀英",
            "applicant_phone": "",
            "channel": "window",
            "content": "",
        },
        follow_redirects=True,
    )
    page = text_of(response)
    assert "已登记" in page and "办事代理" in page and "免费" in page
    post(staff, "/admin/catalogue-desk/register", {"matter_id": str(other_id), "channel": "window"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 1
        receipt = db.session.scalar(select(Case.receipt_no))
    desk = staff.get("/admin/catalogue-desk/").get_data(as_text=True)
    assert receipt in desk and re.search(r'<td class="tone-(green|yellow|red)">', desk)


@pytest.mark.parametrize("version", ["stale", None])
def test_closing_with_a_stale_or_missing_version_changes_nothing(app, catalogue_on, version):
    from core.errors import STALE_MESSAGE

    with app.app_context():
        case = cases.register_case(_paid(catalogue_on["A"]), actor_id=user("staff_a").id)
        db.session.commit()
        case_id, current = case.id, case.version
    data = {"outcome": "已发证", "fee": "10", "approver_id": "0", "reason": ""}
    if version == "stale":
        data["version"] = str(current - 1)
    response = post(
        client_for(app, "staff_a"),
        f"/admin/catalogue-desk/case/{case_id}/close",
        data,
        follow_redirects=True,
    )
    with app.app_context():
        assert str(STALE_MESSAGE) in text_of(response)
        assert db.session.get(Case, case_id).status != CaseStatus.RESOLVED
        assert _fees() == 0


def test_module_off_no_longer_holds_the_office_to_its_list(app, catalogue_on):
    from core.models import Office
    from core.modules import set_module

    with app.app_context():
        matter(catalogue_on["A"])
        set_module("catalogue", db.session.get(Office, catalogue_on["A"]), False)
        db.session.commit()
        open_case(
            office_id=catalogue_on["A"],
            category="approval",
            channel="window",
            subject="模块关闭后的审批",
            actor_id=user("staff_a").id,
        )
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Case)) == 1
