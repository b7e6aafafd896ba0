"""Forms of the worklog desk (CSRF by Flask-WTF); the rules live in ``services``."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from plugins.worklog.services.memo import NOTE_KINDS


class NoteForm(FlaskForm):
    """A progress or supervision note on a memo item."""

    kind = SelectField(_l("类别"), choices=list(NOTE_KINDS.items()))
    body = TextAreaField(
        _l("记录内容"), validators=[DataRequired(_l("请填写记录内容。")), Length(max=2000)]
    )
    submit = SubmitField(_l("添加记录"))


class CheckForm(FlaskForm):
    """A leader's check of a work log, with an optional remark."""

    note = StringField(_l("审阅意见"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("审阅"))


class ConfirmForm(FlaskForm):
    """A bare POST with CSRF (mark a memo item done)."""

    submit = SubmitField(_l("确定"))
