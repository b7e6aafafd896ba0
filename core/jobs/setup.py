"""Wiring of background work into the application: ``flask worker``, ``flask jobs``, the
navbar's unread count and the e-mail schedule (kept out of ``core.jobs``, the jobs API)."""

from flask import Flask

from core.jobs.notifications import unread_count
from core.jobs.schedules import schedule

NOTIFICATION_EMAIL_EVERY_SECONDS = 60


def init_app(app: Flask) -> None:
    """Register ``flask worker``, ``flask jobs``, the navbar's unread-notification count and,
    when SMTP_HOST is set, the schedule that e-mails notifications."""
    from flask_login import current_user

    from core.jobs.cli import jobs_cli, worker_command

    app.cli.add_command(worker_command)
    app.cli.add_command(jobs_cli)
    if app.config.get("SMTP_HOST"):
        schedule(
            "core.notification_emails",
            "core.jobs.notifications:send_pending_emails",
            NOTIFICATION_EMAIL_EVERY_SECONDS,
        )

    def unread_notification_count() -> int:
        if not current_user or not current_user.is_authenticated:
            return 0
        return unread_count(current_user.id)

    @app.context_processor
    def _notification_count():
        return {"unread_notification_count": unread_notification_count}
