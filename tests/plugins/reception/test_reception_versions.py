"""Desk actions on an appointment card (a versioned row) carry the card's version: a post with
a stale or a missing version is refused with the one stale message and changes nothing."""

from datetime import timedelta

import pytest
from reception_helpers import card_version  # noqa: F401
from support import post, text_of

from core.errors import STALE_MESSAGE
from core.extensions import db
from core.time import local_today
from plugins.reception.models import AppointmentCard, CardStatus
from plugins.reception.services import cards


def _fields(action: str, leader_id: int) -> dict:
    today = local_today()
    return {
        "return": {"back_on": today.isoformat()},
        "postpone": {"expected_back_on": (today + timedelta(days=5)).isoformat()},
        "visit": {
            "visited_on": today.isoformat(),
            "visitor_id": str(leader_id),
            "findings": "后墙开裂",
            "resolution": "列入危改计划",
            "responsible_office_id": "0",
        },
        "outcome": {"outcome": "补助已到位。", "satisfaction": "satisfied"},
        "withdraw": {"reason": "群众已自行解决"},
    }[action]


def _card(app, office_id: int, leader_id: int, *, visited: bool) -> int:
    with app.app_context():
        card = cards.fill_card(
            office_id,
            cards.CardInput(
                leader_id=leader_id,
                name="钱玉山",
                phone="13800005555",
                address="西河村一组 6 号",
                matter="老房漏雨。",
                expected_back_on=local_today() + timedelta(days=1),
            ),
            actor_id=None,
        )
        if visited:
            cards.record_visit(
                card,
                visited_on=local_today(),
                findings="屋顶漏雨",
                resolution="先修补",
                visitor_id=leader_id,
                actor_id=leader_id,
            )
        db.session.commit()
        return card.id


def _state(app, card_id: int) -> tuple:
    with app.app_context():
        card = db.session.get(AppointmentCard, card_id)
        return (
            card.version,
            card.status,
            card.leader_back_on,
            card.expected_back_on,
            card.visited_on,
            card.outcome,
            card.withdrawn_reason,
        )


@pytest.mark.parametrize("action", ["return", "postpone", "visit", "outcome", "withdraw"])
@pytest.mark.parametrize("version", ["stale", "missing"])
def test_card_action_refuses_a_stale_or_missing_version(
    app, client, reception_on, users, login_as, action, version
):
    card_id = _card(app, reception_on["A"], users["leader"], visited=action == "outcome")
    login_as("staff_a")
    page = client.get(f"/admin/reception-desk/card/{card_id}").get_data(as_text=True)
    assert f'name="version" value="{card_version(app, card_id)}"' in page
    before = _state(app, card_id)
    data = _fields(action, users["leader"])
    if version == "stale":
        data["version"] = str(int(card_version(app, card_id)) - 1 or 99)
    response = post(
        client, f"/admin/reception-desk/card/{card_id}/{action}", data, follow_redirects=True
    )
    assert str(STALE_MESSAGE) in text_of(response)
    assert _state(app, card_id) == before


@pytest.mark.parametrize("action", ["return", "postpone", "visit", "outcome", "withdraw"])
def test_card_action_with_the_current_version_is_saved(
    app, client, reception_on, users, login_as, action
):
    card_id = _card(app, reception_on["A"], users["leader"], visited=action == "outcome")
    login_as("staff_a")
    before = _state(app, card_id)
    response = post(
        client,
        f"/admin/reception-desk/card/{card_id}/{action}",
        {**_fields(action, users["leader"]), "version": card_version(app, card_id)},
        follow_redirects=True,
    )
    assert str(STALE_MESSAGE) not in text_of(response)
    after = _state(app, card_id)
    assert after[0] == before[0] + 1
    assert action != "withdraw" or after[1] == CardStatus.WITHDRAWN
