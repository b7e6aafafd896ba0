"""Forms of the residents' pages and the staff screens (CSRF by Flask-WTF).

The forms carry and bound the input; the rules (capacity, holidays, phone format, limits)
live in the services, whose ReceptionError message is shown next to the form with the input
kept.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.kit import LocalDateField
from plugins.reception.models import MatterChannel, Satisfaction

REASON = _l("原因")


# --- residents ---------------------------------------------------------------------------


class BookingForm(FlaskForm):
    """A resident books a slot on the public page."""

    slot_id = RadioField(_l("预约时段"), choices=[], coerce=str, validate_choice=False)
    leader_choice = RadioField(
        _l("约见"),
        choices=[("duty", _l("当日值班领导即可")), ("named", _l("只约见这位领导本人"))],
        default="duty",
        validate_choice=False,
    )
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名。")), Length(max=64)])
    phone = StringField(
        _l("手机号码"),
        validators=[DataRequired(_l("请填写手机号码。")), Length(max=32)],
        description=_l("仅供工作人员联系您，不会公开；每个号码每天只能预约一次。"),
    )
    village = StringField(_l("村（社区）"), validators=[Optional(), Length(max=128)])
    matter = TextAreaField(
        _l("要反映的事项（简要）"),
        validators=[DataRequired(_l("请简要填写要反映的事项。")), Length(max=1000)],
        description=_l("请勿填写身份证号等个人信息。"),
    )
    submit = SubmitField(_l("提交预约"))


class CodeForm(FlaskForm):
    """A resident looks up a booking by its confirmation code."""

    code = StringField(
        _l("确认码"), validators=[DataRequired(_l("请填写确认码。")), Length(max=20)]
    )
    submit = SubmitField(_l("查询"))


class CancelForm(FlaskForm):
    """A resident cancels a booking (the code proves it is theirs)."""

    code = HiddenField(validators=[DataRequired(), Length(max=20)])
    submit = SubmitField(_l("取消预约"))


# --- staff: roster ---------------------------------------------------------------------------


class ReasonForm(FlaskForm):
    """Cancel or restore a day: the reason (a cancellation's reason is published)."""

    reason = StringField(REASON, validators=[DataRequired(_l("请填写原因。")), Length(max=500)])
    submit = SubmitField(_l("确定"))


class SubstituteForm(FlaskForm):
    """Another leader receives on this day."""

    leader_id = SelectField(_l("改由哪位领导接待"), choices=[], coerce=int, validate_choice=False)
    reason = StringField(REASON, validators=[DataRequired(_l("请填写原因。")), Length(max=500)])
    submit = SubmitField(_l("换人"))


class SwapForm(FlaskForm):
    """Two days' leaders exchange."""

    other_day_id = SelectField(_l("与哪一天互换"), choices=[], coerce=int, validate_choice=False)
    reason = StringField(REASON, validators=[DataRequired(_l("请填写原因。")), Length(max=500)])
    submit = SubmitField(_l("互换"))


class AddDayForm(FlaskForm):
    """An extra reception day outside the rules."""

    office_id = SelectField(_l("单位"), choices=[], coerce=int, validate_choice=False)
    day = LocalDateField(_l("日期"), validators=[InputRequired(_l("请填写日期。"))])
    start_time = TimeField(_l("开始时间"), validators=[DataRequired(_l("请填写开始时间。"))])
    end_time = TimeField(_l("结束时间"), validators=[DataRequired(_l("请填写结束时间。"))])
    place = StringField(
        _l("地点"), validators=[DataRequired(_l("请填写接待地点。")), Length(max=200)]
    )
    leader_id = SelectField(_l("接待领导"), choices=[], coerce=int, validate_choice=False)
    slot_minutes = IntegerField(
        _l("每个时段（分钟）"),
        default=30,
        validators=[NumberRange(10, 240, _l("时段长度须在 10 到 240 分钟之间。"))],
    )
    slot_capacity = IntegerField(
        _l("每个时段可预约人数"),
        default=2,
        validators=[NumberRange(1, 50, _l("可预约人数须在 1 到 50 之间。"))],
    )
    note = StringField(_l("公开说明（可选）"), validators=[Optional(), Length(max=500)])
    reason = StringField(REASON, validators=[DataRequired(_l("请填写原因。")), Length(max=500)])
    submit = SubmitField(_l("增加接待日"))


# --- staff: the day --------------------------------------------------------------------------


class WalkInForm(FlaskForm):
    """Staff book a slot for a resident at the counter or on the phone."""

    slot_id = SelectField(_l("时段"), choices=[], coerce=int, validate_choice=False)
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名。")), Length(max=64)])
    phone = StringField(_l("电话（可选）"), validators=[Optional(), Length(max=32)])
    village = StringField(_l("村（社区）"), validators=[Optional(), Length(max=128)])
    matter = TextAreaField(
        _l("反映的事项"), validators=[DataRequired(_l("请填写反映的事项。")), Length(max=1000)]
    )
    named_leader = BooleanField(_l("只约见这位领导本人"))
    submit = SubmitField(_l("代为预约"))


class MatterForm(FlaskForm):
    """Register a letter, visit or call received by the duty leader."""

    channel = SelectField(_l("方式"), choices=MatterChannel.choices)
    booking_id = SelectField(_l("对应预约（可选）"), choices=[], coerce=str, validate_choice=False)
    name = StringField(
        _l("群众姓名"), validators=[DataRequired(_l("请填写群众姓名。")), Length(max=64)]
    )
    phone = StringField(_l("电话（可选）"), validators=[Optional(), Length(max=32)])
    village = StringField(_l("村（社区）"), validators=[Optional(), Length(max=128)])
    subject = StringField(
        _l("反映的问题"), validators=[DataRequired(_l("请填写反映的问题。")), Length(max=400)]
    )
    content = TextAreaField(_l("详细情况"), validators=[Optional(), Length(max=10000)])
    instruction = TextAreaField(
        _l("领导批示"), validators=[DataRequired(_l("请填写领导批示。")), Length(max=10000)]
    )
    responsible_office_id = SelectField(
        _l("承办单位"), choices=[], coerce=int, validate_choice=False
    )
    instructed_last_day = LocalDateField(
        _l("领导限定的办结日期（可选，最长 30 日）"), validators=[Optional()]
    )
    answered_on_the_spot = BooleanField(_l("领导当场答复，已办结"))
    collective = BooleanField(_l("重要案件，交党政领导班子集体协商"))
    submit = SubmitField(_l("登记并交办"))


class BookingActionForm(FlaskForm):
    """Mark a booking attended / no show / cancelled by the office."""

    note = StringField(_l("说明（可选）"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("确定"))


# --- staff: appointment cards -------------------------------------------------------------


class CardForm(FlaskForm):
    """《群众预约领导办公卡》."""

    office_id = SelectField(_l("填卡单位"), choices=[], coerce=int, validate_choice=False)
    leader_id = SelectField(_l("群众要找的领导"), choices=[], coerce=int, validate_choice=False)
    away_reason = StringField(_l("领导外出事由"), validators=[Optional(), Length(max=400)])
    expected_back_on = LocalDateField(
        _l("领导预计返回日期"), validators=[InputRequired(_l("请填写领导预计返回的日期。"))]
    )
    name = StringField(
        _l("群众姓名"), validators=[DataRequired(_l("请填写群众姓名。")), Length(max=64)]
    )
    phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=32)])
    village = StringField(_l("村（社区）"), validators=[Optional(), Length(max=128)])
    address = StringField(
        _l("家庭住址（上门走访用）"),
        validators=[DataRequired(_l("请填写家庭住址。")), Length(max=400)],
    )
    matter = TextAreaField(
        _l("要反映的事项"), validators=[DataRequired(_l("请填写要反映的事项。")), Length(max=10000)]
    )
    submit = SubmitField(_l("填写预约卡"))


