"""Fixtures of the reception tests (pytest finds them here; test modules never import them)."""

import pytest

from core.extensions import db
from core.models import Office
from core.modules import set_module


@pytest.fixture(name="reception_on")
def reception_on_fixture(app, users, offices):
    """The reception module switched on for office A (not for B); returns the office ids."""
    with app.app_context():
        set_module("reception", db.session.get(Office, offices["A"]), True)
        db.session.commit()
    return offices
