"""Forms of the evaluation screens and the residents' page (CSRF by Flask-WTF); the rules live
in ``services``."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.kit import LocalDateField

_PERCENT = NumberRange(min=0, max=100, message=_l("请填写 0–100 之间的整数。"))


def _percent(label, default):
    return IntegerField(
        label,
        default=default,
        validators=[InputRequired(_l("请填写 0–100 之间的整数。")), _PERCENT],
    )


class CampaignForm(FlaskForm):
    """A campaign's name, period, weights and bands."""

    office_id = SelectField(_l("组织单位"), choices=[], coerce=int, validate_choice=False)
    title = StringField(
        _l("考评活动名称"), validators=[DataRequired(_l("请填写考评活动名称。")), Length(max=200)]
    )
    period_start = LocalDateField(
        _l("考评期间开始"), validators=[DataRequired(_l("请填写考评期间。"))]
    )
    period_end = LocalDateField(
        _l("考评期间结束"), validators=[DataRequired(_l("请填写考评期间。"))]
    )
    weight_residents = _percent(_l("群众评权重（%）"), 70)
    weight_leaders = _percent(_l("领导评权重（%）"), 20)
    weight_colleagues = _percent(_l("互相评权重（%）"), 10)
    band_satisfied = _percent(_l("“满意”分数线"), 90)
    band_basic = _percent(_l("“基本满意”分数线"), 70)
    warning_below = _percent(_l("群众评低于此分给予警示"), 70)
    recognition_below = _percent(_l("群众评低于此分为不认可"), 50)
    submit = SubmitField(_l("保存"))


class CadreForm(FlaskForm):
    """Name a cadre evaluated and the leader who scores them."""

    user_id = SelectField(_l("被考评干部"), choices=[], coerce=int, validate_choice=False)
    leader_id = SelectField(_l("评分领导"), choices=[], coerce=int, validate_choice=False)
    submit = SubmitField(_l("加入名单"))


class SupervisorForm(FlaskForm):
    """Add a member to the supervision group."""

    user_id = SelectField(_l("监督小组成员"), choices=[], coerce=int, validate_choice=False)
    submit = SubmitField(_l("加入监督小组"))


class CodesForm(FlaskForm):
    """Issue one-time codes for the hall to print."""

    count = IntegerField(
        _l("发放数量"),
        default=20,
        validators=[
            InputRequired(_l("请填写发放数量。")),
            NumberRange(min=1, max=500, message=_l("每次可发放 1–500 个评议码。")),
        ],
    )
    submit = SubmitField(_l("生成评议码"))


class ScoreForm(FlaskForm):
    """A leader's or colleague's score of one cadre."""

    score = IntegerField(
        _l("评分（0–100）"),
        validators=[
            InputRequired(_l("评分须为 0 到 100 之间的整数。")),
            NumberRange(min=0, max=100, message=_l("评分须为 0 到 100 之间的整数。")),
        ],
    )
    submit = SubmitField(_l("提交评分"))


class DecisionForm(FlaskForm):
    """A leader's decision on a cadre residents did not recognise."""

    suspend = BooleanField(_l("停职候岗"))
    reason = TextAreaField(
        _l("决定理由"), validators=[DataRequired(_l("请填写决定理由。")), Length(max=2000)]
    )
    submit = SubmitField(_l("记录决定"))


class FollowUpForm(FlaskForm):
    """The supervisor's follow-up of a rectification task."""

    note = TextAreaField(
        _l("督办情况"), validators=[DataRequired(_l("请填写督办情况。")), Length(max=1000)]
    )
    submit = SubmitField(_l("登记督办"))


class ConfirmForm(FlaskForm):
    """A bare POST with CSRF (open, close, publish a campaign)."""

    submit = SubmitField(_l("确定"))


class ResidentForm(FlaskForm):
    """A resident's evaluation of one cadre: phone, the hall's code, grade and comment."""

    phone = StringField(
        _l("手机号码"), validators=[DataRequired(_l("请填写手机号码。")), Length(max=32)]
    )
    code = StringField(
        _l("评议码（服务大厅发放）"),
        validators=[DataRequired(_l("请填写评议码。")), Length(max=20)],
    )
    grade = RadioField(
        _l("评价"),
        choices=[
            ("satisfied", _l("满意")),
            ("basic", _l("基本满意")),
            ("dissatisfied", _l("不满意")),
        ],
        validators=[InputRequired(_l("请选择满意、基本满意或不满意。"))],
        validate_choice=False,  # the service refuses anything else, in Chinese
    )
    comment = TextAreaField(
        _l("意见建议（选填，不公开）"),
        validators=[Optional(), Length(max=500, message=_l("意见建议不能超过 500 字。"))],
    )
    submit = SubmitField(_l("提交评议"))
