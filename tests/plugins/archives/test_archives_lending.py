"""The lending procedure: the full flow on the desk, the double approval for restricted files,
no double lending (also under concurrency on PostgreSQL), overdue colours on the working-day
calendar, reminders, loss tracing, and bad input refused with nothing changed."""

import threading

import pytest
from archives_helpers import archive_office, beijing, client_for, desk_post, new_file, user
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from support import post, text_of

from core.audit import AuditEntry
from core.extensions import db
from core.jobs import Notification
from core.kit import to_local
from core.models import User
from plugins.archives.errors import ArchivesError
from plugins.archives.jobs import remind_due_loans
from plugins.archives.models import (
    ArchiveEvent,
    ArchiveFile,
    ArchiveSettings,
    EventKind,
    FileStatus,
    Loan,
    LoanStatus,
    LossReport,
)
from plugins.archives.services import lending, losses


@pytest.fixture
def archive(app, users, offices, make_user):
    """Archives on for A and B with keepers; returns every user id and office id."""
    extra = archive_office(app, offices, make_user)
    return {**users, **extra, "offices": offices}


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _approved_loan(office_id, borrower="staff_a", security="internal", period=5, title="台账"):
    file = new_file(office_id, title, security=security)
    loan = lending.request_by_staff(file, user(borrower).id, purpose="查阅", period_days=period)
    lending.approve(loan, user("keeper_a").id)
    if security == "restricted":
        lending.approve(loan, user("leader").id)
    db.session.commit()
    return file, loan


# --- the full flow on the desk --------------------------------------------------------------


def test_full_lending_flow_through_the_desk(app, archive):
    with app.app_context():
        file = new_file(archive["offices"]["A"], "2025 年度服务承诺办理台账")
        file_id = file.id
    staff = client_for(app, "staff_a")
    response = post(
        staff,
        f"/admin/archives-desk/file/{file_id}/request",
        {"purpose": "核对办结情况", "period_days": "5"},
    )
    assert response.status_code == 302
    with app.app_context():
        loan = db.session.scalar(select(Loan).where(Loan.file_id == file_id))
        assert loan.status == LoanStatus.REQUESTED and loan.borrower_id == archive["staff_a"]
        loan_id = loan.id
        # The keeper was told.
        assert _count(Notification, Notification.user_id == archive["keeper_a"]) == 1

    keeper = client_for(app, "keeper_a")
    page = keeper.get("/admin/archives-desk/")
    assert page.status_code == 200 and "待您审批" in text_of(page)
    desk_post(app, keeper, f"/admin/archives-desk/loan/{loan_id}/approve")
    desk_post(
        app,
        keeper,
        f"/admin/archives-desk/loan/{loan_id}/hand-out",
        {"condition": "完好，共 35 页"},
    )
    with app.app_context():
        loan = db.session.get(Loan, loan_id)
        assert loan.status == LoanStatus.OUT and loan.handed_out_by_id == archive["keeper_a"]
        assert loan.due_at is not None and loan.condition_out == "完好，共 35 页"
        assert db.session.get(ArchiveFile, file_id).status == FileStatus.LENT
    out = keeper.get("/admin/archives-desk/out")
    assert "2025 年度服务承诺办理台账" in text_of(out)

    response = desk_post(
        app,
        keeper,
        f"/admin/archives-desk/loan/{loan_id}/return",
        {"condition": "完好，页数无误"},
        follow_redirects=True,
    )
    assert "已登记归还" in text_of(response)
    with app.app_context():
        loan = db.session.get(Loan, loan_id)
        assert loan.status == LoanStatus.RETURNED and loan.condition_in == "完好，页数无误"
        assert db.session.get(ArchiveFile, file_id).status == FileStatus.IN_STORE
        kinds = [
            e.kind
            for e in db.session.scalars(
                select(ArchiveEvent)
                .where(ArchiveEvent.file_id == file_id)
                .order_by(ArchiveEvent.id)
            )
        ]
        assert kinds == [
            EventKind.CATALOGUED,
            EventKind.REQUESTED,
            EventKind.KEEPER_APPROVED,
            EventKind.HANDED_OUT,
            EventKind.RETURNED,
        ]
    history = staff.get(f"/admin/archives-desk/file/{file_id}")
    body = text_of(history)
    for words in (
        "申请借阅",
        "档案管理员批准",
        "借出时状况：完好，共 35 页",
        "归还时状况：完好，页数无误",
    ):
        assert words in body


