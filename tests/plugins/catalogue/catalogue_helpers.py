"""Helpers of the catalogue tests: a matter on an office's list, a signed-in client.

Plain functions the test modules import; the fixtures are in this folder's conftest.py."""

from sqlalchemy import select
from support import login

from core.extensions import db
from core.models import User
from plugins.catalogue import services
from plugins.catalogue.models import Place, ServiceMatter


def user(username: str) -> User:
    """The user with this username."""
    return db.session.scalar(select(User).where(User.username == username))


def client_for(app, username: str):
    """A new test client signed in as ``username``."""
    client = app.test_client()
    response = login(client, username)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def matter(
    office_id: int,
    name: str = "城乡居民医疗保险参保登记",
    *,
    fee=None,
    fee_basis: str = "",
    place=Place.HALL,
    category_code: str = "service",
    documents: str = "户口簿\n身份证",
    steps: str = "窗口登记\n当场办结",
) -> ServiceMatter:
    """A listed matter of the office (committed)."""
    row = services.create_matter(
        office_id,
        name=name,
        category_code=category_code,
        place=place,
        handled_by="便民服务大厅医保窗口",
        legal_basis="《社会保险法》第二十五条",
        documents=documents,
        fee=fee,
        fee_basis=fee_basis,
        steps=steps,
    )
    db.session.commit()
    return row


def count_matters() -> int:
    """How many matters exist (any office)."""
    return len(db.session.scalars(select(ServiceMatter.id)).all())
