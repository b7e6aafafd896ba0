"""Fixtures of the evaluation tests (pytest finds them here; test modules never import them)."""

import pytest

from core.extensions import db
from core.models import Office, Role
from core.modules import set_module


@pytest.fixture(name="evaluation_on")
def evaluation_on_fixture(app, users, offices, make_user):
    """The module on for T, A and B; a second staff member and a supervisor at A, a second
    leader at T. Returns the ids of offices and users together."""
    extra = {
        "staff_a2": make_user("staff_a2", Role.STAFF, offices["A"], display_name="孙干事"),
        "supervisor": make_user("supervisor", Role.STAFF, offices["T"], display_name="督查员"),
        "leader2": make_user("leader2", Role.LEADER, offices["T"], display_name="李书记"),
    }
    with app.app_context():
        for code in ("T", "A", "B"):
            set_module("evaluation", db.session.get(Office, offices[code]), True)
        db.session.commit()
    return {**offices, **users, **extra}
