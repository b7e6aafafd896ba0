"""Forms of the residents' 点题 page and the staff desk (CSRF by Flask-WTF).

The forms bound the input; the rules live in ``services``, whose Chinese message is shown with
the input kept.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.kit import enum_choices
from plugins.disclosure.models import DeclineGround, ItemCategory, Stage


class TopicForm(FlaskForm):
    """A resident names a matter to be disclosed (群众点题公开)."""

    topic = StringField(
        _l("想了解的事项"),
        validators=[
            DataRequired(_l("请填写想了解的事项。")),
            Length(max=200, message=_l("想了解的事项不能超过 200 个字。")),
        ],
        description=_l("例如：本村 2026 年低保名单和发放标准"),
    )
    details = TextAreaField(
        _l("具体说明（选填）"),
        validators=[Optional(), Length(max=2000, message=_l("具体说明不能超过 2000 个字。"))],
    )
    name = StringField(
        _l("姓名"),
        validators=[
            DataRequired(_l("请填写姓名。")),
            Length(max=32, message=_l("姓名不能超过 32 个字。")),
        ],
    )
    phone = StringField(
        _l("联系电话"),
        validators=[
            DataRequired(_l("请填写联系电话。")),
            Length(max=32, message=_l("联系电话过长。")),
        ],
        description=_l("仅用于工作人员与您联系，不会公开。"),
    )
    submit = SubmitField(_l("提交点题"))


class AnswerForm(FlaskForm):
    """Answer a topic with a new item published at once, or with one already on the board."""

    existing_item = SelectField(_l("引用已公开的事项（选填）"), choices=[], validate_choice=False)
    category = SelectField(_l("公开类别"), choices=enum_choices(ItemCategory))
    stage = SelectField(_l("公开阶段"), choices=enum_choices(Stage, _l("不区分")))
    title = StringField(_l("标题"), validators=[Optional(), Length(max=200)])
    body = TextAreaField(
        _l("公开内容"),
        validators=[Optional(), Length(max=50_000)],
        description=_l("可用纯文本或 Markdown；不要写入群众的姓名、电话、身份证号。"),
    )
    submit = SubmitField(_l("公开并办结"))


class DeclineForm(FlaskForm):
    """Decline a topic: the lawful ground and the reason (or where to ask instead)."""

    ground = SelectField(_l("不予公开的依据"), choices=enum_choices(DeclineGround))
    reason = TextAreaField(
        _l("不予公开的理由"),
        validators=[DataRequired(_l("请填写不予公开的理由。")), Length(max=2000)],
        description=_l("不属于本单位职责的，请写明应向哪个单位申请。此理由将在公开栏公布。"),
    )
    submit = SubmitField(_l("不予公开并办结"))


class WithdrawForm(FlaskForm):
    """Take an item off the board, saying why."""

    reason = StringField(
        _l("撤回理由"), validators=[DataRequired(_l("请填写撤回理由。")), Length(max=500)]
    )
    submit = SubmitField(_l("撤回"))


class ConfirmForm(FlaskForm):
    """A button that changes something (publish): CSRF only (the template adds the version)."""

    submit = SubmitField(_l("确认"))
