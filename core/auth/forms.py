"""Login and password-change forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from core.auth.passwords import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    """Account name and password."""

    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=256)])


class PasswordChangeForm(FlaskForm):
    """A person's own new password: the current one, then the new one twice."""

    current_password = PasswordField(_l("当前密码"), validators=[DataRequired(), Length(max=256)])
    new_password = PasswordField(
        _l("新密码"),
        validators=[
            DataRequired(),
            Length(min=MIN_PASSWORD_LENGTH, max=256, message=_l("新密码至少 10 个字符。")),
        ],
    )
    confirm_password = PasswordField(
        _l("再次输入新密码"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("两次输入的新密码不一致。")),
        ],
    )
