"""Accounts and roles (issue 14 items 9, 10, 12, 13): who may change whose password, role and
status; a new password ends the person's sessions; throttled logins and repeated refused
pages leave summarised audit entries; the session cookie is Secure over HTTPS."""

import pytest
from sqlalchemy import func, select
from support import TEST_PASSWORD, login, make_test_app, post, staff_form, text_of

from core import permissions
from core.audit.models import AuditEntry
from core.auth.passwords import verify_password
from core.extensions import db
from core.models import Role, User, UserSession

NEW_PASSWORD = "a-brand-new-secret-42"


def account(app, user_id) -> dict:
    """What the rules protect: role, status, and whether the test password still works."""
    with app.app_context():
        user = db.session.get(User, user_id)
        return {
            "role": user.role,
            "active": user.active,
            "post": user.post,
            "old_password": verify_password(user.password_hash, TEST_PASSWORD),
        }


def save(client, app, user_id, **changes):
    """Post the staff edit form with ``changes``; follow the answer to read the message."""
    return post(
        client,
        f"/admin/staff/edit/?id={user_id}",
        staff_form(app, user_id, **changes),
        follow_redirects=True,
    )


def live_sessions(app, user_id) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(UserSession)
            .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        )


def audit_entries(app, action) -> list[AuditEntry]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )
        db.session.expunge_all()
        return rows


# --- item 9: rank rules -----------------------------------------------------------------------


def test_role_order_is_documented_and_strict():
    assert set(permissions.ROLE_RANK) == set(Role)
    order = permissions.ROLE_RANK
    assert (
        order[Role.TOWNSHIP_ADMIN]
        > order[Role.LEADER]
        > order[Role.OFFICE_ADMIN]
        > order[Role.STAFF]
    )
    assert order[Role.AUDITOR] > order[Role.OFFICE_ADMIN]


@pytest.mark.parametrize(
    "change",
    [
        {"new_password": NEW_PASSWORD},
        {"role": "staff"},
        {"active": None},  # the checkbox left unticked: deactivate
    ],
)
@pytest.mark.parametrize("target", ["leader", "other_admin"])
def test_office_admin_cannot_touch_a_leader_or_another_office_admin(
    app, client, users, make_user, offices, login_as, change, target
):
    if target == "other_admin":
        users[target] = make_user("officeadmin2", Role.OFFICE_ADMIN, offices["A"])
    before = account(app, users[target])
    login_as("officeadmin")
    response = save(client, app, users[target], **change)
    assert "您不能修改与您同级或更高级别账号的密码、角色或启用状态。" in text_of(response)
    assert account(app, users[target]) == before
    assert (
        login(
            client.application.test_client(), users_name(app, users[target]), NEW_PASSWORD
        ).status_code
        == 401
    )


def users_name(app, user_id) -> str:
    with app.app_context():
        return db.session.get(User, user_id).username


def test_office_admin_may_still_edit_a_leaders_badge_fields(app, client, users, login_as):
    login_as("officeadmin")
    response = save(client, app, users["leader"], post="镇长")
    assert "您不能" not in text_of(response)
    assert account(app, users["leader"])["post"] == "镇长"


@pytest.mark.parametrize("role", ["office_admin", "leader", "auditor", "township_admin"])
def test_office_admin_cannot_raise_anyone_to_their_rank_or_above(
    app, client, users, login_as, role
):
    login_as("officeadmin")
    response = save(client, app, users["staff_a"], role=role)
    assert "您不能授予与您同级或更高级别的角色" in text_of(response)
    assert account(app, users["staff_a"])["role"] == Role.STAFF
    created = post(
        client,
        "/admin/staff/new/",
        {
            "username": "newbie",
            "display_name": "新人",
            "role": role,
            "active": "y",
            "new_password": NEW_PASSWORD,
        },
        follow_redirects=True,
    )
    assert "您不能授予与您同级或更高级别的角色" in text_of(created)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "newbie")) is None


