"""Staff screens of the job machinery: notifications, "my jobs", and failed jobs for admins."""

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, StringField
from wtforms.validators import Length, Optional, Regexp

from core.admin.base import ModuleView
from core.audit import record_event
from core.extensions import db
from core.jobs import failures
from core.jobs.models import JobRecord, JobStatus, Notification
from core.jobs.notifications import email_setting, mark_read
from core.jobs.user_jobs import may_access
from core.models import Role
from core.storage import get_storage

PAGE_SIZE = 50


class EmailSettingForm(FlaskForm):
    """Where to e-mail one's notifications."""

    email = StringField(
        _l("通知邮箱"),
        validators=[
            Optional(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("请输入有效的邮箱地址。")),
        ],
    )
    email_enabled = BooleanField(_l("同时用邮件通知我"))


class _PersonalView(ModuleView):
    """A screen about the signed-in person's own things, not in the menu.

    Every staff role may use it, auditors included: marking one's own notifications read or
    setting one's e-mail changes no records of the township.
    """

    def is_visible(self) -> bool:
        return False

    def _handle_view(self, name, **kwargs):
        return BaseView._handle_view(self, name, **kwargs)


class NotificationsView(_PersonalView):
    """The person's notifications, newest first, with "mark read" and the e-mail setting."""

    @expose("/")
    def index(self):
        page = max(request.args.get("page", 1, type=int), 1)
        rows = db.session.scalars(
            select(Notification)
            .where(Notification.user_id == current_user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        ).all()
        setting = email_setting(current_user.id)
        form = EmailSettingForm(obj=setting)
        return self.render(
            "admin/jobs/notifications.html",
            items=rows[:PAGE_SIZE],
            has_more=len(rows) > PAGE_SIZE,
            page=page,
            form=form,
        )

    @expose("/<int:notification_id>/read", methods=["POST"])
    def read(self, notification_id):
        item = db.session.get(Notification, notification_id)
        if item is None or item.user_id != current_user.id:
            abort(404)
        mark_read(current_user.id, notification_id)
        db.session.commit()
        if request.form.get("follow") == "1" and item.url:
            return redirect(item.url)
        return redirect(url_for(".index"))

    @expose("/read-all", methods=["POST"])
    def read_all(self):
        n = mark_read(current_user.id)
        db.session.commit()
        flash(_("已将 %(n)d 条通知标为已读。", n=n), "success")
        return redirect(url_for(".index"))

    @expose("/email", methods=["POST"])
    def email(self):
        form = EmailSettingForm()
        if not form.validate_on_submit():
            for errors in form.errors.values():
                for error in errors:
                    flash(error, "error")
            return redirect(url_for(".index"))
        if form.email_enabled.data and not form.email.data:
            flash(_("请先填写通知邮箱。"), "error")
            return redirect(url_for(".index"))
        setting = email_setting(current_user.id)
        setting.email = form.email.data or None
        setting.email_enabled = bool(form.email_enabled.data)
        db.session.add(setting)
        db.session.commit()
        flash(_("通知邮件设置已保存。"), "success")
        return redirect(url_for(".index"))


class MyJobsView(_PersonalView):
    """Long jobs the person started: status pages that refresh themselves, and downloads."""

    def _record(self, record_id: int) -> JobRecord:
        record = db.session.get(JobRecord, record_id)
        if record is None or not may_access(current_user, record):
            abort(404)
        return record

    @expose("/")
    def index(self):
        records = db.session.scalars(
            select(JobRecord)
            .where(JobRecord.user_id == current_user.id)
            .order_by(JobRecord.created_at.desc(), JobRecord.id.desc())
            .limit(PAGE_SIZE)
        ).all()
        return self.render("admin/jobs/my_jobs.html", records=records)

    @expose("/<int:record_id>")
    def status(self, record_id):
        record = self._record(record_id)
        return self.render(
            "admin/jobs/job_status.html",
            record=record,
            refresh_seconds=None if record.finished else 2,
        )

    @expose("/<int:record_id>/download")
    def download(self, record_id):
        record = self._record(record_id)
        path = (
            get_storage().path(record.result_key)
            if (record.status == JobStatus.DONE and record.result_key)
            else None
        )
        if path is None:
            abort(404)
        record_event(
            "job_result.download",
            target_type="job_record",
            target_id=record.id,
            details={"title": record.title, "owner_id": record.user_id},
        )
        db.session.commit()
        return send_file(
            path,
            as_attachment=True,
            download_name=record.result_name,
            mimetype=record.result_mime or None,
        )


class FailedJobsView(ModuleView):
    """Township admins: failed background jobs (rq and in-process), with retry and dismiss."""

    allowed_roles = frozenset({Role.TOWNSHIP_ADMIN})

    @expose("/")
    def index(self):
        from redis.exceptions import RedisError  # redis is imported only on this screen

        redis_error = None
        try:
            rq_items = failures.rq_failed_jobs()
        except RedisError as exc:
            rq_items, redis_error = [], str(exc)
        items = rq_items + failures.local_failed_jobs()
        return self.render("admin/jobs/failed.html", items=items, redis_error=redis_error)

    def _act(self, action):
        from redis.exceptions import RedisError

        ref = request.form.get("ref", "")
        try:
            outcome = action(ref)
        except LookupError:
            db.session.rollback()
            flash(_("该任务不存在或已处理。"), "error")
            return redirect(url_for(".index"))
        except RedisError as exc:
            db.session.rollback()
            flash(_("无法连接 Redis：%(error)s", error=str(exc)), "error")
            return redirect(url_for(".index"))
        record_event(
            "job." + action.__name__,
            target_type="job",
            target_id=ref[:64],
            details={"outcome": outcome} if outcome else None,
        )
        db.session.commit()
        messages = {
            "queued": (_("已重新排队，worker 将再次执行该任务。"), "success"),
            "done": (_("已重新执行该任务，这次成功了。"), "success"),
            "failed": (_("已重新执行该任务，但仍然失败，请查看错误信息。"), "error"),
            None: (_("已从失败列表中移除该任务。"), "success"),
        }
        flash(*messages[outcome])
        return redirect(url_for(".index"))

    @expose("/retry", methods=["POST"])
    def retry(self):
        return self._act(failures.retry)

    @expose("/dismiss", methods=["POST"])
    def dismiss(self):
        return self._act(failures.dismiss)


def job_views() -> list[BaseView]:
    """The job screens, for ``core.admin.setup``."""
    return [
        FailedJobsView(
            name=_l("后台任务"), category=_l("系统"), endpoint="jobs", url="/admin/jobs"
        ),
        NotificationsView(name=_l("通知"), endpoint="notifications", url="/admin/notifications"),
        MyJobsView(name=_l("我的任务"), endpoint="my_jobs", url="/admin/my-jobs"),
    ]
