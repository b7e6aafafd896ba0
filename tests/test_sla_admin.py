"""The "节假日/调休" admin screen: township admins enter days, everyone else reads."""

import io
from datetime import date

from sqlalchemy import func, select
from support import post, text_of

from core.extensions import db
from core.sla.bulk import parse_lines
from core.sla.models import CalendarDay

URL = "/admin/calendar_days/"


def _rows(app):
    with app.app_context():
        return {
            row.day: (row.kind, row.name, row.note)
            for row in db.session.scalars(select(CalendarDay))
        }


def _add(app, day, kind="holiday", name="元旦", note=None):
    with app.app_context():
        db.session.add(CalendarDay(day=day, kind=kind, name=name, note=note))
        db.session.commit()


def test_list_shows_sources_and_next_year_warning_in_chinese(app, client, users, login_as):
    _add(app, date(2027, 1, 1))
    login_as("admin")
    page = client.get(URL)
    assert page.status_code == 200
    body = text_of(page)
    assert "节假日/调休" in body
    assert "日历数据来源" in body and "2004–2026" in body
    assert "2027 年 1 天" in body
    assert "2027-01-01（周五）" in body and "官方未公布" in body
    assert "批量录入" in body


def test_staff_read_but_cannot_change(app, client, users, login_as):
    _add(app, date(2027, 1, 1))
    login_as("staff_a")
    page = client.get(URL)
    assert page.status_code == 200 and "元旦" in text_of(page)
    with app.app_context():
        row_id = db.session.scalar(select(CalendarDay.id))
    details = client.get(f"{URL}details/?id={row_id}")
    assert details.status_code == 200 and "官方未公布" in text_of(details)
    assert "批量录入" not in text_of(page)
    assert client.get(URL + "new/").status_code == 403
    assert client.get(URL + "bulk/").status_code == 403
    response = post(client, URL + "new/", {"day": "2027-01-02", "kind": "holiday", "name": "元旦"})
    assert response.status_code == 403
    assert date(2027, 1, 2) not in _rows(app)


def test_auditor_cannot_post(app, client, users, login_as):
    login_as("auditor")
    assert client.get(URL).status_code == 200
    response = post(client, URL + "bulk/", {"lines": "2027-01-01 元旦 休"})
    assert response.status_code == 403
    assert _rows(app) == {}


def test_admin_creates_a_day_and_a_duplicate_is_refused(app, client, users, login_as):
    login_as("admin")
    response = post(
        client, URL + "new/", {"day": "2027-01-01", "kind": "holiday", "name": " 元旦 "}
    )
    assert response.status_code == 302
    assert _rows(app) == {date(2027, 1, 1): ("holiday", "元旦", None)}

    again = post(
        client,
        URL + "new/",
        {"day": "2027-01-01", "kind": "workday", "name": "重复"},
        follow_redirects=True,
    )
    assert "2027-01-01 已录入（元旦），请编辑原记录，不要重复录入。" in text_of(again)
    assert _rows(app) == {date(2027, 1, 1): ("holiday", "元旦", None)}


def test_admin_edits_and_deletes_a_day(app, client, users, login_as):
    _add(app, date(2027, 1, 1), name="新年")
    with app.app_context():
        row_id = db.session.scalar(select(CalendarDay.id))
    login_as("admin")
    edited = post(
        client, f"{URL}edit/?id={row_id}", {"day": "2027-01-01", "kind": "holiday", "name": "元旦"}
    )
    assert edited.status_code == 302
    assert _rows(app) == {date(2027, 1, 1): ("holiday", "元旦", None)}
    deleted = post(client, URL + "delete/", {"id": str(row_id)})
    assert deleted.status_code == 302
    assert _rows(app) == {}


def test_official_day_needs_a_note_to_be_overridden(app, client, users, login_as):
    login_as("admin")
    refused = post(
        client,
        URL + "new/",
        {"day": "2025-10-11", "kind": "holiday", "name": "补休"},
        follow_redirects=True,
    )
    body = text_of(refused)
    assert "2025-10-11 在国务院公布的安排内（工作日 · 国庆节）" in body
    assert "请在“说明”中写明依据" in body
    assert _rows(app) == {}

    accepted = post(
        client,
        URL + "new/",
        {"day": "2025-10-11", "kind": "holiday", "name": "补休", "note": "县政府通知〔2025〕8 号"},
    )
    assert accepted.status_code == 302
    assert _rows(app)[date(2025, 10, 11)] == ("holiday", "补休", "县政府通知〔2025〕8 号")