def test_office_admin_manages_staff_and_own_password(app, client, users, login_as):
    login_as("officeadmin")
    save(client, app, users["staff_a"], new_password=NEW_PASSWORD, active=None)
    assert account(app, users["staff_a"]) == {
        "role": Role.STAFF,
        "active": False,
        "post": None,
        "old_password": False,
    }
    save(client, app, users["officeadmin"], new_password=NEW_PASSWORD)
    assert account(app, users["officeadmin"])["old_password"] is False
    # but not their own role: that would be changing an account of their own rank
    response = save(client, app, users["officeadmin"], role="staff")
    assert "您不能修改与您同级或更高级别账号" in text_of(response)
    assert account(app, users["officeadmin"])["role"] == Role.OFFICE_ADMIN


def test_township_admin_may_change_any_account(app, client, users, make_user, offices, login_as):
    other = make_user("admin2", Role.TOWNSHIP_ADMIN, offices["T"])
    login_as("admin")
    save(client, app, users["leader"], role="staff", new_password=NEW_PASSWORD)
    save(client, app, other, active=None)
    assert account(app, users["leader"])["role"] == Role.STAFF
    assert account(app, users["leader"])["old_password"] is False
    assert account(app, other)["active"] is False


# --- item 10: a new password ends the person's sessions ----------------------------------------


def test_password_set_by_an_admin_ends_the_persons_sessions(app, client, users, login_as):
    victim = app.test_client()
    login(victim, "staff_a")
    assert victim.get("/admin/").status_code == 200
    login_as("officeadmin")
    save(client, app, users["staff_a"], new_password=NEW_PASSWORD)
    assert live_sessions(app, users["staff_a"]) == 0
    assert victim.get("/admin/").status_code == 302  # back to the login page


def test_own_password_set_on_the_staff_screen_keeps_only_the_current_session(
    app, client, users, login_as
):
    elsewhere = app.test_client()
    login(elsewhere, "officeadmin")
    login_as("officeadmin")
    save(client, app, users["officeadmin"], new_password=NEW_PASSWORD)
    assert live_sessions(app, users["officeadmin"]) == 1
    assert client.get("/admin/").status_code == 200
    assert elsewhere.get("/admin/").status_code == 302


def test_refused_password_change_ends_no_session(app, client, users, login_as):
    leader = app.test_client()
    login(leader, "leader")
    login_as("officeadmin")
    save(client, app, users["leader"], new_password=NEW_PASSWORD)
    assert leader.get("/admin/").status_code == 200


def change_own_password(client, current=TEST_PASSWORD, new=NEW_PASSWORD, confirm=None):
    return post(
        client,
        "/account/password",
        {"current_password": current, "new_password": new, "confirm_password": confirm or new},
    )


def test_own_password_change_ends_other_sessions_and_keeps_this_one(app, client, users, login_as):
    elsewhere = app.test_client()
    login(elsewhere, "staff_a")
    login_as("staff_a")
    assert "修改密码" in text_of(client.get("/account/password"))
    response = change_own_password(client)
    assert response.status_code == 302
    assert account(app, users["staff_a"])["old_password"] is False
    assert client.get("/admin/").status_code == 200
    assert elsewhere.get("/admin/").status_code == 302
    assert live_sessions(app, users["staff_a"]) == 1
    assert len(audit_entries(app, "auth.password_changed")) == 1
    assert login(app.test_client(), "staff_a", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong-password-xx", NEW_PASSWORD, None, "当前密码不正确，密码未修改。"),
        (TEST_PASSWORD, "short", None, "新密码至少 10 个字符。"),
        (TEST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "两次输入的新密码不一致。"),
    ],
)
def test_own_password_change_refused_changes_nothing(
    app, client, users, login_as, current, new, confirm, message
):
    elsewhere = app.test_client()
    login(elsewhere, "staff_a")
    login_as("staff_a")
    response = change_own_password(client, current, new, confirm)
    assert response.status_code == 400
    assert message in text_of(response)
    assert account(app, users["staff_a"])["old_password"] is True
    assert elsewhere.get("/admin/").status_code == 200


