"""Views and scoping: staff of another office see nothing, residents only public records;
the residents' consultation request with the phone kept private; the register, exports,
dashboard, API and demo data; the module switched off hides everything."""

import csv
import io

import pytest
from archives_helpers import archive_office, beijing, client_for, desk_post, new_file, user
from sqlalchemy import func, select
from support import post, text_of

from core.audit import AuditEntry
from core.extensions import db
from core.models import Office
from core.modules import set_module
from plugins.archives.models import ArchiveFile, BorrowerKind, Fonds, Loan, LoanStatus
from plugins.archives.services import lending, losses


@pytest.fixture
def archive(app, users, offices, make_user):
    extra = archive_office(app, offices, make_user)
    return {**users, **extra, "offices": offices}


@pytest.fixture
def catalogue_a(app, archive):
    """Office A: a public, an internal, a restricted and a lost public file; B: one public."""
    with app.app_context():
        a, b = archive["offices"]["A"], archive["offices"]["B"]
        files = {
            "public": new_file(a, "土地利用总体规划", security="public", code="TD"),
            "internal": new_file(a, "服务承诺办理台账", security="internal"),
            "restricted": new_file(a, "干部考评材料", security="restricted"),
            "lost": new_file(a, "旧版土地登记簿", security="public", code="TD"),
            "b": new_file(b, "乙村宅基地审批公示", security="public"),
        }
        losses.report_loss(files["lost"], user("keeper_a").id, circumstances="搬迁时遗失")
        db.session.commit()
        return {k: (f.id, f.catalogue_no) for k, f in files.items()}


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- scoping by office --------------------------------------------------------------------------


def test_staff_of_another_office_see_nothing(app, archive, catalogue_a):
    with app.app_context():
        file = db.session.get(ArchiveFile, catalogue_a["internal"][0])
        loan = lending.request_by_staff(file, user("staff_a").id, purpose="查阅", period_days=2)
        db.session.commit()
        loan_id = loan.id
    other = client_for(app, "staff_b")
    listing = text_of(other.get("/admin/archives_files/"))
    assert "乙村宅基地审批公示" in listing and "服务承诺办理台账" not in listing
    assert other.get(f"/admin/archives-desk/file/{catalogue_a['internal'][0]}").status_code == 404
    assert other.get(f"/admin/archives-desk/loan/{loan_id}").status_code == 404
    assert "服务承诺办理台账" not in text_of(other.get("/admin/archives_loans/"))
    assert "服务承诺办理台账" not in text_of(other.get("/admin/archives-desk/"))
    response = desk_post(app, other, f"/admin/archives-desk/loan/{loan_id}/approve")
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Loan, loan_id).status == LoanStatus.REQUESTED
    # The township admin and the auditor see both offices.
    for name in ("admin", "auditor"):
        body = text_of(client_for(app, name).get("/admin/archives_files/"))
        assert "乙村宅基地审批公示" in body and "服务承诺办理台账" in body


def test_staff_of_the_office_see_every_security_level(app, archive, catalogue_a):
    body = text_of(client_for(app, "staff_a").get("/admin/archives_files/"))
    for title in ("土地利用总体规划", "服务承诺办理台账", "干部考评材料", "旧版土地登记簿"):
        assert title in body
    assert "乙村宅基地审批公示" not in body


# --- residents see only public records ---------------------------------------------------------


def test_residents_see_only_public_records(app, archive, catalogue_a):
    client = app.test_client()
    body = text_of(client.get("/o/A/archives/"))
    assert "土地利用总体规划" in body
    for hidden in ("服务承诺办理台账", "干部考评材料", "旧版土地登记簿", "乙村宅基地审批公示"):
        assert hidden not in body
    assert "一楼档案室" in body and "周档案" in body
    found = text_of(client.get("/o/A/archives/?q=总体规划"))
    assert "土地利用总体规划" in found
    assert "土地利用总体规划" not in text_of(client.get("/o/A/archives/?q=台账"))
    # Another office's file is not reachable under this office.
    assert client.get(f"/o/A/archives/{catalogue_a['b'][0]}/request").status_code == 404
    assert client.get(f"/o/A/archives/{catalogue_a['lost'][0]}/request").status_code == 404


