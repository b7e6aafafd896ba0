"""Every desk action that changes a topic or an item carries the row's version: a post with a
stale or a missing version is refused with the core's one stale message and changes nothing
(issue 15 item 2)."""

import pytest
from disclosure_helpers import ask, client_for, published  # noqa: F401
from sqlalchemy import func, select
from support import post, text_of

from core.errors import STALE_MESSAGE
from core.extensions import db
from core.publication.withdrawal import Withdrawal
from plugins.disclosure import services
from plugins.disclosure.models import DisclosureItem, DisclosureTopic, ItemCategory

# (action, who posts, the row it changes, what the form sends besides the version)
ACTIONS = [
    (
        "topic/{id}/answer",
        "staff_a",
        "open_topic",
        {
            "existing_item": "",
            "category": "results",
            "stage": "after",
            "title": "2026 年低保保障标准",
            "body": "保障标准：每人每月 720 元。",
        },
    ),
    (
        "topic/{id}/decline",
        "staff_a",
        "open_topic",
        {"ground": "privacy", "reason": "涉及个人隐私"},
    ),
    ("topic/{id}/withdraw", "leader", "declined_topic", {"reason": "内容有误"}),
    ("item/{id}/publish", "staff_a", "draft", {}),
    ("item/{id}/withdraw", "leader", "published_item", {"reason": "内容有误"}),
]


def _rows(office_id) -> dict:
    """One row of each kind the desk actions change (committed)."""
    declined = ask(office_id, "村集体鱼塘承包合同")
    services.decline_topic(declined, actor_id=None, ground="other", reason="合同正在重新签订。")
    draft = services.create_item(
        office_id,
        category=ItemCategory.RESULTS,
        title="道路维修结果",
        body="已完工。",
        actor_id=None,
    )
    item = published(office_id, title="农村宅基地审批办事指南")
    db.session.commit()
    return {
        "open_topic": ask(office_id, phone="13904715567"),
        "declined_topic": declined,
        "draft": draft,
        "published_item": item,
    }


def _state(row) -> tuple:
    """What an action could change: the row's version and state, and its withdrawals."""
    db.session.refresh(row)
    withdrawals = db.session.scalar(
        select(func.count()).select_from(Withdrawal).where(Withdrawal.record_id == row.id)
    )
    state = row.status if isinstance(row, DisclosureTopic) else row.published_at
    return row.version, state, withdrawals


@pytest.mark.parametrize("posted", ["stale", "missing"])
@pytest.mark.parametrize(
    ("path", "username", "kind", "data"), ACTIONS, ids=[a[0].replace("{id}/", "") for a in ACTIONS]
)
def test_a_stale_or_missing_version_is_refused(
    app, disclosure_on, path, username, kind, data, posted
):
    with app.app_context():
        row = _rows(disclosure_on["A"])[kind]
        model, row_id, before = type(row), row.id, _state(row)
        form = dict(data)
        if posted == "stale":
            form["version"] = str(row.version + 1)
    response = post(
        client_for(app, username),
        f"/admin/disclosure-desk/{path.format(id=row_id)}",
        form,
        follow_redirects=True,
    )
    assert str(STALE_MESSAGE) in text_of(response)
    with app.app_context():
        assert _state(db.session.get(model, row_id)) == before
        if model is DisclosureTopic:
            assert db.session.scalar(select(func.count()).select_from(DisclosureItem)) == 2


def test_the_current_version_is_accepted(app, disclosure_on):
    """The same post with the row's version goes through (the check is not a wall)."""
    with app.app_context():
        draft = _rows(disclosure_on["A"])["draft"]
        draft_id, version = draft.id, draft.version
    response = post(
        client_for(app, "staff_a"),
        f"/admin/disclosure-desk/item/{draft_id}/publish",
        {"version": str(version)},
        follow_redirects=True,
    )
    assert "已在公开栏公开。" in text_of(response)
