"""Issue 14 item 17: months before an office's first record read 无记录, not 未达标, and the
yearly compliance table fits a 1280 px screen (checked in Debian's Chromium)."""

from datetime import date
from pathlib import Path

import pytest
from support import TEST_PASSWORD, text_of
from training_helpers import attend, enable, log, person, session

from plugins.training.compliance import Status, compute_compliance
from plugins.training.models import Group

TODAY = date(2024, 8, 15)  # July is over, August is running


@pytest.fixture
def app_ctx(app, offices):
    with app.app_context():
        yield


def test_months_before_the_first_record_are_no_record_not_short(app_ctx, offices):
    enable(offices["A"])
    cadre = person(offices["A"], "镇干部")  # no joined-on date
    log(cadre, date(2024, 4, 3), 20)  # the office's first record: April
    report = compute_compliance(2024, {offices["A"]}, today=TODAY)
    months = report.people[0].months
    assert [months[m].status for m in (1, 2, 3)] == [Status.NONE] * 3
    assert not any(months[m].assessed for m in (1, 2, 3))
    assert months[4].status == Status.OK and months[5].status == Status.SHORT
    unit = report.units[0]
    assert [unit.months[m].status for m in (1, 2, 3)] == [Status.NONE] * 3
    assert unit.months[5].status == Status.SHORT
    # The year is judged on April onwards only (May and June fell short).
    assert report.people[0].year.status == Status.SHORT


def test_an_office_without_any_record_is_no_record_all_year(app_ctx, offices):
    enable(offices["A"])
    person(offices["A"], "镇干部")
    report = compute_compliance(2024, {offices["A"]}, today=TODAY)
    cadre = report.people[0]
    assert all(cadre.months[m].status == Status.NONE for m in range(1, 9))
    assert all(cadre.months[m].status == Status.NA for m in range(9, 13))  # not begun
    assert cadre.year.status == Status.NONE


def test_records_of_earlier_years_make_every_month_count(app_ctx, offices):
    enable(offices["A"])
    cadre = person(offices["A"], "镇干部")
    log(cadre, date(2023, 11, 2), 20)
    report = compute_compliance(2024, {offices["A"]}, today=TODAY)
    assert report.people[0].months[1].status == Status.SHORT  # records stopped: it is short


def test_a_roster_of_a_session_held_above_is_a_record(app_ctx, offices):
    enable(offices["A"])
    cadre = person(offices["A"], "镇干部")
    enable(offices["T"])
    held = session(offices["T"], date(2024, 3, 12))  # the township's training
    attend(held, cadre)
    months = compute_compliance(2024, {offices["A"]}, today=TODAY).people[0].months
    assert months[2].status == Status.NONE and months[3].assessed


def test_compliance_page_says_no_record(app, client, offices, users, login_as):
    with app.app_context():
        enable(offices["A"])
        cadre = person(offices["A"], "甲干部")
        log(cadre, date(2024, 6, 3), 20)
    login_as("officeadmin")
    page = text_of(client.get("/admin/training_compliance/?year=2024"))
    assert "无记录" in page and "首条培训记录" in page


# --- the yearly table on a 1280 px screen ------------------------------------------------


def _busy_year(app, offices):
    """Ten people of every group at A with a year of logs, and a session a month."""
    with app.app_context():
        enable(offices["A"], offices["B"])
        people = [
            person(offices["A"], f"干部{i:02d}号", group)
            for i, group in enumerate(
                [Group.TOWNSHIP_CADRE, Group.VILLAGE_CADRE, Group.RURAL_PARTY_MEMBER] * 4
            )
        ]
        people.append(person(offices["B"], "乙村党员", Group.RURAL_PARTY_MEMBER))
        year = date.today().year - 1
        for month in range(1, 13):
            held = session(offices["A"], date(year, month, 10))
            for i, someone in enumerate(people):
                log(someone, date(year, month, 5), 12.5 + i)
                attend(held, someone)
        return year


@pytest.mark.browser
@pytest.mark.parametrize("month", ["", "6"])
def test_yearly_table_fits_1280_px(app, offices, users, live_server, chromium, tmp_path, month):
    year = _busy_year(app, offices)
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login")
        page.fill("#username", "officeadmin")
        page.fill("#password", TEST_PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live_server}/admin/training_compliance/?year={year}&month={month}")
        assert page.locator("h1").inner_text() == "学习培训达标情况"
        shot = Path(tmp_path) / f"training-compliance-1280{'-m' + month if month else ''}.png"
        page.screenshot(path=str(shot), full_page=True)
        widths = page.evaluate("""() => ({
            page: document.documentElement.scrollWidth,
            tables: [...document.querySelectorAll('table.training-table')].map(
                t => [t.scrollWidth, t.parentElement.clientWidth]),
        })""")
        assert widths["page"] <= 1280, widths
        assert widths["tables"], widths
        for table_width, room in widths["tables"]:
            assert table_width <= room, (widths, str(shot))  # no sideways scrolling
    finally:
        context.close()