def test_api_lists_public_records_without_personal_data(app, archive, catalogue_a):
    with app.app_context():
        file = db.session.get(ArchiveFile, catalogue_a["public"][0])
        lending.request_by_resident(file, name="王秀英", phone="13904715566", purpose="了解规划")
        db.session.commit()
    response = app.test_client().get("/api/v1/archives/A/records")
    assert response.status_code == 200
    data = response.get_json()
    assert [r["title"] for r in data] == ["土地利用总体规划"]
    assert data[0]["catalogue_no"] == catalogue_a["public"][1] and data[0]["available"] is True
    assert data[0]["retention_label"] == "30 年"
    raw = response.get_data(as_text=True)
    assert "13904715566" not in raw and "王秀英" not in raw
    assert app.test_client().get("/api/v1/archives/A/records?q=台账").get_json() == []
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert "/api/v1/archives/{office_code}/records" in spec["paths"]


def test_resident_request_flow_keeps_the_phone_private(app, archive, catalogue_a):
    file_id = catalogue_a["public"][0]
    resident = app.test_client()
    assert resident.get(f"/o/A/archives/{file_id}/request").status_code == 200
    response = post(
        resident,
        f"/o/A/archives/{file_id}/request",
        {
            "name": "王秀英",
            "phone": "139-0471-5566",
            "purpose": "了解承包地的规划用途",
            "period_days": "1",
        },
        follow_redirects=True,
    )
    body = text_of(response)
    assert "查阅申请已提交" in body and "139****5566" in body and "13904715566" not in body
    with app.app_context():
        loan = db.session.scalar(select(Loan))
        assert loan.borrower_kind == BorrowerKind.RESIDENT and loan.resident_phone == "13904715566"
        reference, loan_id = loan.reference, loan.id
        actor = db.session.scalar(
            select(AuditEntry.actor_name).where(AuditEntry.target_type == "archive_loan")
        )
        assert actor == "resident"
    assert reference in body
    # Status lookup: the state, never the phone.
    status = text_of(post(resident, "/o/A/archives/status", {"reference": reference.lower()}))
    assert "待审批" in status and "王某" in status and "5566" not in status
    missing = text_of(post(resident, "/o/A/archives/status", {"reference": "ZZZZZZZZ"}))
    assert "没有找到该申请编号" in missing

    keeper = client_for(app, "keeper_a")
    listing = keeper.get("/admin/archives_loans/").get_data(as_text=True)
    assert "139****5566" in listing and "13904715566" not in listing
    assert "王某" in text_of(keeper.get("/admin/archives-desk/"))
    detail = keeper.get(f"/admin/archives-desk/loan/{loan_id}").get_data(as_text=True)
    assert "13904715566" in detail and "王秀英" in detail
    with app.app_context():
        assert (
            _count(
                AuditEntry,
                AuditEntry.action == "personal_data.view",
                AuditEntry.target_id == str(loan_id),
            )
            == 1
        )
    auditor = client_for(app, "auditor").get(f"/admin/archives-desk/loan/{loan_id}")
    assert "13904715566" not in auditor.get_data(as_text=True)
    export = keeper.get("/admin/archives_loans/export/csv/")
    assert export.status_code == 200 and "5566" not in export.get_data(as_text=True)
    # The keeper runs it through like any loan.
    desk_post(app, keeper, f"/admin/archives-desk/loan/{loan_id}/approve")
    desk_post(
        app,
        keeper,
        f"/admin/archives-desk/loan/{loan_id}/hand-out",
        {"condition": "完好，阅览室内查阅"},
    )
    status = text_of(post(resident, "/o/A/archives/status", {"reference": reference}))
    assert "借出中" in status


