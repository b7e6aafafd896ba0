"""The petitions plugin's periodic job through the core's scheduler: it works only for offices
that have the module on (core.jobs.offices_with), and leaves the others' petitions alone."""

import pytest
from petitions_helpers import at, replied_and_delivered  # noqa: F401
from sqlalchemy import func, select

from core.extensions import db
from core.jobs import run_due_schedules
from core.jobs import schedules as schedules_module
from core.jobs.models import JobFailure
from core.models import Office
from core.modules import set_module
from plugins.petitions.models import Petition, Stage


@pytest.fixture
def lapsed(app, petitions_on):
    """One petition in A and one in B whose review window ran out unused, B then switched off.
    Only the plugins' schedules run (the core's have their own tests)."""
    with app.app_context():
        ids = {
            code: replied_and_delivered(petitions_on[code], delivered=at(2025, 4, 1)).id
            for code in ("A", "B")
        }
        set_module("petitions", db.session.get(Office, petitions_on["B"]), False)
        db.session.commit()
    return ids


def _stage(app, petition_id):
    with app.app_context():
        return db.session.get(Petition, petition_id).stage


def test_scheduled_job_skips_the_office_with_the_module_off(app, lapsed, petitions_on, monkeypatch):
    monkeypatch.setattr(schedules_module, "_core_schedules", {})
    assert _stage(app, lapsed["A"]) == _stage(app, lapsed["B"]) == Stage.REVIEW_WINDOW
    with app.app_context():
        started = run_due_schedules(now=3600 * 500_000)
    assert "petitions.close_lapsed_windows" in started
    assert _stage(app, lapsed["A"]) == Stage.CLOSED
    assert _stage(app, lapsed["B"]) == Stage.REVIEW_WINDOW  # module off: untouched
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(JobFailure)) == 0

    # Switched back on, the next tick closes B's petition as well (the data was kept).
    with app.app_context():
        set_module("petitions", db.session.get(Office, petitions_on["B"]), True)
        db.session.commit()
        assert "petitions.close_lapsed_windows" in run_due_schedules(now=3600 * 500_001)
    assert _stage(app, lapsed["B"]) == Stage.CLOSED


def test_schedule_does_not_run_while_no_office_has_the_module(
    app, lapsed, petitions_on, monkeypatch
):
    monkeypatch.setattr(schedules_module, "_core_schedules", {})
    with app.app_context():
        set_module("petitions", db.session.get(Office, petitions_on["A"]), False)
        db.session.commit()
        assert "petitions.close_lapsed_windows" not in run_due_schedules(now=3600 * 500_000)
    assert _stage(app, lapsed["A"]) == _stage(app, lapsed["B"]) == Stage.REVIEW_WINDOW
