"""The training screens: scoping by office, module off, tables, chart, exports, settings."""

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from support import csrf_token, post, text_of
from training_helpers import attend, enable, make_world, session

from core.extensions import db
from core.models import Office
from core.modules import set_module
from plugins.training.models import (
    Attendance,
    AttendanceStatus,
    SelfStudyLog,
    TrainingPerson,
    TrainingSettings,
)

SCREENS = [
    "people",
    "sessions",
    "attendance",
    "self_study",
    "notes",
    "techniques",
    "compliance",
    "chart",
]


@pytest.fixture
def world(app, users, offices):
    """See ``training_helpers.make_world``."""
    return make_world(app, offices)


def _logout(client):
    client.post("/logout", data={"csrf_token": csrf_token(client)})


def _count(model, **where):
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.scalar(query)


@pytest.mark.parametrize("screen", SCREENS)
def test_module_off_answers_403(app, client, users, offices, world, login_as, screen):
    with app.app_context():
        set_module("training", db.session.get(Office, offices["B"]), False)
        db.session.commit()
    login_as("staff_b")
    assert client.get(f"/admin/training_{screen}/").status_code == 403
    assert client.get(f"/admin/training_compliance/person/{world['member_b']}/").status_code == 403


def test_settings_screen_403_when_module_off(app, client, users, offices, world, login_as):
    with app.app_context():
        set_module("training", db.session.get(Office, offices["A"]), False)
        db.session.commit()
    login_as("officeadmin")
    assert client.get("/admin/training_settings/").status_code == 403


def test_staff_of_another_office_never_see_these_people_or_logs(
    client, users, world, login_as, offices
):
    login_as("staff_b")
    for screen in ("people", "self_study", "notes", "compliance", "chart"):
        page = text_of(client.get(f"/admin/training_{screen}/"))
        assert "甲干部" not in page and "甲的自学内容" not in page and "甲单位" not in page, screen
    assert "乙村党员" in text_of(client.get("/admin/training_people/"))
    assert client.get(f"/admin/training_compliance/person/{world['cadre_a']}/").status_code == 404
    assert client.get(f"/admin/training_people/details/?id={world['cadre_a']}").status_code == 404
    export = client.get("/admin/training_compliance/export/csv/?what=people").get_data(as_text=True)
    assert "乙村党员" in export and "甲干部" not in export
    assert client.get(f"/admin/training_compliance/?office={offices['A']}").status_code == 404


def test_auditor_sees_every_office_and_writes_nothing(app, client, users, world, login_as):
    login_as("auditor")
    page = text_of(client.get("/admin/training_compliance/"))
    assert "甲干部" in page and "乙村党员" in page
    response = post(
        client,
        "/admin/training_self_study/new/",
        {"person": world["member_b"], "studied_on": "2024-01-02", "hours": "2", "topic": "x"},
    )
    assert response.status_code == 403


def test_staff_log_their_own_hours_but_not_a_colleagues(app, client, users, world, login_as):
    login_as("staff_a")
    day = world["today"].isoformat()
    response = post(
        client,
        "/admin/training_self_study/new/",
        {
            "person": world["cadre_a"],
            "studied_on": day,
            "hours": "2.5",
            "topic": "学习首问负责制度",
        },
    )
    assert response.status_code == 302, text_of(response)[-3000:]
    response = post(
        client,
        "/admin/training_self_study/new/",
        {"person": world["colleague"], "studied_on": day, "hours": "2", "topic": "代同事登记"},
    )
    assert response.status_code == 200
    with app.app_context():
        assert _count(SelfStudyLog, person_id=world["cadre_a"]) == 2
        assert _count(SelfStudyLog, person_id=world["colleague"]) == 0