def test_resident_request_for_a_restricted_file_is_refused(app, archive, catalogue_a):
    for kind in ("restricted", "internal"):
        file_id = catalogue_a[kind][0]
        response = post(
            app.test_client(),
            f"/o/A/archives/{file_id}/request",
            {"name": "王秀英", "phone": "13904715566", "purpose": "想看看", "period_days": "1"},
        )
        assert response.status_code == 403
        body = text_of(response)
        assert "该档案不对外公开，群众不能申请查阅" in body and "干部考评材料" not in body
    with app.app_context():
        assert _count(Loan) == 0
        file = db.session.get(ArchiveFile, catalogue_a["restricted"][0])
        with pytest.raises(lending.ArchivesError, match="不对外公开"):
            lending.request_by_resident(file, name="王秀英", phone="13904715566", purpose="看")


def test_resident_bad_input_changes_nothing(app, archive, catalogue_a):
    file_id = catalogue_a["public"][0]
    client = app.test_client()
    cases = [
        (
            {"name": "王秀英", "phone": "12345", "purpose": "了解", "period_days": "1"},
            "请填写正确的手机号码",
        ),
        (
            {"name": "王秀英", "phone": "13904715566", "purpose": "了解", "period_days": "30"},
            "借阅期限不能超过本单位规定的最长 10 个工作日",
        ),
        ({"name": "", "phone": "13904715566", "purpose": "了解", "period_days": "1"}, "请填写姓名"),
    ]
    for data, message in cases:
        response = post(client, f"/o/A/archives/{file_id}/request", data)
        assert response.status_code == 400 and message in text_of(response)
        assert 'value="王秀英"' in response.get_data(as_text=True) or not data["name"]
    with app.app_context():
        assert _count(Loan) == 0


def test_resident_open_requests_are_limited(app, archive, catalogue_a):
    with app.app_context():
        file = db.session.get(ArchiveFile, catalogue_a["public"][0])
        for _i in range(lending.RESIDENT_MAX_PENDING):
            lending.request_by_resident(file, name="王秀英", phone="13904715566", purpose="了解")
        db.session.commit()
        with pytest.raises(lending.ArchivesError, match="正在办理"):
            lending.request_by_resident(
                file, name="王秀英", phone="+86 139 0471 5566", purpose="了解"
            )


# --- register, exports, dashboard --------------------------------------------------------------


def _lend_and_return(file_id, when):
    file = db.session.get(ArchiveFile, file_id)
    loan = lending.request_by_resident(
        file, name="王秀英", phone="13904715566", purpose="了解规划", now=when
    )
    lending.approve(loan, user("keeper_a").id, now=when)
    lending.hand_out(loan, user("keeper_a").id, condition="完好", now=when)
    lending.return_file(loan, user("keeper_a").id, condition="完好", now=when)
    db.session.commit()
    return loan


def test_printable_register_and_its_export(app, archive, catalogue_a):
    with app.app_context():
        _lend_and_return(catalogue_a["public"][0], beijing(2025, 3, 3, 10))
        internal = db.session.get(ArchiveFile, catalogue_a["internal"][0])
        loan = lending.request_by_staff(
            internal, user("staff_a").id, purpose="核对", period_days=2, now=beijing(2025, 3, 4, 9)
        )
        lending.approve(loan, user("keeper_a").id, now=beijing(2025, 3, 4, 9))
        lending.hand_out(
            loan, user("keeper_a").id, condition="完好，共 20 页", now=beijing(2025, 3, 4, 10)
        )
        db.session.commit()
    staff = client_for(app, "staff_a")
    page = staff.get("/admin/archives-desk/register?year=2025")
    body = text_of(page)
    assert page.status_code == 200 and "档案借阅登记簿" in body
    assert "王某（群众）" in body and "王秀英" not in body and "5566" not in body
    assert "完好，共 20 页" in body and "2025-03-04" in body
    assert "本年度没有借出记录" in text_of(staff.get("/admin/archives-desk/register?year=2024"))

    export = staff.get("/admin/archives-desk/register/export/csv?year=2025")
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["序号", "单位", "借出日期", "档号"] and len(rows) == 3
    assert "5566" not in export.get_data(as_text=True)
    xlsx = staff.get("/admin/archives-desk/register/export/xlsx?year=2025")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert staff.get("/admin/archives-desk/register/export/pdf?year=2025").status_code == 404
    with app.app_context():
        events = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "export", AuditEntry.target_type == "archive_loan"
            )
        ).all()
        assert sorted(e.details["format"] for e in events) == ["csv", "xlsx"]
        assert all(e.details["rows"] == 2 for e in events)