def test_own_password_page_needs_a_login(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- item 12: throttled logins and refused pages leave summarised entries ----------------------


def test_summary_points_are_powers_of_ten():
    from core.auth.alarms import is_summary_point

    assert [n for n in range(1, 1001) if is_summary_point(n)] == [1, 10, 100, 1000]


def test_throttled_login_leaves_an_entry_even_with_the_right_password(app, client, users):
    for _ in range(5):
        assert login(client, "staff_a", "bad-password-xx").status_code == 401
    for _ in range(12):
        assert login(client, "staff_a", "bad-password-xx").status_code == 429
    entries = audit_entries(app, "auth.login_throttled")
    assert [(e.details["count"], e.details["password_correct"]) for e in entries] == [
        (1, False),
        (10, False),
    ]
    assert login(client, "staff_a", TEST_PASSWORD).status_code == 429
    right = audit_entries(app, "auth.login_throttled")[-1]
    assert right.details["password_correct"] is True and right.details["count"] == 1
    assert right.details["username"] == "staff_a" and right.actor_name == "staff_a"
    with app.app_context():
        assert right.office_id == db.session.get(User, users["staff_a"]).office_id


def test_cross_office_probing_is_recorded_summarised(app, client, users, login_as):
    login_as("officeadmin")
    for user_id in range(users["staff_b"], users["staff_b"] + 15):  # other offices' accounts
        assert client.get(f"/admin/staff/edit/?id={user_id}").status_code == 404
    assert client.get("/admin/modules/").status_code == 403
    entries = audit_entries(app, "access.refused")
    assert [e.details["count"] for e in entries] == [1, 10]
    first = entries[0]
    assert first.actor_id == users["officeadmin"]
    assert first.details["status"] == 404 and first.details["path"] == "/admin/staff/edit/"
    with app.app_context():
        assert first.office_id == db.session.get(User, users["officeadmin"]).office_id


def test_refused_pages_of_anonymous_visitors_are_not_counted(app, client, users):
    for _ in range(3):
        assert client.get("/no-such-page").status_code == 404
    assert audit_entries(app, "access.refused") == []


def test_summary_window_starts_afresh(app, client, users, login_as):
    from datetime import timedelta

    from core.models import LoginFailure, utcnow

    login_as("staff_a")
    client.get("/admin/staff/")  # 403: staff do not manage accounts
    with app.app_context():
        for row in db.session.scalars(select(LoginFailure)):
            row.window_started_at = utcnow() - timedelta(minutes=16)
        db.session.commit()
    client.get("/admin/staff/")
    assert [e.details["count"] for e in audit_entries(app, "access.refused")] == [1, 1]


# --- item 13: the session cookie is Secure over HTTPS ----------------------------------------


def session_cookie_of(application) -> str:
    """The Set-Cookie header of the session cookie, as the login page sets it."""
    response = application.test_client().get("/login")
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[0]


@pytest.mark.parametrize(
    ("overrides", "environ", "secure"),
    [
        ({"PUBLIC_BASE_URL": "https://zw.example.cn"}, {}, True),
        ({"PUBLIC_BASE_URL": "http://127.0.0.1:5000"}, {}, False),
        ({"PUBLIC_BASE_URL": "http://127.0.0.1:5000"}, {"SESSION_COOKIE_SECURE": "true"}, True),
        ({"PUBLIC_BASE_URL": "https://zw.example.cn"}, {"SESSION_COOKIE_SECURE": "0"}, False),
    ],
)
def test_session_cookie_is_secure_over_https(tmp_path, monkeypatch, overrides, environ, secure):
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    application = make_test_app(tmp_path, **overrides)
    try:
        cookie = session_cookie_of(application)
        assert ("; Secure" in cookie) is secure
        assert "HttpOnly" in cookie
    finally:
        with application.app_context():
            db.engine.dispose()


def test_unclear_secure_setting_is_refused_at_start():
    from core.config import session_cookie_secure

    with pytest.raises(ValueError):
        session_cookie_secure({"SESSION_COOKIE_SECURE": "maybe"})
    assert session_cookie_secure({"SESSION_COOKIE_SECURE": " Yes "}) is True
    assert session_cookie_secure({"PUBLIC_BASE_URL": "HTTPS://zw.example.cn"}) is True
