"""Collective sessions: the session list (its roster made on creation), attendance taking and
the printable sign-in sheet."""

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import FloatField, SelectMultipleField, ValidationError
from wtforms.validators import StopValidation

from core.kit import (
    STALE_MESSAGE,
    Office,
    UserError,
    check_version,
    db,
    enum_choices,
    local_today,
    permissions,
    utc_now,
)
from plugins.training.admin.base import TrainingModelView
from plugins.training.errors import TrainingError
from plugins.training.models import (
    Attendance,
    AttendanceStatus,
    Group,
    LengthUnit,
    SessionKind,
    TrainingSession,
)
from plugins.training.services import MANAGER_ROLES, compute_session_days, generate_roster
from plugins.training.validation import check_attendance, check_session


def _groups_required(form, field):
    # A plain str message: Flask-Admin's form template skips lazy strings in field.errors.
    if not field.data:
        raise StopValidation(_("请至少选择一类应参加人员。"))


class GroupsField(SelectMultipleField):
    """The required groups of a session, stored as comma-separated Group values."""

    def process_data(self, value):
        if isinstance(value, str):
            value = [v for v in value.split(",") if v]
        super().process_data(value)

    def populate_obj(self, obj, name):
        setattr(obj, name, ",".join(self.data or []))


def _session_actions(view, context, model, name):
    take = url_for(".take_attendance", id=model.id)
    sheet = url_for(".sign_in_sheet", id=model.id)
    return Markup(
        f'<a href="{escape(take)}">{escape(_("考勤"))}</a> · '
        f'<a href="{escape(sheet)}">{escape(_("签到表"))}</a>'
    )


def _session_length(view, context, model, name):
    return _(
        "%(value)s %(unit)s（%(days)s 天）",
        value=format(model.length_value, "g"),
        unit=model.length_unit.label,
        days=format(model.days, ".2f"),
    )


def _session_groups(view, context, model, name):
    return _("、").join(g.label for g in model.group_list)


