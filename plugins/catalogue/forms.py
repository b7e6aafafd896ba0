"""Forms of the matters desk (CSRF by Flask-WTF): registering a case of a listed matter and
closing it with the fee charged. The forms bound the input; the rules live in ``cases``."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

CHANNELS = [
    ("window", _l("窗口")),
    ("visit", _l("来访")),
    ("phone", _l("电话")),
    ("online", _l("网上")),
]


class RegisterForm(FlaskForm):
    """A case of a matter on the office's list (the list is the only choice: 不越权)."""

    matter_id = SelectField(
        _l("服务事项"), coerce=int, validators=[DataRequired(_l("请选择服务事项。"))]
    )
    subject = StringField(
        _l("事由"), validators=[Optional(), Length(max=200)], description=_l("留空则用事项名称。")
    )
    applicant_name = StringField(_l("申请人"), validators=[Optional(), Length(max=64)])
    applicant_phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=32)])
    channel = SelectField(_l("受理渠道"), choices=CHANNELS, default="window")
    content = TextAreaField(_l("情况说明"), validators=[Optional(), Length(max=5000)])


class CloseForm(FlaskForm):
    """办结 with the fee charged (限费)."""

    outcome = TextAreaField(
        _l("办理结果"), validators=[DataRequired(_l("请填写办理结果。")), Length(max=5000)]
    )
    fee = DecimalField(
        _l("实收费用（元）"),
        places=2,
        validators=[Optional()],
        description=_l("免费事项填 0 或留空；不得超过公布的收费标准。"),
    )
    approver_id = SelectField(
        _l("减免批准领导"),
        coerce=int,
        validators=[Optional()],
        description=_l("低于收费标准（减免）时必选。"),
    )
    reason = StringField(_l("减免理由"), validators=[Optional(), Length(max=500)])