def test_only_the_keeper_approves_hands_out_and_takes_back(app, archive):
    with app.app_context():
        file = new_file(archive["offices"]["A"])
        loan = lending.request_by_staff(file, user("staff_a").id, purpose="查阅", period_days=3)
        db.session.commit()
        for name in ("officeadmin", "leader"):
            with pytest.raises(ArchivesError):
                lending.approve(loan, user(name).id)
        with pytest.raises(ArchivesError, match="不能审批自己"):
            lending.approve(loan, user("staff_a").id)
        lending.approve(loan, user("keeper_a").id)
        with pytest.raises(ArchivesError, match="只有本单位指定的档案管理员可以办理借出"):
            lending.hand_out(loan, user("officeadmin").id, condition="完好")
        # The keeper of another office has no say here.
        with pytest.raises(ArchivesError):
            lending.hand_out(loan, user("keeper_b").id, condition="完好")


def test_auditor_cannot_act_on_the_desk(app, archive):
    with app.app_context():
        file = new_file(archive["offices"]["A"])
        file_id = file.id
    auditor = client_for(app, "auditor")
    assert auditor.get(f"/admin/archives-desk/file/{file_id}").status_code == 200
    response = post(
        auditor,
        f"/admin/archives-desk/file/{file_id}/request",
        {"purpose": "查阅", "period_days": "1"},
    )
    assert response.status_code == 403
    with app.app_context():
        assert _count(Loan) == 0


# --- restricted files need two approvals --------------------------------------------------------


def test_restricted_file_needs_keeper_and_leader(app, archive):
    with app.app_context():
        file = new_file(archive["offices"]["A"], "干部考评材料", security="restricted")
        loan = lending.request_by_staff(file, user("staff_a").id, purpose="起草总结", period_days=3)
        db.session.commit()
        # Leaders were told as well as the keeper.
        assert _count(Notification, Notification.user_id == archive["leader"]) == 1
        assert lending.approve(loan, user("keeper_a").id) == "keeper"
        db.session.commit()
        assert loan.status == LoanStatus.REQUESTED
        with pytest.raises(ArchivesError, match="双重批准"):
            lending.hand_out(loan, user("keeper_a").id, condition="完好")
        db.session.rollback()
        assert lending.approve(loan, user("leader").id) == "leader"
        db.session.commit()
        assert loan.status == LoanStatus.APPROVED
        lending.hand_out(loan, user("keeper_a").id, condition="完好")
        db.session.commit()
        assert loan.status == LoanStatus.OUT


def test_restricted_approvals_come_from_two_people(app, archive):
    with app.app_context():
        # A leader who is also the designated keeper cannot approve twice.
        settings = db.session.scalar(select(ArchiveSettings))
        settings.keeper_id = archive["leader"]
        db.session.commit()
        file = new_file(archive["offices"]["A"], "党委会议纪要", security="restricted")
        loan = lending.request_by_staff(file, user("staff_a").id, purpose="查阅", period_days=2)
        lending.approve(loan, user("leader").id)
        db.session.commit()
        with pytest.raises(ArchivesError, match="两人分别批准"):
            lending.approve(loan, user("leader").id)
        db.session.rollback()
        assert loan.leader_approved_by_id is None and loan.status == LoanStatus.REQUESTED
        lending.approve(loan, user("leader2").id)
        db.session.commit()
        assert loan.status == LoanStatus.APPROVED
        assert (loan.keeper_approved_by_id, loan.leader_approved_by_id) == (
            archive["leader"],
            archive["leader2"],
        )


def test_file_made_restricted_after_approval_cannot_go_out(app, archive):
    with app.app_context():
        file, loan = _approved_loan(archive["offices"]["A"])
        file.security = "restricted"
        db.session.commit()
        with pytest.raises(ArchivesError, match="双重批准"):
            lending.hand_out(loan, user("keeper_a").id, condition="完好")
        db.session.rollback()
        assert db.session.get(Loan, loan.id).status == LoanStatus.APPROVED


