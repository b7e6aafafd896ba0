"""The reception module's lists: rules, days, bookings, matters, cards, roster changes and
settings (the working screens are the desk and the agenda).

Lists are read-only where a change must go through a service that holds the rules (bookings
under the day's lock, matters opening core cases, cards with their limits); rules and settings
are edited here and checked by the same services.
"""

from datetime import time

from flask import flash, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import SelectField, SelectMultipleField, ValidationError

from core.kit import (
    OfficeScopedModelView,
    RecordView,
    Role,
    ScopedChoices,
    User,
    db,
)
from plugins.reception.admin.base import colour_label
from plugins.reception.errors import ReceptionError
from plugins.reception.models import (
    WEEKDAY_CODES,
    WEEKDAY_LABELS,
    AppointmentCard,
    Booking,
    Frequency,
    HolidayPolicy,
    ReceptionDay,
    ReceptionMatter,
    ReceptionRule,
    ReceptionSettings,
    RosterChange,
)
from plugins.reception.services import roster
from plugins.reception.services.cards import card_colour, check_limit


def _day_link(view, context, model, name):
    day = model if isinstance(model, ReceptionDay) else getattr(model, "day", None)
    if day is None:
        return ""
    return Markup('<a href="{}">{}</a>').format(
        url_for("reception_desk.day", day_id=day.id), str(day)
    )


def _card_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(
        url_for("reception_desk.card", card_id=model.id), model.number
    )


def _card_colour(view, context, model, name):
    colour = card_colour(model)
    return Markup('<span class="badge reception-{}">{}</span>').format(
        colour, _("已走访") if colour == "closed" else colour_label(colour)
    )


def _case_link(view, context, model, name):
    if not model.case_id:
        return ""
    return Markup('<a href="{}">{}</a>').format(
        url_for("cases.details_view", id=model.case_id), model.case_receipt_no or model.case_id
    )


class RuleView(OfficeScopedModelView):
    """Recurring reception duties; saving expands the rule into the coming reception days."""

    column_list = (
        "office",
        "leader",
        "title",
        "frequency",
        "weekdays",
        "start_time",
        "end_time",
        "place",
        "on_holiday",
        "active",
    )
    column_labels = {
        "office": _l("单位"),
        "leader": _l("接待领导"),
        "title": _l("名称"),
        "frequency": _l("重复方式"),
        "interval": _l("间隔"),
        "weekdays": _l("星期"),
        "week_of_month": _l("每月第几个星期"),
        "starts_on": _l("开始日期"),
        "ends_on": _l("结束日期"),
        "start_time": _l("开始时间"),
        "end_time": _l("结束时间"),
        "place": _l("地点"),
        "slot_minutes": _l("每个时段（分钟）"),
        "slot_capacity": _l("每个时段可预约人数"),
        "on_holiday": _l("遇法定节假日"),
        "active": _l("已启用"),
        "note": _l("公开说明"),
        "weekday_choice": _l("星期"),
    }
    column_formatters = {
        "weekdays": lambda v, c, m, n: str(m),
    }
    column_formatters_export = {}  # plain values
    column_filters = ("active", "frequency")
    form_columns = (
        "office",
        "leader",
        "title",
        "frequency",
        "interval",
        "weekday_choice",
        "week_of_month",
        "starts_on",
        "ends_on",
        "start_time",
        "end_time",
        "place",
        "slot_minutes",
        "slot_capacity",
        "on_holiday",
        "active",
        "note",
    )
    form_extra_fields = {
        "weekday_choice": SelectMultipleField(
            _l("星期"),
            choices=[(c, WEEKDAY_LABELS[c]) for c in WEEKDAY_CODES],
            description=_l("每周、每月重复时选择；“每个工作日”不用选择"),
        ),
    }
    form_overrides = {
        "frequency": SelectField,
        "on_holiday": SelectField,
        "week_of_month": SelectField,
    }
    form_args = {
        "frequency": {
            "label": _l("重复方式"),
            "coerce": str,
            "choices": Frequency.choices,
            "description": _l("“每个工作日”包括调休上班日"),
        },
        "on_holiday": {
            "label": _l("遇法定节假日"),
            "coerce": str,
            "choices": HolidayPolicy.choices,
        },
        "week_of_month": {
            "label": _l("每月第几个星期"),
            "coerce": lambda v: int(v) if v else None,
            "choices": [
                ("", "—"),
                ("1", _l("第一个")),
                ("2", _l("第二个")),
                ("3", _l("第三个")),
                ("4", _l("第四个")),
                ("-1", _l("最后一个")),
            ],
            "validate_choice": False,
        },
        "interval": {"default": 1, "description": _l("每几周（或几个月）一次")},
        # A usual half-day reception, so a new rule starts from sensible hours.
        "start_time": {"default": time(8, 30)},
        "end_time": {"default": time(11, 30)},
        "slot_minutes": {"default": 30},
        "slot_capacity": {"default": 2},
        "place": {"description": _l("如：镇政府一楼群众接待室")},
    }
    allow_delete = False  # switch a rule off instead: its past days keep their history
    # Leaders of the offices in scope and of the offices above (a township leader receives at a
    # station's reception too).
    scoped_choices = {
        "leader": ScopedChoices(
            User,
            where=(User.active, User.role == Role.LEADER),
            parent_offices=True,
            order_by=(User.display_name,),
        )
    }

    def on_form_prefill(self, form, id):
        form.weekday_choice.data = roster.weekday_list(self.get_one(id))

    def on_model_change(self, form, model, is_created):
        """Weekdays from the multiple choice; the whole rule checked by the roster service."""
        super().on_model_change(form, model, is_created)
        model.weekdays = ",".join(c for c in WEEKDAY_CODES if c in (form.weekday_choice.data or []))
        if model.leader is not None:
            model.leader_id = model.leader.id
        try:
            roster.validate_rule(model)
        except ReceptionError as exc:
            raise ValidationError(str(exc)) from None

    def after_model_change(self, form, model, is_created):
        """Expand the rule into the coming reception days at once."""
        result = roster.sync_rule(model)
        db.session.commit()
        flash(
            _(
                "已生成 %(c)d 个接待日，更新 %(u)d 个，移除 %(r)d 个。",
                c=len(result.created),
                u=len(result.updated),
                r=len(result.removed),
            ),
            "success",
        )
        if result.kept_with_bookings:
            flash(
                _(
                    "以下接待日已有群众预约，规则调整后仍保留，请联系预约群众后在接待工作台取消："
                    "%(days)s",
                    days=_("、").join(d.isoformat() for d in result.kept_with_bookings),
                ),
                "warning",
            )


