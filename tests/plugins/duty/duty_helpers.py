"""Plain helpers of the duty tests."""

from datetime import date, time

from support import login

from core.extensions import db
from plugins.duty.services import rota


def make_rule(
    office_id: int,
    member_ids: list[int],
    *,
    starts_on: date,
    days_per_turn: int = 1,
    duty_phone: str | None = "0471-5550199",
):
    """Save an office's rule (08:30–17:30) and commit."""
    rule = rota.save_rule(
        office_id,
        member_ids=member_ids,
        days_per_turn=days_per_turn,
        starts_on=starts_on,
        duty_phone=duty_phone,
        hours_start=time(8, 30),
        hours_end=time(17, 30),
    )
    db.session.commit()
    return rule


def client_for(app, username: str):
    """A new test client signed in as ``username``."""
    client = app.test_client()
    response = login(client, username)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client