def test_leader_approval_is_refused_for_ordinary_files(app, archive):
    with app.app_context():
        file = new_file(archive["offices"]["A"])
        loan = lending.request_by_staff(file, user("staff_a").id, purpose="查阅", period_days=2)
        db.session.commit()
        with pytest.raises(ArchivesError, match="不是限制级"):
            lending.approve(loan, user("leader").id)


# --- one file cannot be out twice ------------------------------------------------------------


def test_second_hand_out_of_the_same_file_is_refused(app, archive):
    with app.app_context():
        file, first = _approved_loan(archive["offices"]["A"])
        second = lending.request_by_staff(
            file, user("officeadmin").id, purpose="查阅", period_days=2
        )
        lending.approve(second, user("keeper_a").id)
        db.session.commit()
        lending.hand_out(first, user("keeper_a").id, condition="完好")
        db.session.commit()
        with pytest.raises(ArchivesError, match="已借出"):
            lending.hand_out(second, user("keeper_a").id, condition="完好")
        db.session.rollback()
        assert db.session.get(Loan, second.id).status == LoanStatus.APPROVED
        assert _count(Loan, Loan.status == LoanStatus.OUT) == 1


def test_database_refuses_a_second_open_loan(app, archive):
    """Even a write that skips the service cannot put a second loan of a file out."""
    with app.app_context():
        file, first = _approved_loan(archive["offices"]["A"])
        second = lending.request_by_staff(
            file, user("officeadmin").id, purpose="查阅", period_days=2
        )
        db.session.commit()
        lending.hand_out(first, user("keeper_a").id, condition="完好")
        db.session.commit()
        with pytest.raises(IntegrityError):
            db.session.execute(
                update(Loan).where(Loan.id == second.id).values(status=LoanStatus.OUT.value)
            )
            db.session.flush()
        db.session.rollback()


def _race_hand_outs(app, loan_ids, keeper_id) -> list[str]:
    outcomes: list[str] = []
    barrier = threading.Barrier(len(loan_ids))
    lock = threading.Lock()

    def one(loan_id):
        with app.app_context():
            try:
                loan = db.session.get(Loan, loan_id)
                keeper = db.session.get(User, keeper_id)
                barrier.wait()
                lending.hand_out(loan, keeper.id, condition="完好")
                db.session.commit()
                outcome = "out"
            except ArchivesError as exc:
                db.session.rollback()
                outcome = str(exc)
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=one, args=(i,)) for i in loan_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_concurrent_hand_outs_lend_the_file_once_on_postgresql(app, archive, postgres_only):
    with app.app_context():
        file, first = _approved_loan(archive["offices"]["A"])
        ids = [first.id]
        for name in ("officeadmin", "leader", "leader2"):
            loan = lending.request_by_staff(file, user(name).id, purpose="查阅", period_days=2)
            lending.approve(loan, user("keeper_a").id)
            ids.append(loan.id)
        db.session.commit()
        file_id = file.id
    outcomes = _race_hand_outs(app, ids, archive["keeper_a"])
    assert outcomes.count("out") == 1, outcomes
    assert all("已借出" in o for o in outcomes if o != "out")
    with app.app_context():
        assert _count(Loan, Loan.file_id == file_id, Loan.status == LoanStatus.OUT) == 1
        assert db.session.get(ArchiveFile, file_id).status == FileStatus.LENT


# --- overdue colours on the working-day calendar -----------------------------------------------


def test_due_date_and_colours_follow_the_national_day_holiday(app, archive):
    """Handed out on 2025-09-30 for 3 working days: 10-01..10-08 are the National Day and
    Mid-Autumn holidays, 10-11 (a Saturday) is a make-up working day, so the loan is due at the
    end of 2025-10-11 and only then turns red."""
    with app.app_context():
        _file, loan = _approved_loan(archive["offices"]["A"], period=3)
        lending.hand_out(loan, user("keeper_a").id, condition="完好", now=beijing(2025, 9, 30, 10))
        db.session.commit()
        due = to_local(loan.due_at)
        assert (due.date().isoformat(), due.hour, due.minute) == ("2025-10-11", 23, 59)
        # A calendar-day count would be overdue on 10-04; the holiday does not count.
        assert lending.loan_colour(loan, beijing(2025, 10, 5, 12)) == "green"
        assert lending.loan_colour(loan, beijing(2025, 10, 8, 12)) == "green"
        assert lending.loan_colour(loan, beijing(2025, 10, 10, 12)) == "yellow"
        assert lending.loan_colour(loan, beijing(2025, 10, 11, 23, 0)) == "yellow"
        assert lending.loan_colour(loan, beijing(2025, 10, 12, 9)) == "red"


