"""Staff screens a clerk can use all day (issue 14): dates typed and pasted in Beijing time,
times read in Beijing time in one format, Chinese messages instead of Flask-Admin's English or
the database's SQL, numbers the database can hold."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from support import post, text_of
from wtforms import DateTimeField, FloatField, Form, IntegerField

from core.admin.fields import harden_form
from core.admin.times import parse_local
from core.cases.models import OfficeCategoryLimit
from core.extensions import db
from core.models import Office, User
from core.modules import set_module
from core.sla.models import CalendarDay
from core.time import format_local as format_time

HEARINGS_NEW = "/admin/hearings_hearings/new/"
LIMITS_NEW = "/admin/case_limits/new/"


@pytest.fixture
def hearings_on(app, users, offices):
    """The hearings module on for office A: its hearing form has date and time columns."""
    with app.app_context():
        set_module("hearings", db.session.get(Office, offices["A"]), True)
        db.session.commit()
    return offices


def _hearing_form(starts_at, ends_at, title="西河村村道听证会", decision_date="2026-12-01"):
    return {
        "kind": "hearing",
        "title": title,
        "issue": "村道硬化方案",
        "decision_date": decision_date,
        "decision_ref": "镇党委会〔2026〕3号",
        "venue": "村委会",
        "starts_at": starts_at,
        "ends_at": ends_at,
        "capacity": "30",
        "waitlist_size": "5",
    }


def _hearing(app, title="西河村村道听证会"):
    from plugins.hearings.models import Hearing

    with app.app_context():
        row = db.session.scalar(select(Hearing).where(Hearing.title == title))
        if row is not None:
            db.session.expunge(row)
        return row


def _utc(moment):
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --- 1. dates typed and pasted ------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "2026-12-18 09:00",
        "2026/12/18 9:00",
        "2026-12-18T09:00",
        "2026.12.18 09:00:00",
        "2026年12月18日 9:00",
        " ２０２６－１２－１８ ０９：００ ",
    ],
)
def test_the_ways_a_clerk_writes_a_time_are_read_alike(typed):
    assert parse_local(typed) == datetime(2026, 12, 18, 9, 0)


@pytest.mark.parametrize(
    "typed", ["2", "20", "0002-01-01", "2026-02-30", "2026-12-18 25:00", "明天", "2026-12"]
)
def test_a_partial_or_impossible_time_is_refused_not_guessed(typed):
    assert parse_local(typed) is None


def test_hearing_form_takes_typed_and_pasted_times_in_beijing_time(
    app, client, hearings_on, login_as
):
    login_as("staff_a")
    page = client.get(HEARINGS_NEW).get_data(as_text=True)
    starts = re.search(r'<input[^>]*name="starts_at"[^>]*>', page).group(0)
    assert 'type="text"' in starts and "datetimepicker" not in starts
    assert 'placeholder="2026-12-18 09:00"' in starts
    decision = re.search(r'<input[^>]*name="decision_date"[^>]*>', page).group(0)
    assert "datepicker" not in decision

    response = post(
        client,
        HEARINGS_NEW,
        _hearing_form("2026/12/18 9:00", "2026-12-18T11:30", decision_date="2026/12/1"),
    )
    assert response.status_code == 302, text_of(response)[:400]
    hearing = _hearing(app)
    assert _utc(hearing.starts_at) == datetime(2026, 12, 18, 1, 0, tzinfo=UTC)
    assert _utc(hearing.ends_at) == datetime(2026, 12, 18, 3, 30, tzinfo=UTC)
    assert hearing.decision_date == date(2026, 12, 1)

    edit = client.get(f"/admin/hearings_hearings/edit/?id={hearing.id}").get_data(as_text=True)
    assert 'value="2026-12-18 09:00"' in edit and 'value="2026-12-01"' in edit


def test_a_time_typed_as_2_is_refused_in_chinese_and_nothing_is_saved(
    app, client, hearings_on, login_as
):
    login_as("staff_a")
    response = post(client, HEARINGS_NEW, _hearing_form("2", "2026-12-18 11:00"))
    assert response.status_code == 200
    body = text_of(response)
    assert "请按“2026-12-18 09:00”的格式填写日期和时间" in body
    assert "0002" not in body
    assert _hearing(app) is None


def test_calendar_day_is_typed_with_slashes(app, client, users, login_as):
    login_as("admin")
    response = post(
        client, "/admin/calendar_days/new/", {"day": "2027/1/1", "kind": "holiday", "name": "元旦"}
    )
    assert response.status_code == 302, text_of(response)[:400]
    with app.app_context():
        assert db.session.scalar(select(CalendarDay.day)) == date(2027, 1, 1)


def test_hardening_reaches_hand_written_forms():
    class Plain(Form):
        at = DateTimeField("at")

    field = harden_form(Plain)(data={"at": datetime(2026, 12, 18, 1, 0)}).at
    assert field._value() == "2026-12-18 09:00"  # a stored UTC time shown in Beijing time


# --- 2. times read in Beijing time, one format -----------------------------------------------


def test_format_is_beijing_time_to_the_minute():
    moment = datetime(2026, 5, 1, 3, 41, 30, 961598)  # naive UTC, as SQLite returns it
    assert format_time(moment) == "2026-05-01 11:41"
    assert format_time(moment.replace(tzinfo=UTC), seconds=True) == "2026-05-01 11:41:30"
    assert format_time(date(2026, 5, 1)) == "2026-05-01"
    assert format_time(None) == ""


def test_staff_list_shows_last_login_in_beijing_time_without_microseconds(
    app, client, users, login_as
):
    login_as("admin")
    with app.app_context():
        user = db.session.get(User, users["staff_a"])
        user.last_login_at = datetime(2026, 5, 1, 3, 41, 30, 961598, tzinfo=UTC)
        db.session.commit()
    page = text_of(client.get("/admin/staff/"))
    assert "2026-05-01 11:41" in page
    assert "961598" not in page and "03:41" not in page


def test_audit_log_reads_in_beijing_time_to_the_second(app, client, users, login_as):
    login_as("admin")
    body = text_of(client.get("/admin/audit/"))
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d{3,}", body)  # no microseconds


# --- 4. Flask-Admin's English -----------------------------------------------------------------


def test_a_refused_save_says_so_in_chinese(app, client, hearings_on, login_as):
    login_as("staff_a")
    response = post(client, HEARINGS_NEW, _hearing_form("tomorrow", "2026-12-18 11:00"))
    body = text_of(response)
    assert "创建记录失败" in body and "Failed to create record" not in body


# --- 5. numbers the database can hold, no SQL shown ----------------------------------------------


@pytest.mark.parametrize("amount", ["99999999999999999999", "3000000000", "-3000000000"])
def test_an_integer_beyond_the_database_is_refused_in_chinese(
    app, client, users, offices, login_as, amount
):
    login_as("admin")
    response = post(
        client,
        LIMITS_NEW,
        {
            "office": str(offices["A"]),
            "category": "consultation",
            "amount": amount,
            "unit": "working_days",
            "note": "",
        },
    )
    assert response.status_code == 200
    body = text_of(response)
    assert "请填写 -2,147,483,648 到 2,147,483,647 之间的数" in body
    assert "SQL" not in body and "INTEGER" not in body
    with app.app_context():
        assert db.session.scalar(select(OfficeCategoryLimit)) is None


@pytest.mark.parametrize("typed", ["nan", "inf", "-inf", "1e400"])
def test_a_float_field_refuses_nan_and_infinity(typed):
    class Plain(Form):
        hours = FloatField("hours")
        count = IntegerField("count")

    form = harden_form(Plain)(formdata=_multidict({"hours": typed, "count": "1"}))
    assert not form.validate()
    assert "hours" in form.errors and "count" not in form.errors


def _multidict(values):
    from werkzeug.datastructures import MultiDict

    return MultiDict(values)


def test_a_database_error_shows_a_chinese_message_not_sql(
    app, client, hearings_on, login_as, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    from plugins.hearings.admin import HearingView

    def fail(self, form, model, is_created):
        raise OperationalError("INSERT INTO hearing VALUES (?)", {}, Exception("numeric overflow"))

    monkeypatch.setattr(HearingView, "on_model_change", fail)
    login_as("staff_a")
    response = post(client, HEARINGS_NEW, _hearing_form("2026-12-18 09:00", "2026-12-18 11:00"))
    body = text_of(response)
    assert "保存未成功" in body
    assert "INSERT" not in body and "SQL" not in body and "overflow" not in body
    assert _hearing(app) is None


def test_a_future_time_typed_today_is_not_reset(app, client, hearings_on, login_as):
    """A pasted value is kept as pasted (the old picker reset it to "now" on blur)."""
    login_as("staff_a")
    later = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%d")
    response = post(
        client,
        HEARINGS_NEW,
        _hearing_form(f"{later} 14:00", f"{later} 16:00", title="东桥村听证会"),
    )
    assert response.status_code == 302
    assert format_time(_hearing(app, "东桥村听证会").starts_at) == f"{later} 14:00"


# --- 3. the audit log in words -----------------------------------------------------------------


def test_audit_log_names_columns_values_and_linked_rows(app, client, users, login_as):
    from core.audit import AuditEntry
    from core.cases import CaseStatus, open_case

    with app.app_context():
        user = db.session.get(User, users["staff_a"])
        case = open_case(
            office_id=user.office_id,
            category="consultation",
            channel="window",
            subject="低保申请咨询",
            applicant_name="张三",
            actor_id=user.id,
            handler_id=user.id,
        )
        db.session.commit()
        case.status = CaseStatus.RESOLVED
        case.swept_colour = "red"
        db.session.commit()
        entry_id = db.session.scalar(
            select(AuditEntry.id)
            .where(AuditEntry.target_type == "case_record", AuditEntry.action == "update")
            .order_by(AuditEntry.id.desc())
        )
        insert_id = db.session.scalar(
            select(AuditEntry.id).where(
                AuditEntry.target_type == "case_record", AuditEntry.action == "insert"
            )
        )
    login_as("admin")
    update = text_of(client.get(f"/admin/audit/details/?id={entry_id}"))
    assert "状态" in update and "已办结" in update
    assert "status" not in update and "resolved" not in update
    assert "督办颜色" in update and "swept_colour" not in update
    created = text_of(client.get(f"/admin/audit/details/?id={insert_id}"))
    assert "承办人" in created and "staff_a" in created  # the handler by name, not by id
    assert "handler_id" not in created
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d{3,}", created)  # times without microseconds
    assert "+00:00" not in created


# --- 11. the history view follows the module switch ---------------------------------------------


def test_history_of_a_module_row_closes_with_the_module(app, client, users, offices, login_as):
    from example_plugin.models import ExampleNote

    with app.app_context():
        office = db.session.get(Office, offices["A"])
        set_module("example", office, True)
        note = ExampleNote(office_id=offices["A"], title="甲的笔记")
        db.session.add(note)
        db.session.commit()
        note_id = note.id
    url = f"/admin/audit/history/example_note/{note_id}"
    for username in ("staff_a", "admin"):
        login_as(username)
        assert client.get(url).status_code == 200, username
        post(client, "/logout")
    with app.app_context():
        set_module("example", db.session.get(Office, offices["A"]), False)
        db.session.commit()
    for username in ("staff_a", "admin"):
        login_as(username)
        assert client.get(url).status_code == 404, username
        post(client, "/logout")


# --- 4. the modules screen in words ---------------------------------------------------------------


def test_modules_screen_and_delete_preview_show_titles_not_codes(
    app, client, users, offices, login_as
):
    login_as("admin")
    page = text_of(client.get("/admin/modules/"))
    assert "听证" in page  # the hearings module's Chinese title
    assert "hearings 1.0" not in page and "archives 1.0" not in page
    with app.app_context():
        set_module("hearings", db.session.get(Office, offices["A"]), True)
        db.session.commit()
    preview = text_of(client.get("/admin/modules/delete-data/hearings/A"))
    assert "听证会" in preview and "hearing_attendee" not in preview


# --- 19. one display format for receipt numbers ---------------------------------------------------


def test_case_list_and_detail_show_the_receipt_in_one_format(app, client, users, login_as):
    from core.cases import Case, open_case
    from core.cases.receipts import display

    with app.app_context():
        user = db.session.get(User, users["staff_a"])
        case = open_case(
            office_id=user.office_id,
            category="consultation",
            channel="window",
            subject="低保申请咨询",
            actor_id=user.id,
            handler_id=user.id,
        )
        db.session.commit()
        receipt, case_id = case.receipt_no, case.id
        assert db.session.get(Case, case_id) is not None
    login_as("staff_a")
    for url in ("/admin/cases/", f"/admin/cases/details/?id={case_id}"):
        page = text_of(client.get(url))
        assert display(receipt) in page, url
        assert receipt not in page, url


def test_an_optional_choice_reads_as_none_not_the_code(app, client, users, login_as):
    """Issue 14 (4): an optional drop-down's empty choice showed the raw ``__None``."""
    from core.admin.fields import harden_form

    with app.test_request_context("/admin/"):
        from flask_admin.contrib.sqla.fields import QuerySelectField
        from wtforms import Form

        class Picking(Form):
            who = QuerySelectField(query_factory=lambda: [], allow_blank=True)

        form = harden_form(Picking)()
        assert "（不选）" in form.who() and ">__None<" not in form.who()


def test_a_required_date_says_what_format_it_wants(app):
    """A required date typed wrongly is told the format, not only that it is required."""
    from werkzeug.datastructures import MultiDict
    from wtforms import Form
    from wtforms.fields import DateField
    from wtforms.validators import DataRequired

    from core.admin.fields import harden_form

    class Dated(Form):
        day = DateField(validators=[DataRequired()])

    with app.test_request_context("/admin/"):
        form = harden_form(Dated)(MultiDict({"day": "前天"}))
        assert not form.validate()
        assert "2026-12-18" in form.errors["day"][0]


def test_every_table_has_a_name_people_can_read(app):
    """Issue 14 (4): the delete-data preview and the audit log showed raw table names
    (``hearing_minutes``) for tables without a screen of their own."""
    from core.audit.views import table_label
    from core.extensions import db

    with app.test_request_context("/admin/"):
        raw = sorted(
            {
                m.local_table.name
                for m in db.Model.registry.mappers
                if table_label(m.local_table.name) == m.local_table.name
            }
        )
    assert raw == []