class DayView(RecordView):
    """Every reception day (changes go through the desk, which records them)."""

    column_list = (
        "day",
        "office",
        "leader",
        "start_time",
        "end_time",
        "place",
        "status",
        "nominal_day",
        "manual",
    )
    column_labels = {
        "day": _l("日期"),
        "office": _l("单位"),
        "leader": _l("接待领导"),
        "start_time": _l("开始时间"),
        "end_time": _l("结束时间"),
        "place": _l("地点"),
        "status": _l("状态"),
        "nominal_day": _l("原定日期（顺延）"),
        "manual": _l("已调整"),
        "cancel_reason": _l("取消原因"),
        "note": _l("说明"),
        "original_leader": _l("原定领导"),
        "rule": _l("规则"),
    }
    column_formatters = {"day": _day_link}
    column_formatters_export = {}  # plain values, no links
    column_filters = ("day", "status", "manual")
    column_default_sort = ("day", True)
    column_details_exclude_list = ("lock_seq",)


class BookingView(RecordView):  # walk-ins go through the desk, which holds the day's lock
    """Bookings (phones masked in the list; exports recorded in the audit log)."""

    column_list = (
        "day_date",
        "slot",
        "name",
        "phone",
        "village",
        "matter",
        "leader",
        "status",
        "source",
        "created_at",
    )
    column_labels = {
        "day_date": _l("日期"),
        "slot": _l("时段"),
        "name": _l("姓名"),
        "phone": _l("电话"),
        "village": _l("村（社区）"),
        "matter": _l("事项"),
        "leader": _l("指定领导"),
        "status": _l("状态"),
        "source": _l("来源"),
        "created_at": _l("预约时间"),
        "cancel_note": _l("取消说明"),
    }
    column_formatters = {
        "slot": _day_link,
    }
    column_formatters_export = {}  # plain values, no links
    column_export_list = (
        "day_date",
        "slot",
        "name",
        "phone",
        "village",
        "matter",
        "status",
        "source",
    )
    column_filters = ("day_date", "status", "source")
    column_searchable_list = ("name", "village")
    column_default_sort = ("id", True)
    column_details_exclude_list = ("phone_hash", "code")
    personal_data_columns = ("phone",)


class MatterView(RecordView):  # registered on the desk: it opens the core case
    """The reception register: every letter, visit and call, with its case."""

    column_list = (
        "received_at",
        "channel",
        "leader",
        "name",
        "phone",
        "village",
        "subject",
        "responsible_office",
        "case_receipt_no",
        "closed_at",
    )
    column_labels = {
        "received_at": _l("接待时间"),
        "channel": _l("方式"),
        "leader": _l("接待领导"),
        "name": _l("姓名"),
        "phone": _l("电话"),
        "village": _l("村（社区）"),
        "subject": _l("反映的问题"),
        "responsible_office": _l("承办单位"),
        "case_receipt_no": _l("办件号"),
        "closed_at": _l("办结时间"),
        "instruction": _l("领导批示"),
        "content": _l("详细情况"),
        "outcome": _l("办理结果"),
    }
    column_formatters = {
        "case_receipt_no": _case_link,
    }
    column_formatters_export = {}  # plain values, no links
    column_filters = ("received_at", "channel", "collective")
    column_searchable_list = ("name", "subject", "village")
    column_default_sort = ("received_at", True)
    personal_data_columns = ("phone",)


