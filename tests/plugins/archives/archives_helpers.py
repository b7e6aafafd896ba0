"""Builders for the archives plugin's tests: offices with the module on, a keeper, files."""

import re
from datetime import datetime

from sqlalchemy import select
from support import login, post

from core.extensions import db
from core.kit import LOCAL_ZONE
from core.models import Office, Role, User
from core.modules import set_module
from plugins.archives.models import ArchiveFile, ArchiveSettings, Fonds, Loan, Series
from plugins.archives.services import catalogue


def beijing(*args) -> datetime:
    """An aware Beijing time: beijing(2025, 9, 30, 10) → 2025-09-30 10:00 +08:00."""
    return datetime(*args, tzinfo=LOCAL_ZONE)


def enable(*office_ids):
    """Switch the archives module on for these offices."""
    for office_id in office_ids:
        set_module("archives", db.session.get(Office, office_id), True)
    db.session.commit()


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def settings(office_id: int, keeper: User | None, max_days: int = 10) -> ArchiveSettings:
    """The office's settings with its keeper and maximum loan period."""
    row = ArchiveSettings(
        office_id=office_id,
        keeper_id=keeper.id if keeper else None,
        max_loan_days=max_days,
        reading_room="一楼档案室",
    )
    db.session.add(row)
    db.session.commit()
    return row


def series(office_id: int, code: str = "WS", title: str = "文书档案") -> Series:
    """A series (creating the office's fonds on first use)."""
    fonds = db.session.scalar(select(Fonds).where(Fonds.office_id == office_id))
    if fonds is None:
        office = db.session.get(Office, office_id)
        fonds = Fonds(office_id=office_id, code=office.code + "1", title=office.name)
        db.session.add(fonds)
        db.session.flush()
    row = db.session.scalar(select(Series).where(Series.fonds_id == fonds.id, Series.code == code))
    if row is None:
        row = Series(office_id=office_id, fonds=fonds, code=code, title=title)
        db.session.add(row)
        db.session.flush()
    return row


def new_file(
    office_id: int,
    title: str = "镇党委会议纪要",
    *,
    security="internal",
    year=2025,
    code: str = "WS",
):
    """A catalogued file, committed."""
    file = catalogue.create_file(
        series=series(office_id, code),
        title=title,
        year=year,
        security=security,
        location="A 柜 1 层",
    )
    db.session.commit()
    return file


def archive_office(app, offices, make_user, *, max_days=10):
    """Archives on for A and B; keeper_a (staff) keeps A's archive, keeper_b B's.
    Returns the ids of the extra users."""
    ids = {
        "keeper_a": make_user("keeper_a", Role.STAFF, offices["A"], display_name="周档案"),
        "keeper_b": make_user("keeper_b", Role.STAFF, offices["B"], display_name="吴档案"),
        "leader2": make_user("leader2", Role.LEADER, offices["A"], display_name="郑副镇长"),
    }
    with app.app_context():
        enable(offices["A"], offices["B"])
        settings(offices["A"], db.session.get(User, ids["keeper_a"]), max_days)
        settings(offices["B"], db.session.get(User, ids["keeper_b"]), max_days)
    return ids


def client_for(app, username: str):
    """A new test client signed in as ``username`` (one per person in a flow)."""
    client = app.test_client()
    response = login(client, username)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


_DESK_ROW = re.compile(r"/admin/archives-desk/(loan|file)/(\d+)/")


def current_version(app, url: str) -> str:
    """The current version of the loan or file a desk action URL acts on."""
    kind, row_id = _DESK_ROW.search(url).groups()
    with app.app_context():
        return str(db.session.get(Loan if kind == "loan" else ArchiveFile, int(row_id)).version)


def desk_post(app, client, url: str, data=None, **kwargs):
    """POST to a desk action with the row's current version, as the desk's form sends it."""
    return post(client, url, {**(data or {}), "version": current_version(app, url)}, **kwargs)
