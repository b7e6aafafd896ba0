"""Helpers of the bulletins tests: items, products, plans and releases, a signed-in client.

Plain functions the test modules import; the fixtures are in this folder's conftest.py."""

from datetime import date, timedelta

from sqlalchemy import func, select
from support import login

from core.extensions import db
from core.time import local_today
from plugins.bulletins import services
from plugins.bulletins.models import (
    CollectedItem,
    InfoProduct,
    Kind,
    Medium,
    Release,
    ReleasePlan,
)


def client_for(app, username: str):
    """A new test client signed in as ``username``."""
    client = app.test_client()
    response = login(client, username)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def product(
    office_id: int,
    title: str = "农产品市场价格月报",
    *,
    kind: Kind = Kind.MARKET,
    valid_days: int = 20,
    summary: str = "本月生猪、粮食和蔬菜价格。",
) -> InfoProduct:
    """A product of the office valid ``valid_days`` from today (committed)."""
    row = InfoProduct(
        office_id=office_id,
        title=title,
        kind=kind,
        summary=summary,
        valid_until=local_today() + timedelta(days=valid_days),
    )
    db.session.add(row)
    db.session.commit()
    return row


def item(
    prod: InfoProduct,
    title: str = "本周生猪收购价格",
    *,
    valid_days: int = 10,
    content: str = "外三元生猪出栏价每公斤 15.6 元。",
    source: str = "全国农产品批发市场价格信息网",
) -> CollectedItem:
    """A collected item of the product's office and kind, in the product (committed)."""
    row = CollectedItem(
        office_id=prod.office_id,
        title=title,
        kind=prod.kind,
        medium=Medium.INTERNET,
        source=source,
        content=content,
        collected_on=local_today() - timedelta(days=1),
        valid_until=local_today() + timedelta(days=valid_days),
        product=prod,
    )
    db.session.add(row)
    db.session.commit()
    return row


def release(prod: InfoProduct, channels=("web", "blackboard"), **kw) -> Release:
    """Release the product today (committed)."""
    row = services.record_release(
        prod, released_on=kw.pop("released_on", local_today()), channels=list(channels), **kw
    )
    db.session.commit()
    return row


def plan(office_id: int, year: int | None = None, **kw) -> ReleasePlan:
    """The office's plan for ``year`` (this year by default), committed."""
    row = ReleasePlan(office_id=office_id, year=year or local_today().year, **kw)
    services.validate_plan(row)
    db.session.add(row)
    db.session.commit()
    return row


def count(model) -> int:
    """How many rows the table holds."""
    return db.session.scalar(select(func.count()).select_from(model))


def a_weekday(year: int = 2026) -> date:
    """A plain working day (Wednesday 2026-06-10)."""
    return date(year, 6, 10)
