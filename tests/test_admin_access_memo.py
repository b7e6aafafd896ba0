"""The admin views' access answer is kept for one request only, per user, and a module switched
within the request takes effect at once."""

from example_plugin import ExampleNoteView
from flask_login import login_user, logout_user

from core.admin.base import SecureViewMixin
from core.extensions import db
from core.models import Office, OfficeModule, User
from core.modules import set_module


def _example_view(app):
    for admin in app.extensions["admin"]:
        for view in admin._views:
            if isinstance(view, ExampleNoteView):
                return view
    raise AssertionError("the example plugin's view is not registered")


def _count_decisions(monkeypatch):
    calls = []
    original = SecureViewMixin._decide_access

    def counting(self, user):
        calls.append(self.endpoint)
        return original(self, user)

    monkeypatch.setattr(SecureViewMixin, "_decide_access", counting)
    return calls


def test_answer_is_decided_once_per_request(app, users, offices, monkeypatch):
    view = _example_view(app)
    with app.app_context():
        set_module("example", db.session.get(Office, offices["A"]), True)
        db.session.commit()
    calls = _count_decisions(monkeypatch)
    with app.test_request_context("/admin/"):
        login_user(db.session.get(User, users["staff_a"]))
        assert all(view.is_accessible() for _ in range(5))
        assert calls == [view.endpoint]
    with app.test_request_context("/admin/"):
        login_user(db.session.get(User, users["staff_a"]))
        assert view.is_accessible()
        assert calls == [view.endpoint, view.endpoint]  # a new request decides afresh


def test_switching_the_module_off_within_the_request_takes_effect(app, users, offices):
    view = _example_view(app)
    with app.test_request_context("/admin/modules/"):
        office = db.session.get(Office, offices["A"])
        set_module("example", office, True)
        db.session.commit()
        login_user(db.session.get(User, users["staff_a"]))
        assert view.is_accessible()
        set_module("example", office, False)
        db.session.commit()
        assert not view.is_accessible()


def test_answer_follows_the_user_within_the_request(app, users, offices):
    view = _example_view(app)
    with app.app_context():
        set_module("example", db.session.get(Office, offices["A"]), True)
        db.session.commit()
    with app.test_request_context("/admin/"):
        login_user(db.session.get(User, users["staff_a"]))
        assert view.is_accessible()
        login_user(db.session.get(User, users["staff_b"]))  # office B: module off
        assert not view.is_accessible()
        logout_user()
        assert not view.is_accessible()


def test_nothing_is_kept_between_requests(app, users, offices):
    view = _example_view(app)
    with app.app_context():
        set_module("example", db.session.get(Office, offices["A"]), True)
        db.session.commit()
    with app.test_request_context("/admin/"):
        login_user(db.session.get(User, users["staff_a"]))
        assert view.is_accessible()
    with app.app_context():
        # Switched off behind the core's back (another process): the next request must see it.
        db.session.get(OfficeModule, (offices["A"], "example")).enabled = False
        db.session.commit()
    with app.test_request_context("/admin/"):
        login_user(db.session.get(User, users["staff_a"]))
        assert not view.is_accessible()
