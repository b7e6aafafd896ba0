"""Fixtures of the worklog tests (pytest finds them here; test modules never import them)."""

import pytest

from core.extensions import db
from core.models import Office, OfficeKind
from core.modules import set_module


@pytest.fixture(name="worklog_on")
def worklog_on_fixture(app, users, offices):
    """The worklog module on for office A (government), village B and a second village C
    (with its own clerk, staff_c); returns the office ids."""
    with app.app_context():
        root = db.session.get(Office, offices["T"])
        c = Office(code="C", name="丙村", kind=OfficeKind.VILLAGE, parent=root)
        db.session.add(c)
        db.session.flush()
        for office in (
            db.session.get(Office, offices["A"]),
            db.session.get(Office, offices["B"]),
            c,
        ):
            set_module("worklog", office, True)
        db.session.commit()
        return {**offices, "C": c.id}