def test_reminders_go_to_borrower_and_keeper_once_a_day(app, archive):
    with app.app_context():
        _file, loan = _approved_loan(archive["offices"]["A"], period=3)
        lending.hand_out(loan, user("keeper_a").id, condition="完好", now=beijing(2025, 9, 30, 10))
        db.session.commit()
        before = _count(Notification)
        assert remind_due_loans(beijing(2025, 10, 8, 9).isoformat()) == 0  # still green
        assert remind_due_loans(beijing(2025, 10, 10, 15).isoformat()) == 1  # yellow
        assert remind_due_loans(beijing(2025, 10, 10, 16).isoformat()) == 1  # same day again
        assert remind_due_loans(beijing(2025, 10, 13, 9).isoformat()) == 1  # red
        notes = db.session.scalars(select(Notification).order_by(Notification.id)).all()[before:]
        assert sorted((n.user_id, n.title) for n in notes) == sorted(
            [
                (archive["staff_a"], "借阅档案即将到期"),
                (archive["keeper_a"], "借阅档案即将到期"),
                (archive["staff_a"], "借阅档案已逾期"),
                (archive["keeper_a"], "借阅档案已逾期"),
            ]
        )
        overdue = [n for n in notes if n.title == "借阅档案已逾期"][0]
        assert "已逾期 1 个工作日" in overdue.body
        assert overdue.url == f"/admin/archives-desk/loan/{loan.id}"


def test_reminders_skip_offices_with_the_module_off(app, archive):
    from core.models import Office
    from core.modules import set_module

    with app.app_context():
        _file, loan = _approved_loan(archive["offices"]["A"], period=1)
        lending.hand_out(loan, user("keeper_a").id, condition="完好", now=beijing(2025, 9, 30, 10))
        set_module("archives", db.session.get(Office, archive["offices"]["A"]), False)
        db.session.commit()
        assert remind_due_loans(beijing(2025, 11, 3, 9).isoformat()) == 0


def test_out_now_page_shows_the_colour(app, archive):
    with app.app_context():
        _file, loan = _approved_loan(archive["offices"]["A"], period=3)
        lending.hand_out(loan, user("keeper_a").id, condition="完好", now=beijing(2025, 9, 30, 10))
        db.session.commit()
    page = client_for(app, "keeper_a").get("/admin/archives-desk/out")
    assert 'data-colour="red"' in page.get_data(as_text=True)
    assert "已逾期" in text_of(page)


# --- loss ---------------------------------------------------------------------------------------


def test_loss_of_a_lent_file_is_traced_to_borrower_and_keeper_of_record(app, archive):
    with app.app_context():
        file, loan = _approved_loan(archive["offices"]["A"])
        lending.hand_out(loan, user("keeper_a").id, condition="完好")
        db.session.commit()
        # The keeper changes afterwards; the loss still names the one who handed it out.
        settings = db.session.scalar(
            select(ArchiveSettings).where(ArchiveSettings.office_id == archive["offices"]["A"])
        )
        settings.keeper_id = archive["officeadmin"]
        waiting = lending.request_by_staff(file, user("leader").id, purpose="查阅", period_days=1)
        db.session.commit()
        file_id, waiting_id, loan_id = file.id, waiting.id, loan.id
    admin = client_for(app, "officeadmin")
    response = desk_post(
        app,
        admin,
        f"/admin/archives-desk/file/{file_id}/loss",
        {"circumstances": "借阅人出差途中遗失"},
        follow_redirects=True,
    )
    assert "已登记遗失" in text_of(response)
    with app.app_context():
        report = db.session.scalar(select(LossReport).where(LossReport.file_id == file_id))
        assert report.borrower_id == archive["staff_a"] and report.borrower_name == "staff_a"
        assert report.keeper_id == archive["keeper_a"] and report.keeper_name == "周档案"
        assert report.loan_id == loan_id
        assert db.session.get(Loan, loan_id).status == LoanStatus.LOST
        assert db.session.get(ArchiveFile, file_id).status == FileStatus.LOST
        assert db.session.get(Loan, waiting_id).status == LoanStatus.CANCELLED
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "archives.loss"))
        assert entry.details["keeper_id"] == archive["keeper_a"]
        assert (
            _count(
                Notification,
                Notification.user_id == archive["keeper_a"],
                Notification.title == "档案遗失登记",
            )
            == 1
        )
    history = text_of(admin.get(f"/admin/archives-desk/file/{file_id}"))
    assert "登记遗失" in history and "周档案" in history and "借阅人出差途中遗失" in history
    # It stays lost: no new request, no second report.
    with app.app_context():
        file = db.session.get(ArchiveFile, file_id)
        with pytest.raises(ArchivesError, match="遗失"):
            lending.request_by_staff(file, user("staff_a").id, purpose="查阅", period_days=1)
        with pytest.raises(ArchivesError, match="已登记遗失"):
            losses.report_loss(file, user("officeadmin").id, circumstances="再次")


