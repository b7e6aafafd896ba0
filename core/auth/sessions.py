"""Server-side login sessions: a random token in the signed cookie, its hash in the database.

Logging out revokes the row, so a cookie replayed after logout is refused; a session unused for
SESSION_IDLE_MINUTES expires. Nothing lives in process memory, so several app processes agree.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import select, update

from core.extensions import db, login_manager
from core.models import User, UserSession, utcnow

# Touch last_seen_at at most this often, to avoid a write on every request.
_TOUCH_EVERY = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> str:
    """Create a session row for ``user`` and return the token for Flask-Login."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            token_hash=_hash(token),
            user_id=user.id,
            ip_address=request.remote_addr,
            user_agent=(request.user_agent.string or "")[:200],
        )
    )
    user.session_token = token
    return token


def end_session(token: str | None) -> None:
    """Revoke the session row of ``token`` (logout). The caller commits."""
    if not token:
        return
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


def end_user_sessions(user_id: int, keep_token: str | None = None) -> None:
    """Revoke every live session of the user (after a password change), except the one of
    ``keep_token`` (the person's own current session when they changed it themself).

    Runs in the caller's transaction, so a save that fails later revokes nothing. The caller
    commits.
    """
    query = (
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if keep_token:
        query = query.where(UserSession.token_hash != _hash(keep_token))
    db.session.execute(query, execution_options={"synchronize_session": False})


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """Flask-Login's loader: the user of a live, non-idle session token, else None."""
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    idle = timedelta(minutes=int(current_app.config["SESSION_IDLE_MINUTES"]))
    if now - row.last_seen_at > idle:
        row.revoked_at = now
        db.session.commit()
        return None
    user = row.user
    if not user.active:
        return None
    if now - row.last_seen_at > _TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    user.session_token = token
    return user
