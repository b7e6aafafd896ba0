"""The list of hearings: create a hearing and edit its facts (the desk runs the rest)."""

from datetime import datetime

from flask import flash, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import inspect
from wtforms import SelectField, ValidationError

from core.kit import (
    OfficeScopedModelView,
    ScopedChoices,
    User,
    db,
    format_local_datetime,
    from_local_input,
    local_naive,
)
from plugins.hearings import registration, services
from plugins.hearings.models import (
    HELD_STATUSES,
    AttendeeStatus,
    Hearing,
    HearingKind,
    HearingStatus,
)

TIME_FIELDS = ("starts_at", "ends_at", "registration_closes_at")
SCHEDULE_FIELDS = (*TIME_FIELDS, "venue", "decision_date", "decision_ref")


def local_time(view, context, model, name):
    """List column: a stored time as date, weekday and time in Beijing time."""
    return format_local_datetime(getattr(model, name))


def _desk_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(
        url_for("hearings_desk.hearing", hearing_id=model.id), model.title
    )


def hearing_link(view, context, model, name):
    """List column: the row's hearing, linked to its desk page."""
    return Markup('<a href="{}">{}</a>').format(
        url_for("hearings_desk.hearing", hearing_id=model.hearing_id), model.hearing.title
    )


def _changed(model, attr) -> bool:
    history = inspect(model).attrs[attr].history
    if not history.deleted:
        return False
    old, new = history.deleted[0], (history.added or [None])[0]
    if isinstance(old, datetime) and isinstance(new, datetime):
        # The form shows whole seconds: a stored fraction of a second is no change.
        return old.replace(microsecond=0) != new.replace(microsecond=0)
    return old != new


def _check_change(model: Hearing) -> None:
    """Refuse an edit the hearing's status does not allow (ValidationError, nothing saved)."""
    if model.status == HearingStatus.CANCELLED:
        raise ValidationError(_("已取消的听证会不能再修改。"))
    if model.status == HearingStatus.ANNOUNCED and any(
        _changed(model, f) for f in ("starts_at", "ends_at")
    ):
        raise ValidationError(
            _("已公告的听证会改期请在工作台使用“延期”，再以新时间重新公告，以便通知已报名的群众。")
        )
    if model.status in HELD_STATUSES and any(_changed(model, f) for f in SCHEDULE_FIELDS):
        raise ValidationError(_("听证会已经举行，时间、地点和召开依据不能再修改。"))
    confirmed = registration.count_status(model.id, AttendeeStatus.CONFIRMED)
    if model.capacity is not None and model.capacity < confirmed:
        raise ValidationError(_("已有 %(n)d 人确认参加，容纳人数不能少于此数。", n=confirmed))


class HearingView(OfficeScopedModelView):
    """Hearings of the offices in scope: create, edit the facts; the desk runs the rest."""

    column_list = ("title", "office", "kind", "status", "starts_at", "venue", "capacity")
    column_labels = {
        "title": _l("标题"),
        "office": _l("单位"),
        "kind": _l("类型"),
        "status": _l("状态"),
        "starts_at": _l("开始时间"),
        "ends_at": _l("结束时间"),
        "venue": _l("地点"),
        "capacity": _l("容纳人数"),
        "issue": _l("议题"),
        "decision_date": _l("党委会决定日期"),
        "decision_ref": _l("党委会决定文号"),
        "registration_closes_at": _l("报名截止时间"),
        "waitlist_size": _l("候补名额"),
        "organiser": _l("组织人"),
    }
    column_filters = ("status", "kind", "starts_at")
    column_searchable_list = ("title", "venue")
    column_default_sort = ("starts_at", True)
    column_formatters = {
        "title": _desk_link,
        "starts_at": local_time,
        "ends_at": local_time,
        "registration_closes_at": local_time,
    }
    column_formatters_export = {
        "starts_at": local_time,
        "ends_at": local_time,
    }
    column_export_list = (
        "title",
        "office",
        "kind",
        "status",
        "starts_at",
        "ends_at",
        "venue",
        "capacity",
        "decision_date",
        "decision_ref",
    )
    column_details_exclude_list = ("minutes_draft", "registration_seq", "version")
    form_columns = (
        "office",
        "kind",
        "title",
        "issue",
        "decision_date",
        "decision_ref",
        "venue",
        "starts_at",
        "ends_at",
        "registration_closes_at",
        "capacity",
        "waitlist_size",
        "organiser",
    )
    form_overrides = {"kind": SelectField}
    form_args = {
        "kind": {"label": _l("类型"), "choices": HearingKind.choices, "coerce": str},
        "starts_at": {"description": _l("北京时间")},
        "ends_at": {"description": _l("北京时间")},
        "registration_closes_at": {"description": _l("北京时间；不填则报名到开始时截止")},
        "decision_ref": {"description": _l("如：镇党委会议纪要〔2026〕5号")},
    }
    create_template = "admin/model/create.html"
    scoped_choices = {
        "organiser": ScopedChoices(User, where=(User.active,), order_by=(User.display_name,))
    }

    def on_form_prefill(self, form, id):
        """Show stored UTC times in local time."""
        model = self.get_one(id)
        for name in TIME_FIELDS:
            getattr(form, name).data = local_naive(getattr(model, name))

    def on_model_change(self, form, model, is_created):
        """Times typed in local time; schedule changes only where the lifecycle allows."""
        for name in TIME_FIELDS:
            value = getattr(model, name)
            if value is not None and value.tzinfo is None:
                setattr(model, name, from_local_input(value))
        if is_created:
            model.status = HearingStatus.DRAFT
            if model.organiser is None:
                model.organiser_id = current_user.id
        else:
            _check_change(model)
        if model.capacity is None or model.capacity < 1:
            raise ValidationError(_("容纳人数至少为 1。"))
        if model.waitlist_size is None or model.waitlist_size < 0:
            raise ValidationError(_("候补名额不能为负数。"))
        if model.starts_at and model.ends_at and model.ends_at <= model.starts_at:
            raise ValidationError(_("结束时间必须晚于开始时间。"))
        super().on_model_change(form, model, is_created)

    def after_model_change(self, form, model, is_created):
        """A larger hall gives places to the waiting list."""
        if not is_created and model.status in (HearingStatus.ANNOUNCED, HearingStatus.POSTPONED):
            hearing = registration.lock_hearing(model.id)
            promoted = registration.promote_waiting(hearing)
            db.session.commit()
            if promoted:
                services.after_commit({"hearing_id": model.id, "deliver": True})
                flash(_("已有 %(n)d 位候补人员转为正式参加。", n=len(promoted)), "success")

    def on_model_delete(self, model):
        if model.status != HearingStatus.DRAFT:
            raise ValidationError(_("只能删除草稿；已公告的听证会请使用“取消”并说明原因。"))
