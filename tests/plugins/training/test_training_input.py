"""Bad input gets a clear Chinese message and changes nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from support import post, post_edit, text_of
from training_helpers import attend, log, make_world, session, technique

from core.extensions import db
from core.models import Office
from plugins.training.models import (
    Attendance,
    AttendanceStatus,
    SelfStudyLog,
    SessionKind,
    StudyNote,
    Technique,
    TrainingPerson,
    TrainingSession,
)


@pytest.fixture
def world(app, users, offices):
    """See ``training_helpers.make_world``."""
    return make_world(app, offices)


def _count(app, model, **where):
    with app.app_context():
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return db.session.scalar(query)


def _log_hours(client, world, hours, day=None):
    return post(
        client,
        "/admin/training_self_study/new/",
        {
            "person": world["cadre_a"],
            "studied_on": (day or world["today"]).isoformat(),
            "hours": hours,
            "topic": "自学",
        },
    )


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("-2", "学时必须大于 0"),
        ("0", "学时必须大于 0"),
        ("25", "一天最多 24 学时"),
        ("1000", "一天最多 24 学时"),
        ("1.3", "学时以 0.5 为单位"),
    ],
)
def test_negative_or_absurd_hours_are_refused(app, client, users, world, login_as, hours, message):
    login_as("staff_a")
    before = _count(app, SelfStudyLog)
    response = _log_hours(client, world, hours)
    assert response.status_code == 200
    assert message in text_of(response)
    assert _count(app, SelfStudyLog) == before


def test_a_day_never_holds_more_than_24_hours(app, client, users, world, login_as):
    with app.app_context():
        log(
            db.session.get(TrainingPerson, world["cadre_a"]), world["today"] - timedelta(days=1), 20
        )
    login_as("staff_a")
    day = world["today"] - timedelta(days=1)
    response = _log_hours(client, world, "5", day)
    assert "将超过一天 24 小时" in text_of(response)
    assert _count(app, SelfStudyLog, person_id=world["cadre_a"]) == 2
    assert _log_hours(client, world, "4", day).status_code == 302


def test_self_study_in_the_future_is_refused(app, client, users, world, login_as):
    login_as("staff_a")
    response = _log_hours(client, world, "2", world["today"] + timedelta(days=1))
    assert "在今天之后，不能预先登记" in text_of(response)
    assert _count(app, SelfStudyLog, person_id=world["cadre_a"]) == 1


@pytest.fixture
def planned(app, offices, world):
    """A session next week at A with staff_a's cadre on its roster (not taken yet)."""
    with app.app_context():
        s = session(offices["A"], world["today"] + timedelta(days=7), groups="township_cadre")
        attend(s, db.session.get(TrainingPerson, world["cadre_a"]), AttendanceStatus.PENDING)
        row = db.session.scalar(select(Attendance).where(Attendance.session_id == s.id))
        return {"session": s.id, "row": row.id}


def test_future_session_marked_attended_on_the_sheet(app, client, users, world, planned, login_as):
    login_as("staff_a")
    row = planned["row"]
    response = post(
        client,
        f"/admin/training_sessions/take/?id={planned['session']}",
        {f"status-{row}": "present", f"version-{row}": "1"},
    )
    assert response.status_code == 200
    assert "尚未举行，不能登记出席、请假或缺席" in text_of(response)
    with app.app_context():
        assert db.session.get(Attendance, row).status == AttendanceStatus.PENDING


def test_future_session_marked_attended_on_the_attendance_screen(
    app, client, users, world, planned, login_as
):
    login_as("officeadmin")
    response = post_edit(
        client,
        f"/admin/training_attendance/edit/?id={planned['row']}",
        {
            "session": planned["session"],
            "person": world["cadre_a"],
            "status": "present",
            "excuse_reason": "",
        },
    )
    assert "尚未举行" in text_of(response)
    with app.app_context():
        assert db.session.get(Attendance, planned["row"]).status == AttendanceStatus.PENDING


def test_duplicate_attendance_is_refused(app, client, users, world, planned, login_as):
    login_as("officeadmin")
    before = _count(app, Attendance)
    response = post(
        client,
        "/admin/training_attendance/new/",
        {
            "session": planned["session"],
            "person": world["cadre_a"],
            "status": "pending",
            "excuse_reason": "",
        },
    )
    assert response.status_code == 200
    assert "已在" in text_of(response) and "不能重复登记出勤" in text_of(response)
    assert _count(app, Attendance) == before


def test_excused_needs_a_reason_and_the_whole_sheet_is_refused(
    app, client, users, offices, world, login_as
):
    with app.app_context():
        held = session(offices["A"], world["today"] - timedelta(days=1), groups="township_cadre")
        for key in ("cadre_a", "colleague"):
            attend(held, db.session.get(TrainingPerson, world[key]), AttendanceStatus.PENDING)
        rows = {a.person_id: a.id for a in db.session.scalars(select(Attendance))}
        session_id = held.id
    login_as("officeadmin")
    first, second = rows[world["cadre_a"]], rows[world["colleague"]]
    response = post(
        client,
        f"/admin/training_sessions/take/?id={session_id}",
        {
            f"status-{first}": "present",
            f"version-{first}": "1",
            f"status-{second}": "excused",
            f"reason-{second}": "  ",
            f"version-{second}": "1",
        },
    )
    assert "请假须填写请假事由" in text_of(response)
    with app.app_context():
        assert {a.status for a in db.session.scalars(select(Attendance))} == {
            AttendanceStatus.PENDING
        }


