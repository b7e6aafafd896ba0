"""Helpers of the disclosure plugin's tests: the module on for offices A and B, a signed-in
client per person, a resident's topic and a published item.

Plain functions the test modules import; the fixtures are in this folder's conftest.py."""

from sqlalchemy import select
from support import login

from core.extensions import db
from core.models import Office, User
from plugins.disclosure import services
from plugins.disclosure.models import DisclosureItem, DisclosureTopic, ItemCategory

RESIDENT_NAME = "王秀英"
RESIDENT_PHONE = "13904715566"


def user(username: str) -> User:
    """The user with this username."""
    return db.session.scalar(select(User).where(User.username == username))


def client_for(app, username: str):
    """A new test client signed in as ``username`` (one per person in a flow)."""
    client = app.test_client()
    response = login(client, username)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def ask(
    office_id: int,
    topic: str = "本村 2026 年低保名单和保障标准",
    *,
    name: str = RESIDENT_NAME,
    phone: str = RESIDENT_PHONE,
    details: str | None = "想了解评定条件和每月金额。",
) -> DisclosureTopic:
    """A resident's topic at the office (committed)."""
    receipt = services.request_topic(
        db.session.get(Office, office_id), topic=topic, details=details, name=name, phone=phone
    )
    db.session.commit()
    return db.session.scalar(select(DisclosureTopic).where(DisclosureTopic.receipt_no == receipt))


def published(
    office_id: int,
    title: str = "农村宅基地审批办事指南",
    category=ItemCategory.PROCEDURE,
    body: str = "**办理时限**：20 个工作日。",
    stage=None,
) -> DisclosureItem:
    """A published item of the office (committed)."""
    item = services.create_item(
        office_id, category=category, title=title, body=body, stage=stage, actor_id=None
    )
    db.session.flush()
    services.publish_item(item, actor_id=None)
    db.session.commit()
    return item
