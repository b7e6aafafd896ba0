"""Staff screens of the case register: list (masking, filters, keyset pages), detail and its
actions over HTTP (CSRF, scoping, stale saves), intake, supervision, reports, published limits."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from support import csrf_token, post, text_of

from core.audit import AuditEntry
from core.cases import Case, CaseStatus, open_case
from core.cases.models import CaseAttachment, Extension, OfficeCategoryLimit
from core.extensions import db
from core.models import User


def make_case(app, username="staff_a", **fields) -> int:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        values = {
            "office_id": user.office_id,
            "category": "consultation",
            "channel": "window",
            "subject": "低保申请咨询",
            "applicant_name": "张三",
            "applicant_phone": "13812345678",
            "applicant_id_number": "110101199003071234",
            "actor_id": user.id,
            "handler_id": user.id,
        }
        values.update(fields)
        case = open_case(**values)
        db.session.commit()
        return case.id


def load(app, case_id) -> Case:
    with app.app_context():
        case = db.session.get(Case, case_id)
        db.session.expunge(case)
        return case


def action(client, case_id, name, data=None, **kwargs):
    return post(client, f"/admin/cases/{case_id}/do/{name}", data, **kwargs)


def version_of(app, case_id) -> int:
    return load(app, case_id).version


def flashed(client, case_id) -> str:
    return text_of(client.get(f"/admin/cases/details/?id={case_id}"))


# --- list ------------------------------------------------------------------------------------


def test_list_masks_personal_data_and_is_in_chinese(app, client, users, login_as):
    make_case(app)
    login_as("staff_a")
    page = client.get("/admin/cases/").get_data(as_text=True)
    assert "案件登记簿" in page and "回执号" in page
    assert "138****5678" in page and "张某" in page
    assert "13812345678" not in page and "张三" not in page


def test_list_is_scoped_to_the_office(app, client, users, login_as):
    mine = make_case(app, subject="甲单位的事")
    theirs = make_case(app, "staff_b", subject="乙村的事")
    login_as("staff_b")
    page = text_of(client.get("/admin/cases/"))
    assert "乙村的事" in page and "甲单位的事" not in page
    assert client.get(f"/admin/cases/details/?id={mine}").status_code == 404
    assert client.get(f"/admin/cases/edit/?id={mine}").status_code == 404
    response = action(client, mine, "resolve", {"outcome": "x", "version": 1})
    assert response.status_code == 404
    assert load(app, mine).status == CaseStatus.IN_PROGRESS
    export = client.get("/admin/cases/export/csv/").get_data(as_text=True)
    assert "乙村的事" in export and "甲单位的事" not in export
    assert client.get(f"/admin/cases/details/?id={theirs}").status_code == 200


def test_first_responders_office_sees_the_case_after_it_moved(
    app, client, users, offices, login_as
):
    case_id = make_case(app)
    login_as("staff_a")
    response = action(
        client,
        case_id,
        "transfer",
        {"to_office_id": offices["B"], "reason": "属乙村", "version": version_of(app, case_id)},
    )
    assert response.status_code == 303
    assert load(app, case_id).office_id == offices["B"]
    assert "您作为首问责任人仍可查看办理进度" in flashed(client, case_id)
    out = text_of(client.get("/admin/cases/?tab=out"))
    assert "低保申请咨询" in out
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login_as("officeadmin")  # same office as the first responder, never touched the case
    assert client.get(f"/admin/cases/details/?id={case_id}").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login_as("staff_b")
    assert "低保申请咨询" in text_of(client.get("/admin/cases/"))


def test_list_filters_and_colours(app, client, users, login_as):
    make_case(app, subject="超期的事", accepted_at=datetime.now(UTC) - timedelta(days=40))
    make_case(app, subject="新的事")
    login_as("staff_a")
    red = text_of(client.get("/admin/cases/?colour=red"))
    assert "超期的事" in red and "新的事" not in red
    green = text_of(client.get("/admin/cases/?colour=green&status=active"))
    assert "新的事" in green and "超期的事" not in green
    assert "超期的事" not in text_of(client.get("/admin/cases/?category=service"))
    assert "新的事" in text_of(client.get("/admin/cases/?channel=window&q=新的"))
    done = make_case(app, subject="办完的事")
    action(client, done, "resolve", {"outcome": "已办", "version": version_of(app, done)})
    assert "办完的事" not in text_of(client.get("/admin/cases/"))  # default: not yet resolved
    everything = text_of(client.get("/admin/cases/?status=all"))
    assert "办完的事" in everything and "超期的事" in everything
    assert "办完的事" in text_of(client.get("/admin/cases/?status=resolved"))


def test_receipt_search_in_the_list(app, client, users, login_as):
    case_id = make_case(app, subject="按回执号找")
    make_case(app, subject="别的事")
    receipt = load(app, case_id).receipt_no
    login_as("staff_a")
    page = text_of(
        client.get(f"/admin/cases/?q={receipt[:3]}-{receipt[3:6]}-{receipt[6:].lower()}")
    )
    assert "按回执号找" in page and "别的事" not in page


def test_keyset_pages_follow_the_deadline_order(app, client, users, login_as):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "staff_a"))
        start = datetime.now(UTC) - timedelta(days=30)
        for i in range(230):
            open_case(
                office_id=user.office_id,
                category="service",
                channel="phone",
                subject=f"第{i:03d}件",
                accepted_at=start + timedelta(hours=3 * i),
                actor_id=user.id,
            )
        db.session.commit()
        expected = list(db.session.scalars(select(Case.receipt_no).order_by(Case.due_at, Case.id)))
    login_as("staff_a")

    def receipts_on(response):
        shown = re.findall(
            r'details/\?id=\d+">([0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{4})<',
            response.get_data(as_text=True),
        )
        return [r.replace("-", "") for r in shown]  # shown in the one display format

    first = client.get("/admin/cases/")
    assert receipts_on(first) == expected[:100]
    next_url = re.search(r'href="([^"]*after=[^"]*)"', first.get_data(as_text=True)).group(1)
    second = client.get(next_url.replace("&amp;", "&"))
    assert receipts_on(second) == expected[100:200]
    third_by_number = client.get("/admin/cases/?page=3")
    assert receipts_on(third_by_number) == expected[200:]
    assert "after=" not in third_by_number.get_data(as_text=True).split("分页")[1]
    assert len(first.data) < 100_000


def test_auditor_reads_but_cannot_act(app, client, users, login_as):
    case_id = make_case(app)
    login_as("auditor")
    page = text_of(client.get(f"/admin/cases/details/?id={case_id}"))
    assert "您的角色只能查看" in page
    assert "13812345678" not in page  # auditors never see applicants' personal data
    assert action(client, case_id, "resolve", {"outcome": "x"}).status_code == 403
    assert client.get("/admin/cases/new/").status_code == 403


# --- detail and actions ---------------------------------------------------------------------


def test_detail_shows_personal_data_to_staff_and_records_it(app, client, users, login_as):
    case_id = make_case(app)
    login_as("staff_a")
    page = client.get(f"/admin/cases/details/?id={case_id}").get_data(as_text=True)
    assert "13812345678" in page and "110101199003071234" in page
    assert "期限是怎样算出来的" in page and "次日起算" in page
    with app.app_context():
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "personal_data.view")
        )
        assert entry is not None and entry.target_id == str(case_id)


def test_actions_need_csrf(app, client, users, login_as):
    case_id = make_case(app)
    login_as("staff_a")
    response = client.post(f"/admin/cases/{case_id}/do/resolve", data={"outcome": "已办理"})
    assert response.status_code == 400
    assert load(app, case_id).status == CaseStatus.IN_PROGRESS


def test_full_flow_over_http(app, client, users, offices, login_as):
    case_id = make_case(app)
    login_as("staff_a")
    assert (
        action(
            client,
            case_id,
            "pause",
            {"reason": "material", "note": "缺身份证复印件", "version": version_of(app, case_id)},
        ).status_code
        == 303
    )
    assert load(app, case_id).status == CaseStatus.PAUSED
    action(client, case_id, "resume", {"note": "已补齐", "version": version_of(app, case_id)})
    assert "已恢复计时" in flashed(client, case_id)
    action(
        client,
        case_id,
        "extension_request",
        {"amount": 5, "reason": "需请示", "version": version_of(app, case_id)},
    )
    action(
        client,
        case_id,
        "agency",
        {"agent_id": users["staff_a"], "reason": "需县局盖章", "version": version_of(app, case_id)},
    )
    with app.app_context():
        extension_id = db.session.scalar(select(Extension.id))
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login_as("leader")
    page = text_of(client.get("/admin/case_supervision/"))
    assert "延期申请" in page
    action(
        client,
        case_id,
        "extension_approve",
        {"item_id": extension_id, "note": "同意", "version": version_of(app, case_id)},
    )
    assert "已批准延期" in flashed(client, case_id)
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login_as("staff_a")
    action(
        client,
        case_id,
        "resolve",
        {"outcome": "已办结，材料已送达", "version": version_of(app, case_id)},
    )
    case = load(app, case_id)
    assert case.status == CaseStatus.RESOLVED and case.extra_amount == 5
    timeline = flashed(client, case_id)
    for label in ("受理", "暂停计时", "恢复计时", "申请延期", "批准延期", "办事代理", "办结"):
        assert label in timeline


def test_bad_action_input_gives_a_message_and_changes_nothing(app, client, users, login_as):
    case_id = make_case(app)
    login_as("staff_a")
    before = load(app, case_id)
    response = action(
        client,
        case_id,
        "extension_request",
        {"amount": 40, "reason": "需请示", "version": before.version},
        follow_redirects=True,
    )
    assert "超过该类事项最长" in text_of(response)
    response = action(
        client,
        case_id,
        "transfer",
        {"reason": "", "to_office_id": "", "version": before.version},
        follow_redirects=True,
    )
    assert "请填写转办理由" in text_of(response) or "请选择转办的单位或人员" in text_of(response)
    response = action(client, case_id, "no_such_action", {"version": before.version})
    assert response.status_code == 404
    after = load(app, case_id)
    assert (after.version, after.office_id, after.extra_amount) == (
        before.version,
        before.office_id,
        0,
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Extension)) == 0


def test_leader_deadline_in_the_past_is_refused(app, client, users, login_as):
    case_id = make_case(app, category="service_commitment")
    login_as("leader")
    before = load(app, case_id)
    yesterday = (datetime.now(UTC) + timedelta(hours=8) - timedelta(days=1)).date().isoformat()
    response = action(
        client,
        case_id,
        "deadline",
        {"last_day": yesterday, "reason": "加快", "version": before.version},
        follow_redirects=True,
    )
    assert "已经过去" in text_of(response)
    assert load(app, case_id).due_at == before.due_at


def test_stale_form_is_refused_with_a_clear_message(app, client, users, login_as):
    case_id = make_case(app)
    login_as("staff_a")
    form_version = version_of(app, case_id)
    first = post(
        client,
        f"/admin/cases/edit/?id={case_id}",
        {"version": form_version, "subject": "甲的修改", "channel": "visit"},
    )
    assert first.status_code == 303
    second = post(
        client,
        f"/admin/cases/edit/?id={case_id}",
        {"version": form_version, "subject": "乙的修改", "channel": "window"},
        follow_redirects=True,
    )
    assert "该记录已被他人修改" in text_of(second)
    case = load(app, case_id)
    assert case.subject == "甲的修改" and case.channel.value == "visit"
    stale_action = action(
        client, case_id, "resolve", {"outcome": "x", "version": form_version}, follow_redirects=True
    )
    assert "该记录已被他人修改" in text_of(stale_action)
    assert load(app, case_id).status == CaseStatus.IN_PROGRESS


def test_a_post_without_its_version_is_refused_not_saved(app, client, users, login_as):
    """Issue 15 (3): the edit form and the actions skipped the stale check when the version
    field was missing, so a post without it overwrote whatever was there."""
    case_id = make_case(app)
    login_as("staff_a")
    edited = post(
        client,
        f"/admin/cases/edit/?id={case_id}",
        {"subject": "没有版本号的修改", "channel": "visit"},
        follow_redirects=True,
    )
    assert "该记录已被他人修改" in text_of(edited)
    assert load(app, case_id).subject != "没有版本号的修改"
    acted = action(client, case_id, "resolve", {"outcome": "x"}, follow_redirects=True)
    assert "该记录已被他人修改" in text_of(acted)
    assert load(app, case_id).status == CaseStatus.IN_PROGRESS


def test_attachment_upload_checks_type_and_downloads(app, client, users, login_as):
    case_id = make_case(app)
    login_as("staff_a")
    token = csrf_token(client)
    bad = client.post(
        f"/admin/cases/{case_id}/do/attachment",
        data={"csrf_token": token, "file": (io.BytesIO(b"MZ\x90\x00"), "tool.exe")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "不支持该文件类型" in text_of(bad)
    good = client.post(
        f"/admin/cases/{case_id}/do/attachment",
        data={"csrf_token": token, "file": (io.BytesIO(b"%PDF-1.4\nhello"), "申请表.pdf")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 303
    with app.app_context():
        item = db.session.scalar(select(CaseAttachment))
        assert db.session.scalar(select(func.count()).select_from(CaseAttachment)) == 1
    download = client.get(f"/admin/cases/{case_id}/file/{item.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login_as("staff_b")
    assert client.get(f"/admin/cases/{case_id}/file/{item.id}").status_code == 404


# --- intake ----------------------------------------------------------------------------------


def test_intake_form_registers_and_shows_the_receipt(app, client, users, offices, login_as):
    login_as("staff_a")
    page = client.get("/admin/cases/new/").get_data(as_text=True)
    assert "统一接件" in page
    response = post(
        client,
        "/admin/cases/new/",
        {
            "office_id": "",
            "category": "approval",
            "channel": "hotline_12345",
            "subject": "建房审批",
            "content": "申请翻建",
            "applicant_name": "李四",
            "applicant_phone": "13900001111",
            "accept_now": "y",
        },
        follow_redirects=True,
    )
    body = text_of(response)
    assert "已受理。回执号" in body
    with app.app_context():
        case = db.session.scalar(select(Case))
        assert case.office_id == offices["A"] and case.handler_id == users["staff_a"]
        assert case.first_responder_id == users["staff_a"]
        assert case.channel.value == "hotline_12345"


def test_intake_with_an_unknown_category_changes_nothing(app, client, users, login_as):
    login_as("staff_a")
    response = post(
        client, "/admin/cases/new/", {"category": "bogus", "channel": "window", "subject": "x"}
    )
    assert "未知的事项类别" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0


# --- supervision, reports, limits -----------------------------------------------------------


def test_supervision_counts_chart_overdue_and_quota(app, client, users, login_as):
    make_case(app, subject="超期的事", accepted_at=datetime.now(UTC) - timedelta(days=40))
    make_case(app, subject="正常的事")
    login_as("leader")
    response = client.get("/admin/case_supervision/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<svg" in page and "近 6 个月" in page
    assert "超期的事" in page  # the overdue list
    assert "服务承诺办件量" in page and "未达标" in page
    assert not re.search(r'<script[^>]+src="(https?:)?//', page)  # no CDN scripts


def test_reports_by_category_with_exports(app, client, users, login_as):
    for _ in range(3):
        make_case(app, category="approval")
    make_case(app, category="consultation", channel="letter")
    login_as("staff_a")
    page = text_of(client.get("/admin/case_reports/"))
    assert "共受理 4 件" in page and "审批事项 3 件" in page
    csv = client.get("/admin/case_reports/?by=channel&format=csv")
    assert csv.status_code == 200 and "来信" in csv.get_data(as_text=True)
    xlsx = client.get("/admin/case_reports/?by=office&format=xlsx")
    assert xlsx.data[:2] == b"PK"
    export = client.get("/admin/cases/export/csv/").get_data(as_text=True)
    assert "13812345678" not in export and "张三" not in export


def test_office_limit_cannot_exceed_the_rulebook(app, client, users, offices, login_as):
    login_as("officeadmin")
    too_long = post(
        client,
        "/admin/case_limits/new/",
        {
            "office": offices["A"],
            "category": "service",
            "amount": 5,
            "unit": "calendar_days",
            "note": "",
        },
        follow_redirects=True,
    )
    assert "不能长于制度规定的 3 日" in text_of(too_long)
    ok = post(
        client,
        "/admin/case_limits/new/",
        {
            "office": offices["A"],
            "category": "service",
            "amount": 1,
            "unit": "working_days",
            "note": "当场能办的当场办",
        },
    )
    assert ok.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(OfficeCategoryLimit))
        assert (row.office_id, row.amount, row.unit) == (offices["A"], 1, "working_days")
    public = text_of(client.get("/o/A/limits"))
    assert "1 个工作日" in public and "当场能办的当场办" in public and "本单位公示" in public
    assert client.get("/o/NOPE/limits").status_code == 404


@pytest.mark.parametrize(
    "url", ["/admin/cases/", "/admin/case_supervision/", "/admin/case_reports/"]
)
def test_screens_need_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_monthly_figures_are_counted_once_and_frozen(app, users, offices):
    from core.cases.models import CaseMonthStat
    from core.cases.queries import month_starts, monthly_open_overdue
    from core.models import utcnow

    # Open since four months ago, long overdue, closed earlier this (Beijing) month: halfway
    # between the month's start and now, so the test holds on the 1st of a month too.
    case_id = make_case(
        app, category="service", accepted_at=datetime.now(UTC) - timedelta(days=120)
    )
    with app.app_context():
        case = db.session.get(Case, case_id)
        local_now = datetime.now(UTC) + timedelta(hours=8)
        month_start = local_now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        closed_at = datetime.now(UTC) - (local_now - month_start) / 2
        case.status, case.closed_at = CaseStatus.RESOLVED, closed_at
        db.session.commit()
        now = utcnow()
        series = monthly_open_overdue({offices["A"]}, now)[offices["A"]]
        months = month_starts((now + timedelta(hours=8)).date(), 6)
        assert [m for m, _o, _d in series] == months
        # Open and overdue at the end of each of the last two finished months; not now.
        assert series[-2][1:] == (1, 1) and series[-3][1:] == (1, 1)
        assert series[-1][1:] == (0, 0)
        stored = db.session.scalar(select(func.count()).select_from(CaseMonthStat))
        assert stored == 5 * 3  # five finished months for each of the three offices
        # Frozen: a later change to history does not rewrite a finished month.
        db.session.delete(db.session.get(Case, case_id))
        db.session.commit()
        again = monthly_open_overdue({offices["A"]}, now)[offices["A"]]
        assert again[-2][1:] == (1, 1)
