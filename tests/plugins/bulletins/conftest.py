"""Fixtures of the bulletins tests (pytest finds them here; test modules never import them)."""

import pytest

from core.extensions import db
from core.models import Office
from core.modules import set_module


@pytest.fixture(name="bulletins_on")
def bulletins_on_fixture(app, users, offices):
    """The module switched on for offices A and B; returns the office ids."""
    with app.app_context():
        for code in ("A", "B"):
            set_module("bulletins", db.session.get(Office, offices[code]), True)
        db.session.commit()
    return offices
