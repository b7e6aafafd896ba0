"""Forms of the lending desk and the residents' consultation request (CSRF by Flask-WTF).

The forms bound the input; the rules (period within the office's maximum, who may approve,
public files only for residents) live in ``lending``, whose Chinese message is shown with the
input kept.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class RequestForm(FlaskForm):
    """A staff member asks to borrow a file (from its page, or by catalogue number)."""

    catalogue_no = StringField(_l("档号"), validators=[Optional(), Length(max=48)])
    purpose = TextAreaField(
        _l("借阅目的"), validators=[DataRequired(_l("请填写借阅目的。")), Length(max=1000)]
    )
    period_days = StringField(
        _l("借阅期限（工作日）"),
        default="5",
        validators=[DataRequired(_l("请填写借阅期限。")), Length(max=4)],
    )
    submit = SubmitField(_l("提交借阅申请"))


class ResidentRequestForm(FlaskForm):
    """A resident asks to consult a public file (可查询制度)."""

    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名。")), Length(max=64)])
    phone = StringField(
        _l("联系电话"),
        validators=[DataRequired(_l("请填写联系电话。")), Length(max=32)],
        description=_l("仅用于档案管理员与您约定查阅时间，不会公开。"),
    )
    purpose = TextAreaField(
        _l("查阅目的"), validators=[DataRequired(_l("请填写查阅目的。")), Length(max=1000)]
    )
    period_days = StringField(
        _l("需要的查阅时间（工作日）"),
        default="1",
        validators=[DataRequired(_l("请填写查阅时间。")), Length(max=4)],
    )
    submit = SubmitField(_l("提交查阅申请"))


class LookupForm(FlaskForm):
    """A resident looks up a request by its reference."""

    reference = StringField(
        _l("申请编号"), validators=[DataRequired(_l("请填写申请编号。")), Length(max=20)]
    )
    submit = SubmitField(_l("查询"))


class ConditionForm(FlaskForm):
    """The file's condition at hand-out or return (完好情况)."""

    condition = TextAreaField(
        _l("档案状况"), validators=[DataRequired(_l("请记录档案的完好情况。")), Length(max=1000)]
    )
    submit = SubmitField(_l("确认"))


class ReasonForm(FlaskForm):
    """Why a request is refused."""

    reason = TextAreaField(
        _l("理由"), validators=[DataRequired(_l("请填写不予批准的理由。")), Length(max=1000)]
    )
    submit = SubmitField(_l("不予批准"))


class LossForm(FlaskForm):
    """How a file was lost."""

    circumstances = TextAreaField(
        _l("遗失经过"), validators=[DataRequired(_l("请说明遗失的经过。")), Length(max=1000)]
    )
    submit = SubmitField(_l("登记遗失"))


class ConfirmForm(FlaskForm):
    """A button that changes something (approve, withdraw): CSRF only."""

    submit = SubmitField(_l("确认"))