class ReturnForm(FlaskForm):
    """The leader is back (a date up to today)."""

    back_on = LocalDateField(_l("返回日期"), validators=[Optional()])
    submit = SubmitField(_l("领导已返回"))


class PostponeForm(FlaskForm):
    """The leader's trip is longer."""

    expected_back_on = LocalDateField(
        _l("新的预计返回日期"), validators=[InputRequired(_l("请填写新的预计返回日期。"))]
    )
    submit = SubmitField(_l("更改"))


class VisitForm(FlaskForm):
    """The leader's home visit."""

    visited_on = LocalDateField(_l("走访日期"), validators=[InputRequired(_l("请填写走访日期。"))])
    visitor_id = SelectField(_l("走访领导"), choices=[], coerce=int, validate_choice=False)
    findings = TextAreaField(
        _l("了解的情况"), validators=[DataRequired(_l("请填写了解的情况。")), Length(max=10000)]
    )
    resolution = TextAreaField(
        _l("解决办法"), validators=[DataRequired(_l("请填写解决办法。")), Length(max=10000)]
    )
    responsible_office_id = SelectField(
        _l("需交职能部门办理时的承办单位（可选）"), choices=[], coerce=int, validate_choice=False
    )
    submit = SubmitField(_l("登记走访"))


class OutcomeForm(FlaskForm):
    """The outcome after the visit (填表登记)."""

    outcome = TextAreaField(
        _l("办理结果"), validators=[DataRequired(_l("请填写办理结果。")), Length(max=10000)]
    )
    satisfaction = SelectField(_l("群众满意度"), choices=Satisfaction.choices, default="unknown")
    submit = SubmitField(_l("登记结果"))


class WithdrawCardForm(FlaskForm):
    """The resident no longer needs the visit."""

    reason = StringField(
        _l("撤销原因"), validators=[DataRequired(_l("请填写撤销原因。")), Length(max=500)]
    )
    submit = SubmitField(_l("撤销预约卡"))


class ConfirmForm(FlaskForm):
    """A bare POST with CSRF (buttons such as "generate the roster now")."""

    submit = SubmitField(_l("确定"))
