"""Forms of the rota screen (CSRF by Flask-WTF); the rules live in ``services.rota``."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.kit import LocalDateField


class RuleForm(FlaskForm):
    """An office's rota rule: who rotates, how many rest days each, from when, the duty phone."""

    member_ids = SelectMultipleField(
        _l("轮值人员（按顺序）"), choices=[], coerce=int, validate_choice=False
    )
    days_per_turn = IntegerField(
        _l("每人连续值班休息日数"),
        default=1,
        validators=[InputRequired(_l("请填写每人连续值班天数。")), NumberRange(min=1, max=31)],
    )
    starts_on = LocalDateField(_l("轮换起始日"), validators=[DataRequired(_l("请填写起始日。"))])
    duty_phone = StringField(
        _l("值班电话（单位固定电话）"), validators=[Optional(), Length(max=32)]
    )
    hours_start = TimeField(_l("上班时间"), validators=[DataRequired(_l("请填写上班时间。"))])
    hours_end = TimeField(_l("下班时间"), validators=[DataRequired(_l("请填写下班时间。"))])
    submit = SubmitField(_l("保存规则"))


class GenerateForm(FlaskForm):
    """Generate assignments for the coming weeks from the rule."""

    office_id = SelectField(_l("单位"), choices=[], coerce=int, validate_choice=False)
    weeks = IntegerField(
        _l("生成周数"),
        default=8,
        validators=[InputRequired(_l("请填写周数。")), NumberRange(min=1, max=26)],
    )
    submit = SubmitField(_l("按规则生成"))


class SwapForm(FlaskForm):
    """Another person (or nobody) on duty on one day, with the reason."""

    to_user_id = SelectField(_l("接班人员"), choices=[], coerce=int, validate_choice=False)
    reason = StringField(
        _l("调班原因"), validators=[DataRequired(_l("请填写调班原因。")), Length(max=500)]
    )
    submit = SubmitField(_l("调班"))


class ItemForm(FlaskForm):
    """One letter, visit or call received on duty, with the receipt number of its case."""

    kind = SelectField(
        _l("类别"), choices=[("letter", _l("来信")), ("visit", _l("来访")), ("call", _l("来电"))]
    )
    summary = TextAreaField(
        _l("事项摘要"), validators=[DataRequired(_l("请填写事项摘要。")), Length(max=2000)]
    )
    receipt_no = StringField(
        _l("案件受理编号（已受理的填写）"), validators=[Optional(), Length(max=16)]
    )
    submit = SubmitField(_l("加入报告"))


class ConfirmForm(FlaskForm):
    """A bare POST with CSRF (file the report, confirm the pledge)."""

    submit = SubmitField(_l("确定"))