class CardView(RecordView):
    """《群众预约领导办公卡》 with their colour (work them on the desk)."""

    column_list = (
        "number",
        "leader",
        "name",
        "phone",
        "address",
        "expected_back_on",
        "visit_due_at",
        "colour",
        "status",
        "visited_on",
    )
    column_labels = {
        "number": _l("编号"),
        "leader": _l("所找领导"),
        "name": _l("姓名"),
        "phone": _l("电话"),
        "address": _l("住址"),
        "expected_back_on": _l("预计返回"),
        "visit_due_at": _l("走访期限"),
        "colour": _l("督办"),
        "status": _l("状态"),
        "visited_on": _l("走访日期"),
        "matter": _l("事项"),
        "findings": _l("了解的情况"),
        "resolution": _l("解决办法"),
        "outcome": _l("办理结果"),
    }
    column_formatters = {
        "number": _card_link,
        "colour": _card_colour,
    }
    column_formatters_export = {}  # plain values, no links
    column_export_list = (
        "number",
        "leader",
        "name",
        "phone",
        "address",
        "matter",
        "expected_back_on",
        "visit_due_at",
        "status",
        "visited_on",
        "outcome",
    )
    column_filters = ("status", "expected_back_on", "visited_on")
    column_searchable_list = ("number", "name")
    column_default_sort = ("id", True)
    column_details_exclude_list = ("version",)
    personal_data_columns = ("phone", "address")


class ChangeView(RecordView):
    """The roster's exceptions: cancelled days, substitutes, swaps, extra days — and why."""

    column_list = (
        "created_at",
        "kind",
        "day_date",
        "other_day_date",
        "from_leader",
        "to_leader",
        "reason",
        "actor",
    )
    column_labels = {
        "created_at": _l("记录时间"),
        "kind": _l("调整"),
        "day_date": _l("接待日期"),
        "other_day_date": _l("互换的接待日"),
        "from_leader": _l("原接待领导"),
        "to_leader": _l("改由"),
        "reason": _l("原因"),
        "actor": _l("记录人"),
    }
    column_filters = ("kind", "day_date")
    column_default_sort = ("id", True)


class SettingsView(OfficeScopedModelView):
    """An office's home-visit limit for appointment cards (公示 like any limit)."""

    column_list = ("office", "card_limit_amount", "card_limit_unit")
    column_labels = {
        "office": _l("单位"),
        "card_limit_amount": _l("上门走访时限"),
        "card_limit_unit": _l("计算单位"),
    }
    column_formatters = {
        "card_limit_unit": lambda v, c, m, n: {
            "calendar_days": _("日"),
            "working_days": _("个工作日"),
            "months": _("个月"),
        }.get(m.card_limit_unit, m.card_limit_unit)
    }
    form_columns = ("office", "card_limit_amount", "card_limit_unit")
    form_overrides = {"card_limit_unit": SelectField}
    form_args = {
        "card_limit_amount": {
            "label": _l("上门走访时限"),
            "default": 3,
            "description": _l("从领导返回之日起算，最长 30 日"),
        },
        "card_limit_unit": {
            "label": _l("计算单位"),
            "coerce": str,
            "choices": [
                ("calendar_days", _l("日（遇节假日顺延）")),
                ("working_days", _l("工作日")),
            ],
        },
    }
    allow_delete = False
    allow_export = False

    def on_model_change(self, form, model, is_created):
        """The limit must be one the office may publish (at most 30 days); one row per office."""
        super().on_model_change(form, model, is_created)
        try:
            check_limit(model.card_limit_amount, model.card_limit_unit)
        except ReceptionError as exc:
            raise ValidationError(str(exc)) from None
        from sqlalchemy import select

        query = select(ReceptionSettings.id).where(ReceptionSettings.office_id == model.office_id)
        if model.id is not None:
            query = query.where(ReceptionSettings.id != model.id)
        with db.session.no_autoflush:
            other = db.session.scalar(query)
        if other is not None:
            raise ValidationError(_("该单位已有设置，请直接修改。"))


def model_views() -> list:
    """The module's list screens, in menu order after the working screens."""
    return [
        RuleView(ReceptionRule, db, name=_l("接待规则"), endpoint="reception_rules"),
        DayView(ReceptionDay, db, name=_l("接待日"), endpoint="reception_days"),
        BookingView(Booking, db, name=_l("群众预约"), endpoint="reception_bookings"),
        MatterView(ReceptionMatter, db, name=_l("接待登记"), endpoint="reception_matters"),
        CardView(AppointmentCard, db, name=_l("预约领导办公卡"), endpoint="reception_cards"),
        ChangeView(RosterChange, db, name=_l("接待日调整记录"), endpoint="reception_changes"),
        SettingsView(ReceptionSettings, db, name=_l("走访时限设置"), endpoint="reception_settings"),
    ]
