"""Exports too large for one request: the whole filtered list, built by the person's own job.

A list export that would pass EXPORT_MAX_ROWS is handed to ``start_user_job`` instead of being
cut short: the person follows its progress on the job's status page and downloads the file
when it is done. The job rebuilds the same list (filters, search and sort from the original
request's query string) as that person, so office scoping and personal-data rules are the
ones the screen applies, and the export is recorded in the audit log like any other. It is
built in the person's language (column labels), which a worker has no session to tell.
"""

from flask import current_app, g, request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from core.audit import record_event
from core.exports import export_bytes
from core.extensions import db
from core.jobs.models import JobRecord
from core.jobs.user_jobs import report_progress, start_user_job, store_result
from core.models import User

PROGRESS_EVERY = 1000  # rows between progress reports


def start_background_export(view, export_type: str) -> JobRecord:
    """Start the full export of ``view``'s current list for the signed-in person."""
    args = {key: request.args.getlist(key) for key in request.args}
    title = _("导出“%(name)s”（%(format)s）", name=view.name, format=export_type.upper())
    return start_user_job(
        current_user.id,
        title,
        "core.admin.export_jobs:run_export",
        view.endpoint,
        export_type,
        args,
        str(get_locale()),
    )


def export_rows(view, limit: int) -> list:
    """The rows of ``view``'s list as the current request's query string filters and sorts
    them, up to ``limit`` (Flask-Admin's own export query, without its row cap)."""
    view_args = view._get_list_extra_args()
    sort = view._get_column_by_idx(view_args.sort)
    _count, rows = view.get_list(
        0,
        sort[0] if sort else None,
        view_args.sort_desc,
        view_args.search,
        view_args.filters,
        page_size=limit,
    )
    return rows


def _find_view(endpoint: str):
    admin = current_app.extensions["township_admin"]
    return next((v for v in admin._views if getattr(v, "endpoint", None) == endpoint), None)


def run_export(
    record_id: int, endpoint: str, export_type: str, args: dict, locale: str | None = None
) -> None:
    """Job: build the export file as the person who asked, in the language they used when
    asking (``locale``; the default language for jobs queued without it), and store it."""
    record = db.session.get(JobRecord, record_id)
    user = db.session.get(User, record.user_id) if record else None
    view = _find_view(endpoint)
    if record is None or user is None or not user.active or view is None:
        raise PermissionError(_("导出已失效：账号或页面不存在。"))
    limit = int(current_app.config["BACKGROUND_EXPORT_MAX_ROWS"])
    # The list's path from the view itself: a worker has no request to build a URL from.
    list_path = view.url.rstrip("/") + "/"
    locale = locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with current_app.test_request_context(list_path, query_string=args), force_locale(locale):
        g._login_user = user  # Flask-Login's current_user for this job's request context
        if not view.is_accessible() or not view.can_export:
            raise PermissionError(_("您已无权导出该列表。"))
        rows = export_rows(view, limit)
        columns = view.export_columns()
        total = len(rows)

        def values():
            for done, row in enumerate(rows, start=1):
                if done % PROGRESS_EVERY == 0 or done == total:
                    report_progress(record_id, done, total)
                yield [view.get_export_value(row, column) for column, _label in columns]

        body, extension, mimetype = export_bytes(
            export_type, [str(label) for _c, label in columns], values()
        )
        record_event(
            "export",
            target_type=view.model.__tablename__,
            details={
                "view": view.endpoint,
                "format": export_type,
                "rows": total,
                "filters": args,
                "background": True,
                "columns": [c for c, _label in columns],
            },
            actor_name=user.username,
        )
        db.session.commit()
    store_result(record_id, body, f"{view.endpoint}.{extension}", mimetype)
