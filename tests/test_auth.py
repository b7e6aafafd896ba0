"""Login, logout, idle expiry, throttling, CSRF and redirects."""

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from support import TEST_PASSWORD, csrf_token, login, make_test_app, post

from core.extensions import db
from core.models import UserSession, utcnow


def test_login_lands_on_chinese_dashboard(client, users):
    response = login(client, "staff_a")
    assert response.status_code == 302
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "工作台" in page.get_data(as_text=True)


def test_wrong_password_and_unknown_user_get_same_message(client, users):
    a = login(client, "staff_a", "wrong-password-1")
    b = login(client, "nobody-here", "wrong-password-1")
    assert a.status_code == b.status_code == 401
    assert "用户名或密码不正确" in a.get_data(as_text=True)
    assert "用户名或密码不正确" in b.get_data(as_text=True)


def test_replayed_cookie_after_logout_is_refused(app, client, users):
    login(client, "staff_a")
    cookie = client.get_cookie("session").value
    assert post(client, "/logout").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/admin/staff/").status_code == 302  # sent to the login page
    assert "/login" in replay.get("/admin/staff/").headers["Location"]


def test_idle_session_expires(app, client, users):
    login(client, "staff_a")
    with app.app_context():
        for row in db.session.scalars(select(UserSession)):
            row.last_seen_at = utcnow() - timedelta(minutes=31)
        db.session.commit()
    response = client.get("/admin/example_notes/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_throttled_across_processes(app, client, users):
    for _ in range(5):
        assert login(client, "staff_a", "bad-password-xx").status_code == 401
    # A second, separately created app on the same database stands in for another process:
    # it shares no Python objects with the first, so the counter can only reach it through
    # the database.
    second_app = make_test_app(
        Path(app.config["UPLOAD_FOLDER"]).parent, database_url=app.config["SQLALCHEMY_DATABASE_URI"]
    )
    assert second_app is not app
    try:
        other = second_app.test_client()
        blocked = login(other, "staff_a", TEST_PASSWORD)
        assert blocked.status_code == 429
        assert "登录失败次数过多" in blocked.get_data(as_text=True)
        # Failures counted by the second app lock the first one out too.
        for _ in range(5):
            assert login(other, "leader", "bad-password-xx").status_code == 401
        assert login(client, "leader", TEST_PASSWORD).status_code == 429
    finally:
        with second_app.app_context():
            db.session.remove()
            db.engine.dispose()
    # The same message for an account that does not exist: no enumeration.
    for _ in range(5):
        login(client, "ghost-account", "bad-password-xx")
    assert login(client, "ghost-account", "bad-password-xx").status_code == 429


def test_post_without_csrf_is_rejected(app, client, users):
    login(client, "staff_a")
    response = client.post("/logout")
    assert response.status_code == 400
    response = client.post("/login", data={"username": "staff_a", "password": TEST_PASSWORD})
    assert response.status_code == 400


def test_delete_and_bulk_forms_require_csrf(app, client, users, login_as):
    login_as("admin")
    assert client.post("/admin/staff/delete/", data={"id": users["staff_a"]}).status_code == 400
    assert (
        client.post(
            "/admin/staff/action/", data={"action": "delete", "rowid": users["staff_a"]}
        ).status_code
        == 400
    )


def test_login_redirect_only_to_this_site(client, users):
    token = csrf_token(client)
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post(
            f"/login?next={target}",
            data={"username": "staff_a", "password": TEST_PASSWORD, "csrf_token": token},
        )
        assert response.headers["Location"].startswith("/admin"), target
        post(client, "/logout")
    response = login(client, "staff_a")
    assert response.status_code == 302


def test_security_headers(client):
    response = client.get("/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_session_row_revoked_on_logout(app, client, users):
    login(client, "staff_a")
    post(client, "/logout")
    with app.app_context():
        row = db.session.scalar(select(UserSession))
        assert row.revoked_at is not None


def test_missing_csrf_token_gets_a_chinese_page(app, client, users):
    login(client, "staff_a")
    response = client.post("/logout")
    assert response.status_code == 400
    assert "表单已过期或缺少安全令牌" in response.get_data(as_text=True)


def test_unknown_page_is_a_chinese_404(client):
    response = client.get("/o/NOPE/")
    assert response.status_code == 404
    assert "没有找到该页面" in response.get_data(as_text=True)
