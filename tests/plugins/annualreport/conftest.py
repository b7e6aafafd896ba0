"""Fixtures of the annual report tests (pytest finds them here; test modules never import them)."""

import pytest

from core.extensions import db
from core.models import Office
from core.modules import set_module


@pytest.fixture(name="annual_on")
def annual_on_fixture(app, users, offices):
    """The annual report module switched on for the township T and offices A and B."""
    with app.app_context():
        for code in ("T", "A", "B"):
            set_module("annualreport", db.session.get(Office, offices[code]), True)
        db.session.commit()
    return offices
