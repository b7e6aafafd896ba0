"""Forms of the residents' pages and the staff desk (CSRF by Flask-WTF).

The forms carry and bound the input; the rules (capacity, phone format, lifecycle) live in the
services, whose HearingError message is shown next to the form with the input kept.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from plugins.hearings.minutes import MINUTES_MAX_CHARS
from plugins.hearings.models import SELF_REGISTER_CATEGORIES, AttendeeCategory


def _self_categories():
    return [(c.value, c.label) for c in SELF_REGISTER_CATEGORIES]


class RegistrationForm(FlaskForm):
    """A resident registers for a hearing."""

    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名。")), Length(max=64)])
    phone = StringField(
        _l("手机号码"),
        validators=[DataRequired(_l("请填写手机号码。")), Length(max=32)],
        description=_l("仅用于通知本次听证的安排和结果，不会公开。"),
    )
    category = SelectField(_l("参加人类别"), choices=_self_categories)
    village = StringField(_l("村（社区）"), validators=[Optional(), Length(max=128)])
    consent_public_name = BooleanField(
        _l("同意在公开的参加人名单中列出我（显示为姓氏加“某”，如“张某”）"), default=False
    )
    submit = SubmitField(_l("提交报名"))


class CodeForm(FlaskForm):
    """A resident looks up a registration by its confirmation code."""

    code = StringField(
        _l("确认码"), validators=[DataRequired(_l("请填写确认码。")), Length(max=20)]
    )
    submit = SubmitField(_l("查询"))


class WithdrawForm(FlaskForm):
    """A resident withdraws a registration (the code proves it is theirs)."""

    code = HiddenField(validators=[DataRequired(), Length(max=20)])
    submit = SubmitField(_l("确认退出报名"))


class ReasonForm(FlaskForm):
    """Why a hearing is cancelled or postponed (published)."""

    reason = TextAreaField(_l("原因（将向群众公开）"), validators=[Length(max=2000)])
    submit = SubmitField(_l("确定"))


class ResultsForm(FlaskForm):
    """A summary published with the results."""

    summary = TextAreaField(_l("结果说明（可选，将向群众公开）"), validators=[Length(max=20000)])
    submit = SubmitField(_l("公开办理结果"))


class MinutesForm(FlaskForm):
    """The minutes editor: preview, save the draft, publish a version."""

    text = TextAreaField(
        _l("纪要（Markdown 格式）"), validators=[Length(max=MINUTES_MAX_CHARS * 2)]
    )
    correction_note = StringField(
        _l("更正说明（发布更正版本时必填，将向群众公开）"),
        validators=[Optional(), Length(max=2000)],
    )
    preview = SubmitField(_l("预览"))
    save = SubmitField(_l("保存草稿"))
    publish = SubmitField(_l("保存并发布"))


class QuestionForm(FlaskForm):
    """Record a question raised at the hearing."""

    asker_name = StringField(
        _l("提问人"), validators=[DataRequired(_l("请填写提问人。")), Length(max=64)]
    )
    asker_category = SelectField(_l("提问人类别"), choices=AttendeeCategory.choices)
    attendee_id = SelectField(
        _l("对应参加人（可选）"), choices=[], coerce=str, validate_choice=False
    )
    text = TextAreaField(
        _l("问题"), validators=[DataRequired(_l("请填写问题内容。")), Length(max=10000)]
    )
    submit = SubmitField(_l("记录提问"))


class AnswerForm(FlaskForm):
    """The answer given on the spot."""

    answer = TextAreaField(
        _l("当场答复"), validators=[DataRequired(_l("请填写答复内容。")), Length(max=10000)]
    )
    answered_by = StringField(
        _l("答复人（姓名、职务）"), validators=[DataRequired(_l("请填写答复人。")), Length(max=64)]
    )
    submit = SubmitField(_l("记录答复"))


class DeferForm(FlaskForm):
    """Defer an answer: reason and responsible staff member; the deadline is computed."""

    reason = TextAreaField(
        _l("不能当场答复的原因"), validators=[DataRequired(_l("请填写原因。")), Length(max=10000)]
    )
    responsible_id = SelectField(_l("责任人"), choices=[], coerce=int, validate_choice=False)
    submit = SubmitField(_l("转为会后限期答复"))


class InviteForm(FlaskForm):
    """Staff put someone on the attendee list."""

    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名。")), Length(max=64)])
    category = SelectField(_l("类别"), choices=AttendeeCategory.choices)
    affiliation = StringField(_l("单位、职务"), validators=[Optional(), Length(max=200)])
    village = StringField(_l("村（社区）"), validators=[Optional(), Length(max=128)])
    phone = StringField(_l("电话（可选）"), validators=[Optional(), Length(max=32)])
    user_id = SelectField(
        _l("工作人员账号（可选，用于站内通知）"), choices=[], coerce=str, validate_choice=False
    )
    consent_public_name = BooleanField(_l("本人同意公开列名（群众）"), default=False)
    submit = SubmitField(_l("加入名单"))


class CheckInForm(FlaskForm):
    """Attendance on the day, by confirmation code (typed or from the QR code)."""

    code = StringField(
        _l("确认码"), validators=[DataRequired(_l("请填写确认码。")), Length(max=20)]
    )
    submit = SubmitField(_l("签到"))


class ConfirmForm(FlaskForm):
    """A bare POST with CSRF (lifecycle buttons, withdrawals by staff)."""

    submit = SubmitField(_l("确定"))