def test_village_clerk_logs_for_party_members(app, client, users, world, login_as):
    login_as("staff_b")
    response = post(
        client,
        "/admin/training_self_study/new/",
        {
            "person": world["member_b"],
            "studied_on": world["today"].isoformat(),
            "hours": "3",
            "topic": "代党员登记：学习党章",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(SelfStudyLog).where(SelfStudyLog.topic.like("代党员%")))
        assert row.office_id == row.person.office_id


def test_compliance_table_colours_people_and_units(app, client, users, world, login_as):
    login_as("officeadmin")
    today = world["today"]
    page = client.get(f"/admin/training_compliance/?year={today.year}&month={today.month}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "学习培训达标情况" in html and "甲干部" in html and "乙村党员" not in html
    assert "table-warning" in html or "table-danger" in html
    year_page = client.get(f"/admin/training_compliance/?year={today.year - 1}").get_data(
        as_text=True
    )
    assert "table-danger" in year_page  # a whole past year without hours: short
    assert "未达标" in year_page


def test_person_page_shows_hours_and_notes(client, users, world, login_as):
    login_as("staff_b")
    page = text_of(client.get(f"/admin/training_compliance/person/{world['member_b']}/"))
    assert "乙村党员" in page and "乙村的自学内容" in page and "乙村党员的笔记" in page
    assert "每月情况" in page


def test_me_redirects_to_own_page(client, users, world, login_as):
    login_as("staff_a")
    response = client.get("/admin/training_compliance/me/")
    assert response.status_code == 302
    assert f"/person/{world['cadre_a']}/" in response.headers["Location"]


def test_chart_is_server_rendered_svg(client, users, world, login_as):
    login_as("admin")
    html = client.get("/admin/training_chart/?measure=total").get_data(as_text=True)
    assert "<svg" in html and "<polyline" in html and "甲单位" in html and "乙村" in html
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "cdn" not in html.lower()


def test_exports_csv_and_xlsx(client, users, world, login_as):
    login_as("admin")
    year = world["today"].year
    csv_text = client.get(
        f"/admin/training_compliance/export/csv/?year={year}&what=units"
    ).get_data(as_text=True)
    assert csv_text.splitlines()[0].lstrip("\ufeff").startswith("单位,在册人数")
    assert "乙村" in csv_text
    response = client.get(f"/admin/training_compliance/export/xlsx/?year={year}&what=people")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert set(names) == {"甲干部", "甲同事", "乙村党员"}


def test_dashboard_widget(client, users, world, login_as):
    login_as("staff_a")
    page = text_of(client.get("/admin/"))
    assert "本月自学达到要求" in page and "我本月自学学时" in page


def test_sessions_generate_roster_and_printable_sheet(app, client, users, world, login_as, offices):
    login_as("staff_b")
    day = (world["today"] - timedelta(days=1)).isoformat()
    response = post(
        client,
        "/admin/training_sessions/new/",
        {
            "kind": "village_study",
            "topic": "学习党章",
            "held_on": day,
            "length_value": "3",
            "length_unit": "hours",
            "organiser": "村党支部",
            "location": "村部",
            "required_groups": ["rural_party_member"],
        },
    )
    assert response.status_code == 302, text_of(response)[:2000]
    with app.app_context():
        roster = db.session.scalars(select(Attendance)).all()
        assert [a.person.name for a in roster] == ["乙村党员"]
        session_id = roster[0].session_id
        assert roster[0].session.days == 0.5
    sheet = text_of(client.get(f"/admin/training_sessions/sheet/?id={session_id}"))
    assert "签到表" in sheet and "乙村党员" in sheet and "签名" in sheet
    response = post(
        client,
        f"/admin/training_sessions/take/?id={session_id}",
        {
            f"status-{roster[0].id}": "excused",
            f"reason-{roster[0].id}": "外出务工",
            f"version-{roster[0].id}": "1",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(Attendance, roster[0].id)
        assert (row.status, row.excuse_reason) == (AttendanceStatus.EXCUSED, "外出务工")
    _logout(client)
    login_as("staff_a")
    assert client.get(f"/admin/training_sessions/sheet/?id={session_id}").status_code == 404


def test_settings_office_admin_changes_threshold(app, client, users, world, login_as, offices):
    login_as("officeadmin")
    page = text_of(client.get("/admin/training_settings/"))
    assert "使用学习培训制度规定的默认标准" in page
    form = {
        "class_hours_per_day": "6",
        "township_training_days_min": "2",
        "village_study_days_min": "2",
        "self_study_hours_min": "4",
        "participation_township_cadre_pct": "100",
        "participation_village_cadre_pct": "85",
        "participation_party_member_pct": "85",
        "excused_policy": "excluded",
        "techniques_min": "6",
        "notes_min_chars": "5000",
        "party_member_notes_min_chars": "",
    }
    assert post(client, "/admin/training_settings/", form).status_code == 302
    with app.app_context():
        row = db.session.get(TrainingSettings, offices["A"])
        assert row.self_study_hours_min == 4 and row.excused_policy == "excluded"
        assert row.party_member_notes_min_chars is None
    bad = post(
        client,
        "/admin/training_settings/",
        {**form, "participation_township_cadre_pct": "150", "version": "1"},
    )
    assert "百分比应在 0 到 100 之间" in text_of(bad)
    with app.app_context():
        assert (
            db.session.get(TrainingSettings, offices["A"]).participation_township_cadre_pct == 100
        )
    _logout(client)
    login_as("leader")
    assert post(client, "/admin/training_settings/", form).status_code == 403


def test_staff_may_not_open_settings(client, users, world, login_as):
    login_as("staff_a")
    assert client.get("/admin/training_settings/").status_code == 403


def test_people_rules_party_members_belong_to_villages(app, client, users, world, login_as):
    login_as("officeadmin")
    response = post(
        client,
        "/admin/training_people/new/",
        {"name": "错放的党员", "group": "rural_party_member", "active": "y"},
    )
    assert "农村党员须登记在村（社区）单位下" in text_of(response)
    with app.app_context():
        assert _count(TrainingPerson, name="错放的党员") == 0


def test_person_with_records_cannot_be_deleted(app, client, users, world, login_as):
    login_as("admin")
    response = post(
        client, "/admin/training_people/delete/", {"id": world["member_b"]}, follow_redirects=True
    )
    assert "已有学习记录，不能删除" in text_of(response)
    with app.app_context():
        assert db.session.get(TrainingPerson, world["member_b"]) is not None


def test_staff_registers_self_as_cadre(app, client, users, offices, login_as, make_user):
    with app.app_context():
        enable(offices["A"])
    login_as("staff_a")
    with app.app_context():
        from core.models import User

        me = db.session.scalar(select(User).where(User.username == "staff_a")).id
        leader = db.session.scalar(select(User).where(User.username == "leader")).id
    response = post(
        client,
        "/admin/training_people/new/",
        {"name": "我自己", "group": "township_cadre", "user": me, "active": "y"},
    )
    assert response.status_code == 302
    response = post(
        client,
        "/admin/training_people/new/",
        {"name": "领导", "group": "township_cadre", "user": leader, "active": "y"},
    )
    assert response.status_code == 200
    with app.app_context():
        assert _count(TrainingPerson) == 1
        assert db.session.scalar(select(TrainingPerson)).office_id == offices["A"]


def test_admin_page_is_chinese(client, users, world, login_as):
    login_as("admin")
    page = text_of(client.get("/admin/training_sessions/"))
    assert "集中培训与学习" in page and "学习培训" in page


def test_sessions_of_last_year_roll_up(app, client, users, offices, world, login_as):
    with app.app_context():
        last = date(world["today"].year - 1, 3, 3)
        s = session(offices["A"], last)
        attend(s, db.session.get(TrainingPerson, world["cadre_a"]))
    login_as("staff_a")
    page = text_of(
        client.get(f"/admin/training_compliance/person/{world['cadre_a']}/?year={last.year}")
    )
    assert "集中学习" in page and "出席" in page


def test_bad_query_parameters_are_refused(client, users, world, login_as):
    login_as("admin")
    assert client.get("/admin/training_compliance/?year=abc").status_code == 400
    assert client.get("/admin/training_compliance/?month=13").status_code == 400
    assert client.get("/admin/training_compliance/export/pdf/").status_code == 404


def test_township_admin_sets_the_township_and_units_inherit(
    app, client, users, offices, world, login_as
):
    login_as("admin")
    form = {
        "class_hours_per_day": "8",
        "township_training_days_min": "2",
        "village_study_days_min": "2",
        "self_study_hours_min": "3",
        "participation_township_cadre_pct": "100",
        "participation_village_cadre_pct": "85",
        "participation_party_member_pct": "85",
        "excused_policy": "as_absent",
        "techniques_min": "6",
        "notes_min_chars": "5000",
        "party_member_notes_min_chars": "",
    }
    response = post(client, f"/admin/training_settings/?office={offices['T']}", form)
    assert response.status_code == 302
    page = text_of(client.get(f"/admin/training_settings/?office={offices['B']}"))
    assert "沿用“测试镇”的标准" in page
    with app.app_context():
        from plugins.training.rules import resolve_rules

        assert resolve_rules([offices["B"]])[offices["B"]].class_hours_per_day == 8
