"""Plain helpers of the worklog tests."""

from datetime import date

from support import login

from core.extensions import db
from plugins.worklog.models import FeedbackStage


def client_for(app, username: str):
    """A new test client signed in as ``username``."""
    client = app.test_client()
    response = login(client, username)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def make_stage(office_id: int, starts_on: date, ends_on: date, **fields) -> int:
    """Save a stage of the activity office and commit; returns its id."""
    stage = FeedbackStage(
        office_id=office_id,
        title=fields.pop("title", "第一阶段"),
        starts_on=starts_on,
        ends_on=ends_on,
        **fields,
    )
    db.session.add(stage)
    db.session.commit()
    return stage.id
