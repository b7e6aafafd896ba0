"""Fixtures of the petitions tests (pytest finds them here; test modules never import them)."""

import pytest

from core.extensions import db
from core.models import Office
from core.modules import set_module


@pytest.fixture(name="petitions_on")
def petitions_on_fixture(app, users, offices):
    """The petitions module switched on for offices A and B; returns the office ids."""
    with app.app_context():
        for code in ("A", "B"):
            set_module("petitions", db.session.get(Office, offices[code]), True)
        db.session.commit()
    return offices
