"""Login, logout and a person's own password change."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from core import config as config_module
from core.audit import record_event
from core.auth import alarms, throttle
from core.auth.forms import LoginForm, PasswordChangeForm
from core.auth.passwords import hash_password, needs_rehash, verify_password
from core.auth.sessions import end_session, end_user_sessions, start_session
from core.extensions import db
from core.models import User, utcnow
from core.urls import client_ip, safe_next

bp = Blueprint("auth", __name__)


@bp.record_once
def _secure_session_cookie(state):
    """Settle whether the session cookie is Secure (core.config.session_cookie_secure) once
    the app's configuration is complete: the cookie is this blueprint's concern."""
    secure = config_module.session_cookie_secure(state.app.config)
    state.app.config["SESSION_COOKIE_SECURE"] = secure
    state.app.config["REMEMBER_COOKIE_SECURE"] = secure


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign a staff member in; the same message for a wrong name or a wrong password."""
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        username, ip = form.username.data.strip(), client_ip()
        wait = throttle.seconds_locked(username, ip)
        user = db.session.scalar(select(User).where(User.username == username))
        # Verify even when the account does not exist, so timing reveals nothing, and even
        # when throttled, so the audit entry can say whether whoever is locked out knew it.
        password_ok = verify_password(user.password_hash if user else None, form.password.data)
        if wait:
            alarms.note_throttled_login(username, ip, user, password_ok)
            flash(
                _("登录失败次数过多，请 %(minutes)d 分钟后再试。", minutes=(wait + 59) // 60),
                "error",
            )
            return render_template("auth/login.html", form=form), 429
        if user is not None and user.active and password_ok:
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
            throttle.clear_failures(username, ip)
            start_session(user)
            user.last_login_at = utcnow()
            login_user(user)
            record_event(
                "auth.login", office_id=user.office_id, target_type="user", target_id=user.id
            )
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for("admin.index")))
        record_event(
            "auth.login_failed", details={"username": username[:64]}, actor_name=username[:64]
        )
        db.session.commit()
        throttle.record_failure(username, ip)
        flash(_("用户名或密码不正确。"), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.after_app_request
def _note_refused_page(response):
    """Count 403 and 404 answers to logged-in staff (summarised in the audit log)."""
    if response.status_code not in alarms.REFUSED_STATUSES:
        return response
    endpoint = request.endpoint or ""
    if endpoint == "static" or endpoint.endswith(".static"):
        return response
    if current_user.is_authenticated:
        alarms.note_refused_page(current_user._get_current_object(), response.status_code)
    return response


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End the session server-side, so the old cookie no longer works anywhere."""
    user = current_user._get_current_object()
    end_session(user.session_token)
    record_event("auth.logout", office_id=user.office_id, target_type="user", target_id=user.id)
    db.session.commit()
    logout_user()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """A person sets their own password; their sessions elsewhere end, this one stays.

    A wrong current password counts as a failed login for the account (so a borrowed
    session cannot be used to guess it), and the throttle applies here as at the login.
    """
    user = current_user._get_current_object()
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        ip = client_ip()
        wait = throttle.seconds_locked(user.username, ip)
        if wait:
            flash(
                _("登录失败次数过多，请 %(minutes)d 分钟后再试。", minutes=(wait + 59) // 60),
                "error",
            )
            return render_template("auth/password.html", form=form), 429
        if not verify_password(user.password_hash, form.current_password.data):
            throttle.record_failure(user.username, ip)
            flash(_("当前密码不正确，密码未修改。"), "error")
            return render_template("auth/password.html", form=form), 400
        user.password_hash = hash_password(form.new_password.data)
        end_user_sessions(user.id, keep_token=user.session_token)
        record_event(
            "auth.password_changed", office_id=user.office_id, target_type="user", target_id=user.id
        )
        db.session.commit()
        flash(_("密码已修改，您在其他设备上的登录已退出。"), "success")
        return redirect(url_for("admin.index"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/password.html", form=form), status
