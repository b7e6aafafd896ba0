"""Case screens checked against the numbers they must show: supervision counts by office,
category and colour; the reports screen's period filter and its messages; the calendar-fallback
warning on a case whose deadline falls in a year no calendar source covers."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from support import text_of

from core.cases import Case, CaseStatus, open_case
from core.cases.services import recompute_due
from core.extensions import db
from core.models import User, utcnow
from core.sla.models import CalendarDay, DayKind


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
            "actor_id": user.id,
            "handler_id": user.id,
        }
        values.update(fields)
        case = open_case(**values)
        db.session.commit()
        return case.id


def _table_rows(html: str, heading: str) -> list[list[str]]:
    """The body rows (cell texts) of the first table after ``heading``."""
    body = html[html.index(heading) :]
    body = body[body.index("<tbody>") : body.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        rows.append(
            [
                re.sub(r"<[^>]+>", "", cell).strip()
                for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            ]
        )
    return rows


# --- supervision counts -----------------------------------------------------------------------


def _set_colour(app, case_id, colour):
    """Place the case's stored deadline so that it shows ``colour`` now."""
    now = datetime.now(UTC)
    warn, due = {
        "green": (now + timedelta(days=5), now + timedelta(days=10)),
        "yellow": (now - timedelta(hours=2), now + timedelta(days=1)),
        "red": (now - timedelta(days=3), now - timedelta(days=1)),
    }[colour]
    with app.app_context():
        case = db.session.get(Case, case_id)
        case.warn_at, case.due_at = warn, due
        db.session.commit()


