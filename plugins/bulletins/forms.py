"""Forms of the release desk (CSRF by Flask-WTF); the rules live in ``services``."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from core.kit import LocalDateField, enum_choices
from plugins.bulletins.models import CHANNEL_LABELS, Kind


class GenerateForm(FlaskForm):
    """Add a product line's dates to a plan, one per cycle."""

    plan_id = SelectField(
        _l("发布计划"), choices=[], coerce=int, validators=[DataRequired(_l("请选择发布计划。"))]
    )
    kind = SelectField(_l("信息产品类别"), choices=enum_choices(Kind))
    submit = SubmitField(_l("按周期生成发布日期"))


class ReleaseForm(FlaskForm):
    """One release of a product: day, channels, audience, the planned date it fulfils."""

    product_id = SelectField(
        _l("信息产品"), choices=[], coerce=int, validators=[DataRequired(_l("请选择信息产品。"))]
    )
    entry_id = SelectField(
        _l("对应的计划发布日期"),
        choices=[],
        coerce=int,
        validators=[Optional()],
        description=_l("计划外发布选“无”。"),
    )
    released_on = LocalDateField(_l("发布日期"), validators=[DataRequired(_l("请填写发布日期。"))])
    channels = SelectMultipleField(
        _l("发布渠道"),
        choices=list(CHANNEL_LABELS.items()),
        validators=[DataRequired(_l("请至少选择一种发布渠道。"))],
    )
    audience = StringField(
        _l("发布对象"),
        validators=[Optional(), Length(max=200)],
        description=_l("如：全镇种养殖户、外出务工人员。"),
    )
    submit = SubmitField(_l("登记发布并归档"))