class SessionView(TrainingModelView):
    """Township collective training and village collective study; roster made on creation."""

    column_list = (
        "held_on",
        "kind",
        "topic",
        "office",
        "length_value",
        "organiser",
        "required_groups",
        "actions",
    )
    column_searchable_list = ("topic", "organiser")
    column_filters = (
        sqla_filters.FilterEqual(
            TrainingSession.kind, _l("类型"), options=lambda: enum_choices(SessionKind)
        ),
        "held_on",
        "office.name",
    )
    column_sortable_list = ("held_on", "kind", "topic", ("office", "office.name"))
    column_default_sort = ("held_on", True)
    column_labels = {
        "held_on": _l("日期"),
        "kind": _l("类型"),
        "topic": _l("主题"),
        "office": _l("举办单位"),
        "length_value": _l("时长"),
        "length_unit": _l("时长单位"),
        "organiser": _l("组织者"),
        "location": _l("地点"),
        "required_groups": _l("应参加人员"),
        "actions": _l("操作"),
        "days": _l("折合天数"),
        "office.name": _l("举办单位"),
    }
    column_formatters = {
        "length_value": _session_length,
        "required_groups": _session_groups,
        "actions": _session_actions,
    }
    column_details_list = (
        "held_on",
        "kind",
        "topic",
        "office",
        "length_value",
        "days",
        "organiser",
        "location",
        "required_groups",
    )
    column_export_list = (
        "held_on",
        "kind",
        "topic",
        "office",
        "length_value",
        "length_unit",
        "days",
        "organiser",
        "location",
        "required_groups",
    )
    form_columns = (
        "kind",
        "topic",
        "held_on",
        "length_value",
        "length_unit",
        "organiser",
        "location",
        "required_groups",
        "office",
    )
    form_choices = {"kind": enum_choices(SessionKind), "length_unit": enum_choices(LengthUnit)}
    # Flask-Admin 2.2.1 finds no converter for SQLAlchemy 2.1's Float (no longer a Numeric)
    # and silently drops the field; name the field class explicitly.
    form_overrides = {"required_groups": GroupsField, "length_value": FloatField}
    form_args = {
        "required_groups": {
            "choices": enum_choices(Group),
            "validators": [_groups_required],
            "description": _l("签到名单由举办单位及其下级单位中这些类别的在册人员生成。"),
        },
        "length_value": {
            "description": _l("按天或按课时填写，以 0.5 为单位；课时按本单位“每天课时数”折合天数。")
        },
    }

    def validate_row(self, form, model, is_created):
        office_id = model.office_id
        if office_id is None and not permissions.sees_all_offices(current_user):
            office_id = current_user.office_id
        office = db.session.get(Office, office_id) if office_id else None
        check_session(
            model.kind,
            office,
            model.length_value,
            model.length_unit,
            [g.value for g in model.group_list],
        )
        if model.held_on is None:
            raise TrainingError(_("请填写培训日期。"))
        model.topic = (model.topic or "").strip()
        if not model.topic:
            raise TrainingError(_("请填写主题。"))
        if not is_created and model.held_on > local_today():
            with db.session.no_autoflush:
                marked = db.session.scalar(
                    select(Attendance.id).where(
                        Attendance.session_id == model.id,
                        Attendance.status != AttendanceStatus.PENDING,
                    )
                )
            if marked:
                raise TrainingError(_("该培训已登记出勤，不能改到今天之后的日期。"))
        if office_id is not None:
            model.office_id = office_id
            model.days = compute_session_days(model)

    def on_model_delete(self, model):
        taken = any(a.status != AttendanceStatus.PENDING for a in model.attendance)
        if taken and current_user.role not in MANAGER_ROLES:
            raise ValidationError(_("该培训已登记出勤，只有管理员或领导可以删除。"))
        super().on_model_delete(model)

    def after_model_change(self, form, model, is_created):
        if is_created:
            added = generate_roster(model)
            db.session.commit()
            flash(_("已生成签到名单：%(n)d 人。", n=added), "success")
        super().after_model_change(form, model, is_created)

    # --- attendance taking and the sign-in sheet ------------------------------------------

    def _roster(self, session):
        return sorted(session.attendance, key=lambda a: (a.office_id, a.person.name, a.id))

    @expose("/take/", methods=["GET", "POST"])
    def take_attendance(self):
        """Mark each roster row present / excused (with reason) / absent, all or nothing."""
        session = self.get_one(request.args.get("id", ""))
        roster = self._roster(session)
        errors: list[str] = []
        if request.method == "POST":
            errors = self._save_attendance(session, roster)
            if not errors:
                return redirect(url_for(".take_attendance", id=session.id))
        return self.render(
            "training/admin/attendance.html",
            session=session,
            roster=roster,
            errors=errors,
            statuses=AttendanceStatus,
            form_values=request.form if errors else None,
            can_write=not permissions.is_read_only(current_user),
            future=session.held_on > local_today(),
        )

    def _save_attendance(self, session, roster) -> list[str]:
        today = local_today()
        errors, changes = [], []
        for row in roster:
            raw = request.form.get(f"status-{row.id}")
            if raw is None:
                continue
            try:
                status = AttendanceStatus(raw)
            except ValueError:
                errors.append(_("%(name)s：无效的出勤状态。", name=row.person.name))
                continue
            reason = (request.form.get(f"reason-{row.id}") or "").strip() or None
            try:
                check_version(row, request.form.get(f"version-{row.id}"))
                check_attendance(session.held_on, status, reason, today)
            except UserError as exc:
                errors.append(_("%(name)s：%(error)s", name=row.person.name, error=str(exc)))
                continue
            reason = reason if status == AttendanceStatus.EXCUSED else None
            if (status, reason) != (row.status, row.excuse_reason):
                changes.append((row, status, reason))
        if errors:
            db.session.rollback()
            return errors
        for row, status, reason in changes:
            row.status, row.excuse_reason = status, reason
            row.recorded_by_id, row.recorded_at = current_user.id, utc_now()
        try:
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            return [str(STALE_MESSAGE)]
        flash(_("已保存 %(n)d 人的出勤。", n=len(changes)), "success")
        return []

    @expose("/roster/", methods=["POST"])
    def refresh_roster(self):
        """Add required people missing from the roster (joined later, groups changed)."""
        session = self.get_one(request.args.get("id", ""))
        added = generate_roster(session)
        db.session.commit()
        flash(_("已补充 %(n)d 人到签到名单。", n=added), "success")
        return redirect(url_for(".take_attendance", id=session.id))

    @expose("/sheet/")
    def sign_in_sheet(self):
        """A printable sign-in sheet (签到表) with an empty signature column."""
        session = self.get_one(request.args.get("id", ""))
        return self.render(
            "training/admin/sign_in_sheet.html", session=session, roster=self._roster(session)
        )