def test_catalogue_export_is_recorded(app, archive, catalogue_a):
    keeper = client_for(app, "keeper_a")
    export = keeper.get("/admin/archives_files/export/xlsx/")
    assert export.status_code == 200
    with app.app_context():
        assert (
            _count(
                AuditEntry, AuditEntry.action == "export", AuditEntry.target_type == "archive_file"
            )
            == 1
        )


def test_dashboard_widgets_count_loans_out_and_overdue(app, archive, catalogue_a):
    with app.app_context():
        internal = db.session.get(ArchiveFile, catalogue_a["internal"][0])
        loan = lending.request_by_staff(internal, user("staff_a").id, purpose="核对", period_days=1)
        lending.approve(loan, user("keeper_a").id)
        lending.hand_out(loan, user("keeper_a").id, condition="完好", now=beijing(2025, 3, 4, 10))
        public = db.session.get(ArchiveFile, catalogue_a["public"][0])
        lending.request_by_staff(public, user("staff_a").id, purpose="查阅", period_days=1)
        db.session.commit()
    body = text_of(client_for(app, "keeper_a").get("/admin/"))
    assert "借出中的档案" in body and "逾期未还的档案" in body and "待审批或待借出的申请" in body
    with app.app_context():
        from plugins.archives.widgets import widgets

        with app.test_request_context():
            tiles = {w.title: w for w in widgets(None, {archive["offices"]["A"]})}
        assert tiles["借出中的档案"].value == 1
        assert tiles["逾期未还的档案"].value == 1 and tiles["逾期未还的档案"].tone == "alert"
        assert tiles["待审批或待借出的申请"].value == 1
    other = text_of(client_for(app, "staff_b").get("/admin/"))
    assert "借出中的档案" in other  # B has the module on, with nothing out


def test_home_page_lists_offices_with_public_records(app, archive, catalogue_a):
    body = text_of(app.test_client().get("/"))
    assert "档案查询" in body and "1 卷可申请查阅" in body


# --- module off -------------------------------------------------------------------------------


def test_module_off_hides_public_pages_api_and_desk(app, archive, catalogue_a):
    with app.app_context():
        set_module("archives", db.session.get(Office, archive["offices"]["A"]), False)
        db.session.commit()
    client = app.test_client()
    file_id = catalogue_a["public"][0]
    assert client.get("/o/A/archives/").status_code == 404
    assert client.get(f"/o/A/archives/{file_id}/request").status_code == 404
    assert client.get("/o/A/archives/status").status_code == 404
    assert client.get("/api/v1/archives/A/records").status_code == 404
    response = post(
        client,
        f"/o/A/archives/{file_id}/request",
        {"name": "王秀英", "phone": "13904715566", "purpose": "了解", "period_days": "1"},
    )
    assert response.status_code == 404
    assert client.get("/o/B/archives/").status_code == 200  # still on for B
    staff = client_for(app, "staff_a")
    assert staff.get("/admin/archives-desk/").status_code == 403
    assert staff.get("/admin/archives_files/").status_code == 403
    with app.app_context():
        assert _count(Loan) == 0
        assert _count(ArchiveFile) == 5  # data kept while switched off


# --- demo data -----------------------------------------------------------------------------------


def test_demo_data_loads_once(app, runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        office = db.session.scalar(select(Office).where(Office.code == "GTJ-DT"))
        files = _count(ArchiveFile)
        assert files > 0 and _count(Fonds, Fonds.office_id == office.id) == 1
        assert (
            _count(
                ArchiveFile,
                ArchiveFile.office_id == office.id,
                ArchiveFile.title.like("%土地供应计划%"),
            )
            == 1
        )
        statuses = set(db.session.scalars(select(Loan.status)))
        assert {LoanStatus.RETURNED, LoanStatus.OUT, LoanStatus.REQUESTED} <= statuses
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        assert _count(ArchiveFile) == files
    assert app.test_client().get("/o/GTJ-DT/archives/").status_code == 200
