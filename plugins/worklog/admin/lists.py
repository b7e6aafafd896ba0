"""The worklog lists (Flask-Admin, office-scoped, CSV/XLSX export by the core): stages,
feedback reports, memo items, the roster of cadres and their logs. Every save goes through
the services' checks; a refusal is a Chinese message and nothing is saved."""

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from wtforms import SelectField, ValidationError

from core.kit import (
    OfficeKind,
    OfficeScopedModelView,
    ScopedChoices,
    User,
    colour_label,
    db,
    format_local,
    local_today,
)
from plugins.worklog.admin.base import PluginTemplatesMixin
from plugins.worklog.errors import WorklogError
from plugins.worklog.models import FeedbackReport, FeedbackStage, LogCadre, MemoItem, WorkLog
from plugins.worklog.services import feedback, logs, memo

ACTIVE_STAFF = ScopedChoices(User, where=(User.active.is_(True),), order_by=(User.display_name,))


def _refuse(check, *args):
    """Run a service check, turning its refusal into the form's validation message."""
    try:
        check(*args)
    except WorklogError as exc:
        raise ValidationError(str(exc)) from None


def _memo_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(
        url_for("worklog_desk.memo_item", memo_id=model.id), model.content[:60]
    )


def _memo_colour(view, context, model, name):
    state = memo.item_colour(model)
    return Markup('<span class="badge worklog-{}">{}</span>').format(state, colour_label(state))


def _memo_colour_export(view, context, model, name):
    return colour_label(memo.item_colour(model))


def _limit(view, context, model, name):
    return f"{model.limit_amount} {memo.UNITS.get(model.limit_unit, model.limit_unit)}"


def _kind(view, context, model, name):
    return str(memo.KINDS.get(model.kind, model.kind))


def _time(view, context, model, name):
    return format_local(getattr(model, name))


def _log_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(
        url_for("worklog_desk.log", log_id=model.id), model.day.isoformat()
    )


def _checked(view, context, model, name):
    if model.checked_at is None:
        return _("未审阅")
    who = model.checked_by.display_name if model.checked_by else ""
    return _("%(who)s 于 %(at)s 审阅", who=who, at=format_local(model.checked_at))


class StageView(OfficeScopedModelView):
    """信息反馈阶段: the activity office's stages, each with its minimum per village."""

    column_list = ("title", "office", "starts_on", "ends_on", "min_items", "remind_days")
    column_labels = {
        "title": _l("阶段"),
        "office": _l("活动办公室"),
        "starts_on": _l("开始日期"),
        "ends_on": _l("结束日期"),
        "min_items": _l("每村最少条数"),
        "remind_days": _l("提前提醒（工作日）"),
    }
    form_columns = ("office", "title", "starts_on", "ends_on", "min_items", "remind_days")
    office_kinds = tuple(k for k in OfficeKind if k not in feedback.VILLAGE_KINDS)
    form_args = {  # a new stage runs from today (Beijing) for a month unless changed
        "starts_on": {"default": local_today},
        "ends_on": {"default": lambda: local_today() + timedelta(days=30)},
        "min_items": {"default": 3},
        "remind_days": {"default": 3},
    }
    column_default_sort = ("ends_on", True)

    def on_model_change(self, form, model, is_created):
        """Set by the activity office (not a village); dates in order, a minimum and a
        reminder lead within bounds."""
        super().on_model_change(form, model, is_created)
        if feedback.is_village(self.office_id_of(model)):
            raise ValidationError(_("反馈阶段由活动办公室设定，村（社区）不能设定。"))
        _refuse(
            feedback.check_stage,
            model.title,
            model.starts_on,
            model.ends_on,
            model.min_items,
            model.remind_days,
        )


class ReportView(OfficeScopedModelView):
    """信息反馈: the villages' activity items, each with its author and time."""

    column_list = ("reported_at", "office", "stage", "title", "author")
    column_labels = {
        "reported_at": _l("反馈时间"),
        "office": _l("村（社区）"),
        "stage": _l("阶段"),
        "title": _l("活动事项"),
        "content": _l("内容"),
        "author": _l("填报人"),
    }
    form_columns = ("office", "stage", "title", "content")
    office_kinds = feedback.VILLAGE_KINDS
    form_args = {"stage": {"query_factory": lambda: _open_stages()}}
    column_formatters = {"reported_at": _time}
    column_formatters_export = {"reported_at": _time}
    column_filters = ("stage.title",)
    column_default_sort = ("reported_at", True)

    def on_model_change(self, form, model, is_created):
        """The author and time are the person and moment of filing; the stage must be open and
        the office a village."""
        super().on_model_change(form, model, is_created)
        _refuse(feedback.check_report, model.stage, self.office_id_of(model), model.title)
        if is_created:
            model.author_id = current_user.id


def _open_stages():
    """The stages open today: the only ones a village may report for."""
    today = local_today()
    return (
        db.session.query(FeedbackStage)
        .filter(FeedbackStage.starts_on <= today, FeedbackStage.ends_on >= today)
        .order_by(FeedbackStage.ends_on)
    )


