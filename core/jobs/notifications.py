"""In-app notifications per staff member, e-mailed too when SMTP is configured.

E-mail never goes out during a request: ``notify`` marks the notification "pending" and the
schedule ``core.notification_emails`` (run by the worker, or by ``flask jobs run-due`` without
Redis) sends what is pending. A notification is e-mailed at most once: it is marked "sending"
before the SMTP call, so a job killed mid-send does not send it again on retry.
"""

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from core.extensions import db
from core.jobs.idempotency import insert_ignore
from core.jobs.models import Notification, NotificationSetting
from core.models import User
from core.models.base import utcnow
from core.rows import count_rows

log = logging.getLogger(__name__)

EMAIL_BATCH = 100
EMAIL_MAX_ATTEMPTS = 3


def _fit(text: str | None, size: int) -> str | None:
    if text is None or len(text) <= size:
        return text
    return text[: size - 1] + "…"


def _wants_email(user_id: int) -> bool:
    if not current_app.config.get("SMTP_HOST"):
        return False
    setting = db.session.get(NotificationSetting, user_id)
    return bool(setting and setting.email_enabled and setting.email)


def notify(
    user_id: int, title: str, body: str = "", url: str | None = None, dedupe_key: str | None = None
) -> Notification:
    """Add a notification to ``user_id``'s list (and e-mail it when SMTP is configured and
    the person gave an address). The caller commits.

    With ``dedupe_key`` the call is idempotent: a second call with the same key for the same
    person adds nothing and returns the first notification, so a retried job never notifies
    twice. ``url`` is a path inside the site (e.g. the case's detail screen).
    """
    if not title or not title.strip():
        raise ValueError("notify: a notification needs a title")
    if url is not None and (not url.startswith("/") or url.startswith("//") or "\\" in url):
        raise ValueError("notify: url must be a path on this site, starting with '/'")
    values = {
        "user_id": user_id,
        "title": _fit(title.strip(), 200),
        "body": body or "",
        "url": _fit(url, 500),
        "dedupe_key": _fit(dedupe_key, 200),
        "email_state": "pending" if _wants_email(user_id) else None,
        "created_at": utcnow(),
    }
    if dedupe_key is None:
        item = Notification(**values)
        db.session.add(item)
        db.session.flush()
        return item
    insert_ignore(Notification, values, ["user_id", "dedupe_key"])
    return db.session.scalar(
        select(Notification).where(
            Notification.user_id == user_id, Notification.dedupe_key == values["dedupe_key"]
        )
    )


def unread_count(user_id: int) -> int:
    """How many of the person's notifications are unread (the navbar bell)."""
    return count_rows(Notification, Notification.user_id == user_id, Notification.read_at.is_(None))


def mark_read(user_id: int, notification_id: int | None = None) -> int:
    """Mark one notification (or, with None, all) of ``user_id`` read; returns how many.

    Only the person's own notifications are touched. The caller commits.
    """
    stmt = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    return db.session.execute(stmt.values(read_at=utcnow())).rowcount


def _message(item: Notification, address: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = item.title
    msg["From"] = (
        current_app.config.get("MAIL_FROM") or f"township@{current_app.config['SMTP_HOST']}"
    )
    msg["To"] = address
    msg["Message-ID"] = make_msgid()
    lines = [item.body] if item.body else []
    if item.url:
        base = (current_app.config.get("BASE_URL") or "").rstrip("/")
        lines.append(_("查看：%(url)s", url=base + item.url))
    lines.append(_("——本邮件由系统自动发送，请勿回复。"))
    msg.set_content("\n\n".join(lines))
    return msg


def _smtp():
    config = current_app.config
    host, port = config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25)
    timeout = float(config.get("SMTP_TIMEOUT", 10))
    if port == 465:
        client = smtplib.SMTP_SSL(host, port, timeout=timeout)
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
        if config.get("SMTP_STARTTLS"):
            client.starttls()
    if config.get("SMTP_USERNAME"):
        client.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
    return client


def send_pending_emails() -> int:
    """Job: e-mail the pending notifications (a batch); returns how many were sent.

    Each one is claimed ("pending" → "sending") and committed before its SMTP call, so two
    workers never send the same one; an SMTP error puts it back to "pending" until
    ``EMAIL_MAX_ATTEMPTS``, then "failed".
    """
    if not current_app.config.get("SMTP_HOST"):
        return 0
    rows = db.session.execute(
        select(Notification.id, NotificationSetting.email)
        .join(NotificationSetting, NotificationSetting.user_id == Notification.user_id)
        .join(User, User.id == Notification.user_id)
        .where(Notification.email_state == "pending", User.active.is_(True))
        .order_by(Notification.id)
        .limit(EMAIL_BATCH)
    ).all()
    db.session.commit()
    sent = 0
    client = None
    try:
        for notification_id, address in rows:
            claimed = (
                db.session.execute(
                    update(Notification)
                    .where(
                        Notification.id == notification_id, Notification.email_state == "pending"
                    )
                    .values(email_state="sending")
                ).rowcount
                == 1
            )
            db.session.commit()
            if not claimed or not address:
                continue
            item = db.session.get(Notification, notification_id)
            try:
                if client is None:
                    client = _smtp()
                client.send_message(_message(item, address))
            except (smtplib.SMTPException, OSError) as exc:
                log.warning("e-mail of notification %s failed: %s", notification_id, exc)
                item.email_attempts += 1
                item.email_error = str(exc)[:300]
                item.email_state = (
                    "failed" if item.email_attempts >= EMAIL_MAX_ATTEMPTS else "pending"
                )
                client = None
            else:
                item.email_state = "sent"
                item.email_error = None
                sent += 1
            db.session.commit()
    finally:
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                log.warning("closing the SMTP connection failed", exc_info=True)
    return sent


def email_setting(user_id: int) -> NotificationSetting:
    """The person's e-mail setting (a new, unsaved one when they never set it)."""
    return db.session.get(NotificationSetting, user_id) or NotificationSetting(
        user_id=user_id, email=None, email_enabled=False
    )