def test_loss_from_the_store_is_traced_to_the_keeper_in_charge(app, archive):
    with app.app_context():
        file = new_file(archive["offices"]["A"])
        report = losses.report_loss(file, user("keeper_a").id, circumstances="盘点时发现缺失")
        db.session.commit()
        assert report.borrower_id is None and report.loan_id is None
        assert report.keeper_id == archive["keeper_a"]
        with pytest.raises(ArchivesError, match="只有档案管理员"):
            losses.report_loss(
                new_file(archive["offices"]["A"], "另一卷"),
                user("staff_a").id,
                circumstances="不知",
            )


# --- bad input: clear message, nothing changed ---------------------------------------------------


def test_return_of_a_file_not_lent_is_refused(app, archive):
    with app.app_context():
        file = new_file(archive["offices"]["A"])
        file_id = file.id
        version = file.version
        events = _count(ArchiveEvent)
    keeper = client_for(app, "keeper_a")
    response = desk_post(
        app,
        keeper,
        f"/admin/archives-desk/file/{file_id}/return",
        {"condition": "完好"},
        follow_redirects=True,
    )
    assert "该档案当前未借出" in text_of(response)
    with app.app_context():
        file = db.session.get(ArchiveFile, file_id)
        assert file.status == FileStatus.IN_STORE and file.version == version
        assert _count(ArchiveEvent) == events


def test_return_of_a_loan_already_back_is_refused(app, archive):
    with app.app_context():
        _file, loan = _approved_loan(archive["offices"]["A"])
        lending.hand_out(loan, user("keeper_a").id, condition="完好")
        lending.return_file(loan, user("keeper_a").id, condition="完好")
        db.session.commit()
        loan_id, returned_at = loan.id, loan.returned_at
    keeper = client_for(app, "keeper_a")
    response = desk_post(
        app,
        keeper,
        f"/admin/archives-desk/loan/{loan_id}/return",
        {"condition": "完好"},
        follow_redirects=True,
    )
    assert "不能登记归还" in text_of(response)
    with app.app_context():
        assert db.session.get(Loan, loan_id).returned_at == returned_at


def test_period_beyond_the_office_maximum_is_refused(app, archive):
    with app.app_context():
        file = new_file(archive["offices"]["A"])
        file_id = file.id
    staff = client_for(app, "staff_a")
    response = post(
        staff,
        f"/admin/archives-desk/file/{file_id}/request",
        {"purpose": "查阅", "period_days": "11"},
        follow_redirects=True,
    )
    assert "借阅期限不能超过本单位规定的最长 10 个工作日" in text_of(response)
    for bad, message in (("0", "至少为 1 个工作日"), ("三天", "应为整数个工作日")):
        response = post(
            staff,
            f"/admin/archives-desk/file/{file_id}/request",
            {"purpose": "查阅", "period_days": bad},
            follow_redirects=True,
        )
        assert message in text_of(response)
    with app.app_context():
        assert (
            _count(Loan) == 0
            and _count(ArchiveEvent, ArchiveEvent.kind == EventKind.REQUESTED) == 0
        )