def test_supervision_counts_by_office_category_and_colour(app, client, users, login_as):
    seeded = [
        ("staff_a", "consultation", "green"),
        ("staff_a", "consultation", "yellow"),
        ("staff_a", "approval", "red"),
        ("staff_a", "approval", "red"),
        ("staff_b", "consultation", "green"),
        ("staff_b", "approval", "yellow"),
    ]
    for username, category, colour in seeded:
        _set_colour(app, make_case(app, username, category=category), colour)
    # A finished case is no longer "在办" and must not be counted, whatever its deadline.
    done = make_case(app, category="approval")
    _set_colour(app, done, "red")
    with app.app_context():
        case = db.session.get(Case, done)
        case.status, case.closed_at = CaseStatus.RESOLVED, utcnow()
        db.session.commit()

    login_as("admin")
    response = client.get("/admin/case_supervision/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Columns: name, green, yellow, red, total; sorted by total, largest first.
    assert _table_rows(page, "在办案件（按单位）") == [
        ["甲单位", "1", "1", "2", "4"],
        ["乙村", "1", "1", "0", "2"],
    ]
    # Both categories total 3, so their order between themselves is not fixed.
    assert sorted(_table_rows(page, "在办案件（按类别）")) == [
        ["咨询", "2", "1", "0", "3"],
        ["审批事项", "0", "1", "2", "3"],
    ]
    # The overdue list holds exactly the two red open cases.
    assert len(_table_rows(page, "超期案件")) == 2


def test_supervision_counts_only_the_leaders_offices(app, client, users, login_as):
    _set_colour(app, make_case(app, "staff_a"), "red")
    _set_colour(app, make_case(app, "staff_b"), "red")
    login_as("leader")  # leader of A; B is not below A
    page = client.get("/admin/case_supervision/").get_data(as_text=True)
    assert _table_rows(page, "在办案件（按单位）") == [["甲单位", "0", "0", "1", "1"]]
    assert _table_rows(page, "在办案件（按类别）") == [["咨询", "0", "0", "1", "1"]]


# --- reports: the period filter ---------------------------------------------------------------


def _at_noon(day: str) -> datetime:
    """Noon in Beijing on ``day`` (so the date is the same in UTC and Beijing)."""
    return datetime.fromisoformat(f"{day}T04:00:00+00:00")


def _seed_report_cases(app):
    make_case(app, category="approval", accepted_at=_at_noon("2025-03-10"))
    make_case(app, category="consultation", accepted_at=_at_noon("2025-03-20"))
    make_case(app, "staff_b", category="consultation", accepted_at=_at_noon("2025-03-12"))
    make_case(app, category="approval", accepted_at=_at_noon("2025-06-15"))
    make_case(app, category="approval")  # today


def test_reports_period_filter_counts_only_cases_accepted_in_it(app, client, users, login_as):
    _seed_report_cases(app)
    login_as("admin")
    page = text_of(client.get("/admin/case_reports/?from=2025-03-01&to=2025-03-31"))
    assert "2025-03-01 至 2025-03-31 共受理 3 件" in page
    assert "咨询 2 件" in page and "审批事项 1 件" in page
    assert "结束日期不能早于开始日期" not in page
    # Both ends are included, in Beijing dates.
    assert "共受理 1 件" in text_of(
        client.get("/admin/case_reports/?from=2025-03-10&to=2025-03-10")
    )
    assert "共受理 1 件" in text_of(
        client.get("/admin/case_reports/?from=2025-06-15&to=2025-06-15")
    )
    assert "该期间没有受理案件" in text_of(
        client.get("/admin/case_reports/?from=2025-04-01&to=2025-05-31")
    )
    by_office = client.get("/admin/case_reports/?by=office&from=2025-03-01&to=2025-03-31")
    assert _table_rows(by_office.get_data(as_text=True), "在办超期") == [
        ["甲单位", "2", "0", "0", "0", "2", "2"],
        ["乙村", "1", "0", "0", "0", "1", "1"],
    ]
    exported = client.get("/admin/case_reports/?by=office&from=2025-03-01&to=2025-03-31&format=csv")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[-1][:2] == ["合计", "3"]


def test_reports_reversed_period_gets_a_message_and_is_read_in_order(app, client, users, login_as):
    _seed_report_cases(app)
    login_as("admin")
    response = client.get("/admin/case_reports/?from=2025-03-31&to=2025-03-01")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "结束日期不能早于开始日期。" in text_of(response)
    assert 'name="from" value="2025-03-01"' in html and 'name="to" value="2025-03-31"' in html
    assert "2025-03-01 至 2025-03-31 共受理 3 件" in text_of(response)


def test_reports_period_longer_than_ten_years_is_cut_with_a_message(app, client, users, login_as):
    _seed_report_cases(app)
    login_as("admin")
    response = client.get("/admin/case_reports/?from=2000-01-01&to=2025-03-31")
    page = text_of(response)
    assert "统计期间最长 10 年。" in page
    start = (datetime(2025, 3, 31) - timedelta(days=3660)).date().isoformat()
    assert f"{start} 至 2025-03-31 共受理 3 件" in page


# --- calendar fallback warning ----------------------------------------------------------------

# A year that neither the chinese_calendar package nor any admin entry covers (the official
# data ends a year or two ahead; the engine's calendar runs to 2100).
UNCOVERED_YEAR = 2090


def _case_accepted_in_uncovered_year(app) -> int:
    """A consultation (15 calendar days) accepted on 20 December of UNCOVERED_YEAR, so its
    deadline falls in the next year, which no calendar source covers either. open_case refuses
    a future acceptance, so the date is set afterwards and the deadline recomputed the same
    way the service does."""
    case_id = make_case(app, subject="跨年的咨询")
    with app.app_context():
        case = db.session.get(Case, case_id)
        case.accepted_at = datetime(UNCOVERED_YEAR, 12, 20, 2, 0, tzinfo=UTC)
        recompute_due(case)
        db.session.commit()
        assert case.due_uncovered is True
    return case_id


def test_detail_page_warns_when_the_deadline_falls_back_to_weekends_only(
    app, client, users, login_as
):
    case_id = _case_accepted_in_uncovered_year(app)
    covered = make_case(app, subject="今年的咨询")
    login_as("staff_a")
    response = client.get(f"/admin/cases/details/?id={case_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    warning = re.search(
        r'<div class="alert alert-warning" role="alert">(.*?)</div>\s*<div class="row">', html, re.S
    )
    assert warning is not None, "no visible warning box on the detail page"
    text = re.sub(r"<[^>]+>", " ", warning.group(1))
    assert f"{UNCOVERED_YEAR + 1} 年节假日尚未录入，按仅周末休息计算。" in text
    # The list marks the deadline too.
    listing = client.get("/admin/cases/").get_data(as_text=True)
    assert "节假日尚未录入，按仅周末休息计算" in listing
    # A case whose deadline the official calendar covers carries no such warning.
    plain = client.get(f"/admin/cases/details/?id={covered}").get_data(as_text=True)
    assert "节假日尚未录入" not in plain


def test_admin_entered_days_cover_the_year_and_remove_the_warning(app, client, users, login_as):
    case_id = _case_accepted_in_uncovered_year(app)
    with app.app_context():
        for year in (UNCOVERED_YEAR, UNCOVERED_YEAR + 1):
            db.session.add(
                CalendarDay(
                    day=datetime(year, 1, 1).date(), kind=DayKind.HOLIDAY.value, name="元旦"
                )
            )
        db.session.commit()
    login_as("staff_a")
    page = client.get(f"/admin/cases/details/?id={case_id}").get_data(as_text=True)
    assert "节假日尚未录入" not in page


def test_reports_say_when_a_date_cannot_be_read(app, client, users, login_as):
    login_as("admin")
    page = client.get("/admin/case_reports/?from=abc&to=2026-13-40")
    assert page.status_code == 200
    assert "无法识别的日期“abc”" in page.get_data(as_text=True)