def test_empty_name_is_refused(app, client, users, login_as):
    login_as("admin")
    response = post(
        client,
        URL + "new/",
        {"day": "2027-01-01", "kind": "holiday", "name": "  "},
        follow_redirects=True,
    )
    assert _rows(app) == {}
    assert "请填写名称，例如“元旦”或“春节调休上班”。" in text_of(response)
    missing = post(
        client,
        URL + "new/",
        {"day": "2027-01-01", "kind": "holiday", "name": ""},
        follow_redirects=True,
    )
    assert "该字段是必填字段。" in text_of(missing)
    assert _rows(app) == {}


def test_bulk_entry_of_a_year(app, client, users, login_as):
    login_as("admin")
    lines = "\n".join(
        [
            "# 2027 年安排（示例）",
            "2027-01-01~2027-01-03 元旦 休",
            "2027-02-06 至 2027-02-12, 春节, 休",
            "2027-02-14 春节调休上班 班",
        ]
    )
    response = post(client, URL + "bulk/", {"lines": lines})
    assert response.status_code == 302
    rows = _rows(app)
    assert len(rows) == 3 + 7 + 1
    assert rows[date(2027, 2, 9)] == ("holiday", "春节", None)
    assert rows[date(2027, 2, 14)] == ("workday", "春节调休上班", None)
    with app.app_context():
        from core.audit import AuditEntry

        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "calendar.bulk_entry")
            )
            == 1
        )
    # The engine sees the new year at once.
    with app.app_context():
        from core.sla import is_working_day

        assert is_working_day(date(2027, 2, 8)) == (False, "admin")


def test_bulk_entry_with_an_error_saves_nothing(app, client, users, login_as):
    login_as("admin")
    response = post(
        client, URL + "bulk/", {"lines": "2027-01-01 元旦 休\n2027-02-30 春节 休\n2027-03-01 x 玩"}
    )
    body = text_of(response)
    assert response.status_code == 200
    assert "未保存" in body
    assert "第 2 行：日期不存在。" in body
    assert "第 3 行：最后一项应为“休”或“班”" in body
    assert _rows(app) == {}


def test_bulk_entry_refuses_existing_days_unless_replacing(app, client, users, login_as):
    _add(app, date(2027, 1, 1), name="新年")
    login_as("admin")
    refused = post(client, URL + "bulk/", {"lines": "2027-01-01 元旦 休\n2027-01-02 元旦 休"})
    assert "以下日期已录入：2027-01-01（新年）" in text_of(refused)
    assert _rows(app) == {date(2027, 1, 1): ("holiday", "新年", None)}

    replaced = post(
        client, URL + "bulk/", {"lines": "2027-01-01 元旦 休\n2027-01-02 元旦 休", "replace": "y"}
    )
    assert replaced.status_code == 302
    assert _rows(app)[date(2027, 1, 1)] == ("holiday", "元旦", None)
    assert len(_rows(app)) == 2


def test_bulk_entry_over_official_days_needs_a_note(app, client, users, login_as):
    login_as("admin")
    refused = post(client, URL + "bulk/", {"lines": "2026-12-31 跨年休息 休"})
    assert "以下日期在国务院公布的安排内：2026-12-31" in text_of(refused)
    assert _rows(app) == {}
    accepted = post(
        client, URL + "bulk/", {"lines": "2026-12-31 跨年休息 休", "note": "镇政府通知"}
    )
    assert accepted.status_code == 302
    assert _rows(app)[date(2026, 12, 31)] == ("holiday", "跨年休息", "镇政府通知")


def test_bulk_csv_upload(app, client, users, login_as):
    login_as("admin")
    csv_bytes = "日期,名称,类型\n2027-10-01~2027-10-07,国庆节,休\n2027-09-26,国庆调休,班\n".encode(
        "utf-8-sig"
    )
    response = post(
        client,
        URL + "bulk/",
        {"upload": (io.BytesIO(csv_bytes), "2027.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert len(_rows(app)) == 8
    wrong = post(
        client,
        URL + "bulk/",
        {"upload": (io.BytesIO(b"x"), "2027.xlsx")},
        content_type="multipart/form-data",
    )
    assert "只能上传 CSV 或 TXT 文件。" in text_of(wrong)


def test_parse_lines_reports_every_problem():
    days, errors = parse_lines(
        "2027-01-01 元旦 休\n2027-01-01 元旦 休\n2027-01-05\n2027-03-10~2027-03-01 x 休\n"
        "2027-01-01~2027-03-01 长假 休\nabc 名称 休"
    )
    assert [d.day for d in days] == [date(2027, 1, 1)]
    assert len(errors) == 5
    assert errors[0] == "第 2 行：2027-01-01 已在第 1 行出现。"
    assert "第 3 行" in errors[1] and "第 4 行：结束日期早于开始日期。" == errors[2]
    assert "一个区间最多 31 天" in errors[3] and "无法识别日期“abc”" in errors[4]
    assert parse_lines("  \n# 只有注释\n") == ([], ["没有可录入的日期。"])
