"""Forms of the annual report desk (CSRF by Flask-WTF); the rules live in ``services``."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

COUNT_RANGE = NumberRange(
    min=0, max=100000, message=_l("复议、诉讼件数应为 0 至 100000 之间的整数。")
)
TEXT_LENGTH = Length(max=20000, message=_l("内容过长，请精简后再保存。"))


def _count(label):
    return IntegerField(label, default=0, validators=[Optional(), COUNT_RANGE])


class GenerateForm(FlaskForm):
    """Create (or refresh) the draft of an office for a year."""

    office_id = SelectField(_l("单位"), choices=[], coerce=int, validate_choice=False)
    year = IntegerField(
        _l("年度"),
        validators=[InputRequired(_l("请填写年度。")), NumberRange(min=2000, max=2100)],
    )
    submit = SubmitField(_l("生成或更新统计表"))


class DraftForm(FlaskForm):
    """The parts the office writes and the counts it enters."""

    overview = TextAreaField(_l("一、总体情况"), validators=[Optional(), TEXT_LENGTH])
    problems = TextAreaField(
        _l("六、存在的主要问题及改进情况"), validators=[Optional(), TEXT_LENGTH]
    )
    other_matters = TextAreaField(
        _l("七、其他需要报告的事项"), validators=[Optional(), TEXT_LENGTH]
    )
    review_upheld = _count(_l("行政复议：结果维持"))
    review_corrected = _count(_l("行政复议：结果纠正"))
    review_other = _count(_l("行政复议：其他结果"))
    review_pending = _count(_l("行政复议：尚未审结"))
    suit_upheld = _count(_l("未经复议直接起诉：结果维持"))
    suit_corrected = _count(_l("未经复议直接起诉：结果纠正"))
    suit_other = _count(_l("未经复议直接起诉：其他结果"))
    suit_pending = _count(_l("未经复议直接起诉：尚未审结"))
    suit_after_review_upheld = _count(_l("复议后起诉：结果维持"))
    suit_after_review_corrected = _count(_l("复议后起诉：结果纠正"))
    suit_after_review_other = _count(_l("复议后起诉：其他结果"))
    suit_after_review_pending = _count(_l("复议后起诉：尚未审结"))
    submit = SubmitField(_l("保存草稿"))


class ActionForm(FlaskForm):
    """A bare confirmation (report to the township, publish, refresh the tables)."""

    submit = SubmitField(_l("确定"))