def test_request_for_another_office_file_or_twice_is_refused(app, archive):
    with app.app_context():
        file_b = new_file(archive["offices"]["B"], "乙村台账")
        with pytest.raises(ArchivesError, match="只能借阅本单位"):
            lending.request_by_staff(file_b, user("staff_a").id, purpose="查阅", period_days=1)
        file_a = new_file(archive["offices"]["A"])
        lending.request_by_staff(file_a, user("staff_a").id, purpose="查阅", period_days=1)
        db.session.commit()
        with pytest.raises(ArchivesError, match="请勿重复申请"):
            lending.request_by_staff(file_a, user("staff_a").id, purpose="再查", period_days=1)
        with pytest.raises(ArchivesError, match="请填写借阅目的"):
            lending.request_by_staff(file_a, user("officeadmin").id, purpose="  ", period_days=1)


def test_desk_request_by_unknown_number_is_refused(app, archive):
    staff = client_for(app, "staff_a")
    response = post(
        staff,
        "/admin/archives-desk/request",
        {"catalogue_no": "A1-WS-2025-999", "purpose": "查阅", "period_days": "2"},
        follow_redirects=True,
    )
    assert "本单位没有档号为“A1-WS-2025-999”的档案" in text_of(response)
    with app.app_context():
        file = new_file(archive["offices"]["A"])
        number = file.catalogue_no
    response = post(
        staff,
        "/admin/archives-desk/request",
        {"catalogue_no": number.lower(), "purpose": "查阅", "period_days": "2"},
        follow_redirects=True,
    )
    assert "借阅申请已提交" in text_of(response)


def test_rejection_and_withdrawal(app, archive):
    with app.app_context():
        file = new_file(archive["offices"]["A"])
        first = lending.request_by_staff(file, user("staff_a").id, purpose="查阅", period_days=2)
        second = lending.request_by_staff(
            file, user("officeadmin").id, purpose="查阅", period_days=2
        )
        db.session.commit()
        with pytest.raises(ArchivesError, match="不予批准的理由"):
            lending.reject(first, user("keeper_a").id, reason="")
        lending.reject(first, user("keeper_a").id, reason="与工作无关")
        with pytest.raises(ArchivesError, match="只有申请人本人"):
            lending.cancel(second, user("staff_a").id)
        lending.cancel(second, user("officeadmin").id)
        db.session.commit()
        assert (first.status, second.status) == (LoanStatus.REJECTED, LoanStatus.CANCELLED)
        assert (
            _count(
                Notification,
                Notification.user_id == archive["staff_a"],
                Notification.title == "档案借阅申请未获批准",
            )
            == 1
        )
        with pytest.raises(ArchivesError, match="不在待审批状态"):
            lending.approve(first, user("keeper_a").id)


def test_double_approval_on_the_desk(app, archive):
    with app.app_context():
        file = new_file(archive["offices"]["A"], "干部考评材料", security="restricted")
        loan = lending.request_by_staff(file, user("staff_a").id, purpose="起草总结", period_days=3)
        db.session.commit()
        loan_id = loan.id
    keeper = client_for(app, "keeper_a")
    response = desk_post(
        app, keeper, f"/admin/archives-desk/loan/{loan_id}/approve", follow_redirects=True
    )
    assert "还需本单位领导批准" in text_of(response)
    response = desk_post(
        app,
        keeper,
        f"/admin/archives-desk/loan/{loan_id}/hand-out",
        {"condition": "完好"},
        follow_redirects=True,
    )
    assert "限制级档案须经档案管理员和领导双重批准后才能借出" in text_of(response)
    with app.app_context():
        assert db.session.get(Loan, loan_id).status == LoanStatus.REQUESTED
    leader = client_for(app, "leader")
    page = text_of(leader.get(f"/admin/archives-desk/loan/{loan_id}"))
    assert "待领导批准（限制级档案）" in page and "批准" in page
    assert "待您审批" in text_of(leader.get("/admin/archives-desk/"))
    desk_post(app, leader, f"/admin/archives-desk/loan/{loan_id}/approve")
    desk_post(
        app,
        keeper,
        f"/admin/archives-desk/loan/{loan_id}/hand-out",
        {"condition": "完好，共 12 页"},
    )
    with app.app_context():
        loan = db.session.get(Loan, loan_id)
        assert loan.status == LoanStatus.OUT
        assert (loan.keeper_approved_by_id, loan.leader_approved_by_id) == (
            archive["keeper_a"],
            archive["leader"],
        )
