"""Every training desk action that changes a versioned row carries the row's version — the
office's thresholds (save, reset) and the attendance sheet (each roster row): a post with a
stale or a missing version is refused with the core's one stale message and changes nothing
(issue 15 item 2)."""

from datetime import timedelta

import pytest
from support import post, text_of
from training_helpers import attend, make_world, session, settings

from core.errors import STALE_MESSAGE
from core.extensions import db
from plugins.training.models import Attendance, AttendanceStatus, TrainingPerson, TrainingSettings

SETTINGS_FORM = {
    "class_hours_per_day": "6",
    "township_training_days_min": "2",
    "village_study_days_min": "2",
    "self_study_hours_min": "9",
    "participation_township_cadre_pct": "100",
    "participation_village_cadre_pct": "85",
    "participation_party_member_pct": "85",
    "excused_policy": "excluded",
    "techniques_min": "6",
    "notes_min_chars": "5000",
    "party_member_notes_min_chars": "",
}


@pytest.fixture
def world(app, users, offices):
    """See ``training_helpers.make_world``."""
    return make_world(app, offices)


def _settings_row(world, offices):
    settings(offices["A"], self_study_hours_min=4)
    row = db.session.get(TrainingSettings, offices["A"])
    return row, f"/admin/training_settings/?office={offices['A']}", "version", SETTINGS_FORM


def _reset_row(world, offices):
    row, url, field, _form = _settings_row(world, offices)
    return row, url, field, {"reset": "1"}


def _attendance_row(world, offices):
    held = session(offices["A"], world["today"] - timedelta(days=1), groups="township_cadre")
    attend(held, db.session.get(TrainingPerson, world["cadre_a"]), AttendanceStatus.PENDING)
    row = db.session.query(Attendance).filter_by(session_id=held.id).one()
    return (
        row,
        f"/admin/training_sessions/take/?id={held.id}",
        f"version-{row.id}",
        {f"status-{row.id}": "present"},
    )


def _state(row) -> tuple:
    db.session.refresh(row)
    if isinstance(row, Attendance):
        return row.version, row.status
    return row.version, row.self_study_hours_min


ACTIONS = {
    "settings-save": _settings_row,
    "settings-reset": _reset_row,
    "attendance-sheet": _attendance_row,
}


@pytest.mark.parametrize("posted", ["stale", "missing"])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_stale_or_missing_version_is_refused(
    app, client, offices, world, login_as, action, posted
):
    with app.app_context():
        row, url, field, data = ACTIONS[action](world, offices)
        model, before = type(row), _state(row)
        key = row.office_id if model is TrainingSettings else row.id
        form = dict(data)
        if posted == "stale":
            form[field] = str(row.version + 1)
    login_as("officeadmin")
    response = post(client, url, form, follow_redirects=True)
    assert str(STALE_MESSAGE) in text_of(response)
    with app.app_context():
        again = db.session.get(model, key)
        assert again is not None and _state(again) == before


def test_the_current_version_is_accepted(app, client, offices, world, login_as):
    """The same save with the row's version goes through (the check is not a wall)."""
    with app.app_context():
        row, url, field, data = _settings_row(world, offices)
        version = row.version
    login_as("officeadmin")
    response = post(client, url, {**data, field: str(version)}, follow_redirects=True)
    assert "已保存" in text_of(response)
    with app.app_context():
        assert db.session.get(TrainingSettings, offices["A"]).self_study_hours_min == 9
