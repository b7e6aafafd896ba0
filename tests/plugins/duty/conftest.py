"""Fixtures of the duty tests (pytest finds them here; test modules never import them)."""

import pytest

from core.extensions import db
from core.models import Office
from core.modules import set_module


@pytest.fixture(name="duty_on")
def duty_on_fixture(app, users, offices):
    """The duty module switched on for office A (not for B); returns the office ids."""
    with app.app_context():
        set_module("duty", db.session.get(Office, offices["A"]), True)
        db.session.commit()
    return offices
