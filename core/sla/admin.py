"""The "节假日/调休" admin screen: township admins enter holidays and make-up workdays.

Everyone on the staff may read it; only township admins create, edit, delete and bulk-enter.
A day the official package already covers may be overridden only with a written note.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.validators import Unique
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import BooleanField, StringField, TextAreaField, ValidationError
from wtforms.validators import Length, Optional

from core.admin.base import SecureViewMixin, TownshipAdminEdits
from core.audit import record_event
from core.extensions import db
from core.sla.bulk import EnteredDay, decode_upload, parse_lines
from core.sla.calendar import calendar_status, official_day
from core.sla.models import CalendarDay, DayKind
from core.sla.text import _, official_holiday_name, weekday_name

MAX_UPLOAD_BYTES = 200 * 1024


def describe_official(day) -> str:
    """What the official package says about ``day``, for the admin ("休息日 · 国庆节")."""
    official = official_day(day)
    if official is None:
        return _("官方未公布")
    working, value = official
    kind = _("工作日") if working else _("休息日")
    return f"{kind} · {official_holiday_name(value)}" if value else kind


def _day_formatter(view, context, model, name):
    return f"{model.day.isoformat()}（{weekday_name(model.day.weekday())}）"


def _kind_formatter(view, context, model, name):
    try:
        return DayKind(model.kind).label
    except ValueError:
        return model.kind


def _official_formatter(view, context, model, name):
    return describe_official(model.day)


def _duplicate_message(day, existing: CalendarDay) -> str:
    return _(
        "%(day)s 已录入（%(name)s），请编辑原记录，不要重复录入。",
        day=day.isoformat(),
        name=existing.name,
    )


class DayNotTaken:
    """Form validator: the day has no other CalendarDay row (the edited row aside)."""

    field_flags = {"unique": True}

    def __call__(self, form, field):
        if field.data is None:
            return
        with db.session.no_autoflush:
            existing = db.session.scalars(
                select(CalendarDay).where(CalendarDay.day == field.data)
            ).first()
        edited = getattr(form, "_obj", None)
        if existing is not None and (edited is None or existing.id != edited.id):
            raise ValidationError(_duplicate_message(field.data, existing))


class BulkCalendarForm(FlaskForm):
    """Pasted lines and/or an uploaded CSV, a note for overridden official days, replace flag."""

    lines = TextAreaField(
        _l("逐行录入"),
        validators=[Optional()],
        description=_l("每行：日期或日期区间、名称、休/班，例如“2027-02-06~2027-02-12 春节 休”。"),
    )
    upload = FileField(
        _l("或上传 CSV 文件"),
        validators=[FileAllowed(["csv", "txt"], _l("只能上传 CSV 或 TXT 文件。"))],
    )
    note = StringField(
        _l("说明"),
        validators=[Optional(), Length(max=255)],
        description=_l("覆盖国务院已公布安排的日期时必填：写明依据（如文件号）。"),
    )
    replace = BooleanField(_l("覆盖已录入的日期"))


class CalendarDayView(TownshipAdminEdits, SecureViewMixin, ModelView):
    """Admin-entered holidays and make-up workdays (``CalendarDay``)."""

    list_template = "admin/sla/calendar_list.html"
    can_view_details = True
    can_export = False
    page_size = 100
    column_list = ("day", "kind", "name", "official", "note", "updated_at")
    column_details_list = ("day", "kind", "name", "official", "note", "created_at", "updated_at")
    column_default_sort = ("day", True)
    column_sortable_list = ("day", "kind", "name", "updated_at")
    column_searchable_list = ("name",)
    column_filters = ("day", "kind")
    column_labels = {
        "day": _l("日期"),
        "kind": _l("类型"),
        "name": _l("名称"),
        "official": _l("官方安排"),
        "note": _l("说明（覆盖依据）"),
        "created_at": _l("录入时间"),
        "updated_at": _l("修改时间"),
    }
    column_formatters = {
        "day": _day_formatter,
        "kind": _kind_formatter,
        "official": _official_formatter,
    }
    column_formatters_detail = column_formatters
    form_columns = ("day", "kind", "name", "note")
    form_choices = {"kind": DayKind.choices()}
    form_args = {
        "name": {
            "label": _l("名称"),
            "validators": [Length(max=64)],
            "description": _l("例如“元旦”“春节”“春节调休上班”。"),
        },
        "note": {
            "label": _l("说明（覆盖依据）"),
            "validators": [Length(max=255)],
            "description": _l("覆盖国务院已公布的安排时必填。"),
        },
        "day": {"label": _l("日期")},
        "kind": {"label": _l("类型")},
    }

    # --- validation ---------------------------------------------------------------------

    def scaffold_form(self):
        """The generated form, with Flask-Admin's generic "already exists" check on ``day``
        replaced by one that names the existing entry."""
        form_class = super().scaffold_form()
        validators = form_class.day.kwargs.setdefault("validators", [])
        validators[:] = [v for v in validators if not isinstance(v, Unique)] + [DayNotTaken()]
        return form_class

    def on_model_change(self, form, model, is_created):
        """Refuse duplicates, unknown kinds, empty names, and silent overrides of official days."""
        model.name = (model.name or "").strip()
        model.note = (model.note or "").strip() or None
        if not model.name:
            raise ValidationError(_("请填写名称，例如“元旦”或“春节调休上班”。"))
        if model.kind not in (DayKind.HOLIDAY.value, DayKind.WORKDAY.value):
            raise ValidationError(_("类型只能是休息日或工作日。"))
        with db.session.no_autoflush:
            query = select(CalendarDay).where(CalendarDay.day == model.day)
            if model.id is not None:
                query = query.where(CalendarDay.id != model.id)
            existing = db.session.scalars(query).first()
        if existing is not None:
            raise ValidationError(_duplicate_message(model.day, existing))
        if official_day(model.day) is not None and not model.note:
            raise ValidationError(
                _(
                    "%(day)s 在国务院公布的安排内（%(official)s）。如确需覆盖，请在“说明”中写明依据。",
                    day=model.day.isoformat(),
                    official=describe_official(model.day),
                )
            )

    def handle_view_exception(self, exc):
        if isinstance(exc, IntegrityError):
            flash(_("该日期已录入，请编辑原记录，不要重复录入。"), "error")
            return True
        return super().handle_view_exception(exc)

    # --- pages ---------------------------------------------------------------------------

    def render(self, template, **kwargs):
        if template == self.list_template:
            kwargs["calendar_status"] = calendar_status()
            kwargs["may_edit"] = self._is_township_admin()
        return super().render(template, **kwargs)

    @expose("/bulk/", methods=("GET", "POST"))
    def bulk_view(self):
        """Enter many days at once; all lines are checked first and nothing is saved on error."""
        form = BulkCalendarForm()
        errors: list[str] = []
        if request.method == "POST":
            if form.validate_on_submit():
                days, errors = self._read_bulk(form)
                if not errors:
                    errors = self._check_bulk(days, form.note.data, form.replace.data)
                if not errors:
                    saved = self._save_bulk(days, (form.note.data or "").strip() or None)
                    flash(_("已录入 %(n)d 天。", n=saved), "success")
                    return redirect(url_for(".index_view"))
            else:
                errors = [str(message) for messages in form.errors.values() for message in messages]
        return self.render(
            "admin/sla/calendar_bulk.html",
            form=form,
            errors=errors,
            calendar_status=calendar_status(),
        )

    def _read_bulk(self, form) -> tuple[list[EnteredDay], list[str]]:
        text = form.lines.data or ""
        upload = form.upload.data
        if upload is not None and getattr(upload, "filename", ""):
            data = upload.read(MAX_UPLOAD_BYTES + 1)
            if len(data) > MAX_UPLOAD_BYTES:
                return [], [_("文件过大（最多 200 KB）。")]
            try:
                text = text + "\n" + decode_upload(data)
            except ValueError as exc:
                return [], [str(exc)]
        return parse_lines(text)

    def _check_bulk(self, days: list[EnteredDay], note: str | None, replace: bool) -> list[str]:
        errors = []
        wanted = [d.day for d in days]
        existing = {
            row.day: row
            for row in db.session.scalars(select(CalendarDay).where(CalendarDay.day.in_(wanted)))
        }
        if existing and not replace:
            listed = "、".join(
                f"{d.isoformat()}（{row.name}）" for d, row in sorted(existing.items())
            )
            errors.append(
                _("以下日期已录入：%(days)s。如需替换，请勾选“覆盖已录入的日期”。", days=listed)
            )
        official = [d for d in wanted if official_day(d) is not None]
        if official and not (note or "").strip():
            listed = "、".join(d.isoformat() for d in official[:10])
            if len(official) > 10:
                listed += _(" 等 %(n)d 天", n=len(official))
            errors.append(
                _(
                    "以下日期在国务院公布的安排内：%(days)s。如确需覆盖，请在“说明”中写明依据。",
                    days=listed,
                )
            )
        return errors

    def _save_bulk(self, days: list[EnteredDay], note: str | None) -> int:
        existing = {
            row.day: row
            for row in db.session.scalars(
                select(CalendarDay).where(CalendarDay.day.in_([d.day for d in days]))
            )
        }
        for entered in days:
            row = existing.get(entered.day)
            if row is None:
                row = CalendarDay(day=entered.day)
                db.session.add(row)
            row.kind = entered.kind.value
            row.name = entered.name
            row.note = note
        years = sorted({d.day.year for d in days})
        record_event(
            "calendar.bulk_entry",
            target_type="calendar_day",
            details={"days": len(days), "years": years, "replaced": len(existing)},
        )
        db.session.commit()
        return len(days)
