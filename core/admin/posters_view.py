"""公开栏海报: staff choose offices, a month and a paper size; the month's published items are
listed with a poster each, and a batch (one PDF per office, or one for all) is rendered by the
person's own background job with progress and a download."""

import io
import zipfile

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.validators import ValidationError

from core import posters
from core.admin.base import ModuleView
from core.extensions import db
from core.jobs.models import JobRecord
from core.jobs.user_jobs import report_progress, start_user_job, status_path, store_result
from core.models import Office, OfficeKind, User
from core.scoping import scoped_offices
from core.time import local_today


def _month_valid(form, field):
    if posters.parse_month(field.data) is None:
        raise ValidationError(_("请按“年-月”填写月份，例如 2026-12。"))


class PosterBatchForm(FlaskForm):
    """Offices (or every village in scope), a month, a paper size, and one file or one per
    office."""

    offices = SelectMultipleField(coerce=int, validate_choice=False)
    villages = BooleanField()
    month = StringField(validators=[_month_valid])
    size = SelectField(choices=[(s, s) for s in posters.SIZES], default="A4")
    combined = BooleanField()


def _chosen_offices(choices: list[Office], ids, villages: bool) -> list[Office]:
    """The offices in ``choices`` that were picked, plus every village when asked."""
    wanted = set(ids)
    return [o for o in choices if o.id in wanted or (villages and o.kind == OfficeKind.VILLAGE)]


def _int_list(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit() and len(str(v)) < 10]


class PostersView(ModuleView):
    """公开栏海报: the month's published items of the chosen offices, a poster of each, and
    batches rendered in the background."""

    def _choices(self) -> list[Office]:
        return scoped_offices(current_user)

    def _query(self):
        """Offices, month and size from the query string (defaults: this month, A4)."""
        choices = self._choices()
        villages = request.args.get("villages") == "1"
        offices = _chosen_offices(choices, _int_list(request.args.getlist("office")), villages)
        month = posters.parse_month(request.args.get("month")) or local_today().replace(day=1)
        size = request.args.get("size") if request.args.get("size") in posters.SIZES else "A4"
        return choices, offices, villages, month, size

    @expose("/")
    def index(self):
        """The choice of offices, month and size; the month's items with a poster link each."""
        choices, offices, villages, month, size = self._query()
        items = posters.collect_items([o.id for o in offices], month) if offices else []
        form = PosterBatchForm(
            formdata=None,
            offices=[o.id for o in offices],
            villages=villages,
            month=f"{month:%Y-%m}",
            size=size,
        )
        form.offices.choices = [(o.id, o.name) for o in choices]
        return self.render(
            "admin/posters/index.html",
            form=form,
            choices=choices,
            chosen={o.id for o in offices},
            villages=villages,
            month=f"{month:%Y-%m}",
            size=size,
            items=items,
            asked=bool(offices),
        )

    @expose("/item.pdf")
    def item(self):
        """One item's poster, downloaded directly."""
        from flask import Response

        _choices, offices, _villages, month, size = self._query()
        key = request.args.get("key", "")[:200]
        found = [
            i for i in posters.collect_items([o.id for o in offices], month) if i.full_key == key
        ]
        if not offices or not found:
            abort(404)
        body = posters.posters_pdf(found, size)
        return Response(
            body,
            mimetype="application/pdf",
            headers={"Content-Disposition": f'inline; filename="poster-{size}.pdf"'},
        )

    @expose("/batch", methods=["POST"])
    def batch(self):
        """Start the batch as the person's background job and show its progress page."""
        choices = self._choices()
        form = PosterBatchForm()
        form.offices.choices = [(o.id, o.name) for o in choices]
        offices = _chosen_offices(choices, form.offices.data or [], form.villages.data)
        if not form.validate() or not offices:
            for errors in form.errors.values():
                for message in errors:
                    flash(message, "error")
            if not offices:
                flash(_("请至少选择一个单位。"), "error")
            return redirect(url_for(".index"))
        month = posters.parse_month(form.month.data)
        title = _(
            "公开栏海报 %(month)s（%(n)s 个单位，%(size)s）",
            month=f"{month:%Y-%m}",
            n=len(offices),
            size=form.size.data,
        )
        record = start_user_job(
            current_user.id,
            title,
            "core.admin.posters_view:run_poster_batch",
            [o.id for o in offices],
            f"{month:%Y-%m}",
            form.size.data,
            bool(form.combined.data),
            str(get_locale()),
        )
        return redirect(status_path(record.id))


def _batch_file(items, offices, month: str, size: str, combined: bool, progress):
    """(bytes, filename, mimetype): one PDF, or a ZIP with one PDF per office."""
    if combined:
        body = posters.posters_pdf(items, size, _("公开栏海报 %(month)s", month=month), progress)
        return body, f"posters-{month}-{size}.pdf", "application/pdf"
    done = [0]

    def step(_n, _total):
        done[0] += 1
        progress(done[0], len(items))

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for office in offices:
            own = [i for i in items if i.office_id == office.id]
            if own:
                pdf = posters.posters_pdf(own, size, office.name, step)
                archive.writestr(f"{office.code}-{month}-{size}.pdf", pdf)
    return buffer.getvalue(), f"posters-{month}-{size}.zip", "application/zip"


def run_poster_batch(
    record_id: int, office_ids: list, month: str, size: str, combined: bool, locale=None
) -> None:
    """Job: the month's posters of the offices (those still in the person's scope), as one
    PDF or one PDF per office in a ZIP, with progress per page."""
    from flask import current_app

    record = db.session.get(JobRecord, record_id)
    user = db.session.get(User, record.user_id) if record else None
    if user is None or not user.active:
        raise PermissionError(_("任务已失效：账号不存在或已停用。"))
    first = posters.parse_month(month)
    if first is None or size not in posters.SIZES:
        raise ValueError(f"bad poster batch arguments: {month!r} {size!r}")
    locale = locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with current_app.test_request_context("/"), force_locale(locale):
        allowed = {o.id: o for o in scoped_offices(user)}
        offices = [allowed[i] for i in office_ids if i in allowed]
        items = posters.collect_items([o.id for o in offices], first)
        report_progress(record_id, 0, len(items))

        def progress(done, total):
            report_progress(record_id, done, total)

        body, name, mimetype = _batch_file(items, offices, month, size, combined, progress)
    store_result(record_id, body, name, mimetype)