class MemoView(PluginTemplatesMixin, OfficeScopedModelView):
    """工作备忘: items with their responsible person, limit and supervision colour."""

    column_list = (
        "content",
        "kind",
        "office",
        "responsible",
        "assigned_on",
        "limit_amount",
        "due_at",
        "colour",
        "done_on",
    )
    column_labels = {
        "content": _l("事项"),
        "kind": _l("类别"),
        "office": _l("单位"),
        "responsible": _l("责任人"),
        "assigned_on": _l("交办日期"),
        "limit_amount": _l("办理时限"),
        "limit_unit": _l("时限单位"),
        "due_at": _l("期满时间"),
        "colour": _l("督办"),
        "done_on": _l("办结日期"),
    }
    form_columns = (
        "office",
        "kind",
        "content",
        "responsible",
        "assigned_on",
        "limit_amount",
        "limit_unit",
        "done_on",
    )
    form_overrides = {"kind": SelectField, "limit_unit": SelectField}
    form_args = {
        "kind": {"choices": list(memo.KINDS.items()), "coerce": str},
        "limit_unit": {"choices": list(memo.UNITS.items()), "coerce": str},
        "limit_amount": {"default": 5},
    }
    scoped_choices = {"responsible": ACTIVE_STAFF}
    column_formatters = {
        "content": _memo_link,
        "colour": _memo_colour,
        "limit_amount": _limit,
        "kind": _kind,
        "due_at": _time,
    }
    column_formatters_export = {
        "content": lambda v, c, m, n: m.content,
        "colour": _memo_colour_export,
        "limit_amount": _limit,
        "kind": _kind,
        "due_at": _time,
    }
    list_template = "worklog/admin/memo_list.html"
    column_default_sort = ("due_at", False)

    def on_model_change(self, form, model, is_created):
        """Content and kind present, the due moment counted by the core's deadline engine."""
        super().on_model_change(form, model, is_created)
        _refuse(memo.check_item, model)


class CadreView(OfficeScopedModelView):
    """驻村干部: who keeps a daily work log for a village, from when."""

    column_list = ("user", "office", "starts_on", "ends_on")
    column_labels = {
        "user": _l("干部"),
        "office": _l("驻村（社区）"),
        "starts_on": _l("开始日期"),
        "ends_on": _l("结束日期"),
    }
    form_columns = ("office", "user", "starts_on", "ends_on")
    form_args = {"user": {"query_factory": lambda: _active_users()}}

    def on_model_change(self, form, model, is_created):
        """A person, a start, an end not before it; one roster row per person and office."""
        super().on_model_change(form, model, is_created)
        if model.user is None and model.user_id is None:
            raise ValidationError(_("请选择干部。"))
        if model.starts_on is None:
            raise ValidationError(_("请填写开始日期。"))
        if model.ends_on is not None and model.ends_on < model.starts_on:
            raise ValidationError(_("结束日期不能早于开始日期。"))
        user_id = model.user.id if model.user is not None else model.user_id
        query = select(LogCadre.id).where(
            LogCadre.office_id == self.office_id_of(model), LogCadre.user_id == user_id
        )
        if model.id is not None:
            query = query.where(LogCadre.id != model.id)
        with db.session.no_autoflush:
            if db.session.scalar(query) is not None:
                raise ValidationError(_("该干部已在本单位名单中。"))


def _active_users():
    return db.session.query(User).filter(User.active.is_(True)).order_by(User.display_name)


class LogView(OfficeScopedModelView):
    """工作日志: one log per cadre and day; the leader's check on the desk."""

    column_list = ("day", "user", "office", "place", "content", "case_ref", "checked_at")
    column_labels = {
        "day": _l("日期"),
        "user": _l("干部"),
        "office": _l("单位"),
        "place": _l("地点"),
        "content": _l("工作内容"),
        "case_ref": _l("涉及案件编号或户"),
        "checked_at": _l("领导审阅"),
        "check_note": _l("审阅意见"),
    }
    form_columns = ("office", "day", "place", "content", "case_ref")
    form_args = {
        "case_ref": {
            "description": _l(
                "只填案件受理编号或户（如“东桥村3组王家”），不填身份证号、电话等个人信息"
            )
        }
    }
    personal_data_columns = ("case_ref",)
    column_formatters = {"day": _log_link, "checked_at": _checked}
    column_formatters_export = {"checked_at": _checked}
    column_filters = ("day",)
    column_default_sort = ("day", True)

    def on_model_change(self, form, model, is_created):
        """The log is the signed-in cadre's own; a checked log no longer changes; one a day,
        never ahead of today."""
        super().on_model_change(form, model, is_created)
        if is_created:
            model.user_id = current_user.id
        elif model.user_id != current_user.id:
            raise ValidationError(_("只能修改本人的工作日志。"))
        elif model.checked_at is not None:
            raise ValidationError(_("已审阅的工作日志不能再修改。"))
        _refuse(logs.check_log, model)


def model_views() -> list:
    """The module's list screens, in menu order after the desk."""
    return [
        StageView(FeedbackStage, db, name=_l("信息反馈阶段"), endpoint="worklog_stages"),
        ReportView(FeedbackReport, db, name=_l("信息反馈"), endpoint="worklog_reports"),
        MemoView(MemoItem, db, name=_l("工作备忘"), endpoint="worklog_memos"),
        CadreView(LogCadre, db, name=_l("驻村干部"), endpoint="worklog_cadres"),
        LogView(WorkLog, db, name=_l("工作日志"), endpoint="worklog_logs"),
    ]