def test_stale_sheet_changes_nothing(app, client, users, offices, world, login_as):
    with app.app_context():
        held = session(offices["A"], world["today"] - timedelta(days=1), groups="township_cadre")
        attend(held, db.session.get(TrainingPerson, world["cadre_a"]), AttendanceStatus.PENDING)
        row = db.session.scalar(select(Attendance))
        row.status = AttendanceStatus.ABSENT  # someone else saved meanwhile: version 2
        db.session.commit()
        row_id, session_id = row.id, held.id
    login_as("officeadmin")
    response = post(
        client,
        f"/admin/training_sessions/take/?id={session_id}",
        {f"status-{row_id}": "present", f"version-{row_id}": "1"},
    )
    assert "已被他人修改" in text_of(response)
    with app.app_context():
        assert db.session.get(Attendance, row_id).status == AttendanceStatus.ABSENT


def test_held_session_with_marks_cannot_move_to_the_future(
    app, client, users, offices, world, login_as
):
    with app.app_context():
        held = session(offices["A"], world["today"] - timedelta(days=1), groups="township_cadre")
        attend(held, db.session.get(TrainingPerson, world["cadre_a"]))
        held_id, held_on = held.id, held.held_on
    login_as("officeadmin")
    response = post_edit(
        client,
        f"/admin/training_sessions/edit/?id={held_id}",
        {
            "kind": "township_training",
            "topic": "集中学习",
            "held_on": (world["today"] + timedelta(days=3)).isoformat(),
            "length_value": "1",
            "length_unit": "days",
            "organiser": "组织办",
            "required_groups": ["township_cadre"],
        },
    )
    assert "不能改到今天之后的日期" in text_of(response)
    with app.app_context():
        assert db.session.get(TrainingSession, held_id).held_on == held_on


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "village_study"}, "村集中学习只能由村（社区）单位组织"),
        ({"length_value": "30", "length_unit": "hours"}, "不能超过 24 课时"),
        ({"length_value": "-1"}, "时长必须大于 0"),
        ({"length_value": "40", "length_unit": "days"}, "不能超过 31 天"),
        ({"required_groups": []}, "请至少选择一类应参加人员"),
    ],
)
def test_bad_sessions_are_refused(app, client, users, world, login_as, fields, message):
    login_as("officeadmin")
    data = {
        "kind": "township_training",
        "topic": "集中培训",
        "held_on": world["today"].isoformat(),
        "length_value": "1",
        "length_unit": "days",
        "organiser": "组织办",
        "required_groups": ["township_cadre"],
        **fields,
    }
    response = post(client, "/admin/training_sessions/new/", data)
    assert message in text_of(response)
    assert _count(app, TrainingSession) == 0
    assert _count(app, Attendance) == 0


def test_empty_note_and_duplicate_technique(app, client, users, world, login_as):
    login_as("staff_a")
    response = post(
        client,
        "/admin/training_notes/new/",
        {
            "person": world["cadre_a"],
            "written_on": world["today"].isoformat(),
            "title": "空笔记",
            "content": " \n\u3000 ",
        },
    )
    assert "笔记内容不能为空" in text_of(response)
    assert _count(app, StudyNote, person_id=world["cadre_a"]) == 0
    response = post(
        client,
        "/admin/training_notes/new/",
        {
            "person": world["cadre_a"],
            "written_on": world["today"].isoformat(),
            "title": "体会",
            "content": "学习 笔记\n内容",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(
                select(StudyNote.char_count).where(StudyNote.person_id == world["cadre_a"])
            )
            == 6
        )
        technique(db.session.get(TrainingPerson, world["cadre_a"]), "测土配方施肥")
    response = post(
        client,
        "/admin/training_techniques/new/",
        {
            "person": world["cadre_a"],
            "name": " 测土配方施肥 ",
            "mastered_on": world["today"].isoformat(),
        },
    )
    assert "不能重复登记" in text_of(response)
    assert _count(app, Technique) == 1


def test_village_session_kind_matches_office(app, client, users, world, login_as, offices):
    login_as("staff_b")
    response = post(
        client,
        "/admin/training_sessions/new/",
        {
            "kind": "township_training",
            "topic": "村里办镇培训",
            "held_on": world["today"].isoformat(),
            "length_value": "1",
            "length_unit": "days",
            "organiser": "村",
            "required_groups": ["rural_party_member"],
        },
    )
    assert "请登记为村集中学习" in text_of(response)
    with app.app_context():
        assert db.session.get(Office, offices["B"]).name == "乙村"
        assert _count(app, TrainingSession, kind=SessionKind.TOWNSHIP_TRAINING) == 0


def test_staff_cannot_delete_a_session_with_attendance_taken(
    app, client, users, offices, world, login_as
):
    with app.app_context():
        held = session(offices["A"], world["today"] - timedelta(days=1), groups="township_cadre")
        attend(held, db.session.get(TrainingPerson, world["cadre_a"]))
        held_id = held.id
    login_as("staff_a")
    response = post(
        client, "/admin/training_sessions/delete/", {"id": held_id}, follow_redirects=True
    )
    assert "只有管理员或领导可以删除" in text_of(response)
    assert _count(app, TrainingSession) == 1 and _count(app, Attendance) == 1
