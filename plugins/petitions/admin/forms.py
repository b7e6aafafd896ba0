"""Staff forms of the petitions module (Flask-WTF: CSRF on every form).

Each step form carries the petition's ``version`` as loaded, so a step based on a stale page
is refused instead of overwriting someone else's work.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.kit import LocalDateField
from plugins.petitions.models import (
    DeliveryMethod,
    Level,
    MediationOutcome,
    PetitionChannel,
    RiskLevel,
    select_choices,
)


class _Versioned(FlaskForm):
    version = HiddenField()


class PetitionerEntry(Form):
    """One petitioner on the registration form (rows left empty are ignored)."""

    name = StringField(_l("姓名"), validators=[Optional(), Length(max=64)])
    phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=32)])
    id_number = StringField(_l("身份证号码"), validators=[Optional(), Length(max=32)])
    address = StringField(_l("住址"), validators=[Optional(), Length(max=200)])
    is_representative = BooleanField(_l("代表"))


class RegisterForm(FlaskForm):
    """登记信访: the petition, its petitioners, flags and attachments."""

    office = SelectField(_l("登记单位"), coerce=int, validators=[Optional()])
    channel = SelectField(
        _l("信访形式"), choices=lambda: select_choices(PetitionChannel), validators=[DataRequired()]
    )
    received_at = LocalDateField(_l("收到日期"), validators=[InputRequired()])
    subject = StringField(_l("信访事由"), validators=[Optional(), Length(max=200)])
    demands = TextAreaField(_l("信访诉求"), validators=[Optional(), Length(max=5000)])
    content = TextAreaField(_l("主要内容"), validators=[Optional(), Length(max=20000)])
    people_count = IntegerField(
        _l("信访人数"), default=1, validators=[InputRequired(), NumberRange(min=1, max=100000)]
    )
    level_brought_to = SelectField(
        _l("到达层级"), choices=lambda: select_choices(Level), default=Level.TOWNSHIP.value
    )
    proper_level = SelectField(
        _l("有权处理的层级"), choices=lambda: select_choices(Level), default=Level.TOWNSHIP.value
    )
    hidden_risk = SelectField(
        _l("隐患等级"), choices=lambda: select_choices(RiskLevel), default=RiskLevel.NONE.value
    )
    risk_note = TextAreaField(_l("隐患情况"), validators=[Optional(), Length(max=2000)])
    petitioners = FieldList(FormField(PetitionerEntry), min_entries=3, max_entries=10)
    attachments = MultipleFileField(_l("附件（信件扫描件、照片、材料）"))
    repeat_choice = RadioField(
        _l("查重结果"), choices=[], validate_choice=False, validators=[Optional()]
    )
    check = SubmitField(_l("查重"))
    save = SubmitField(_l("登记"))


class PassOnForm(_Versioned):
    handling_unit = StringField(_l("转送/交办单位"), validators=[DataRequired(), Length(max=120)])
    passed_at = LocalDateField(_l("转送日期"), validators=[InputRequired()])


class DecisionForm(_Versioned):
    accepted = RadioField(
        _l("受理决定"),
        choices=[SelectChoice("yes", _l("受理")), SelectChoice("no", _l("不予受理"))],
        validators=[DataRequired()],
    )
    decided_at = LocalDateField(_l("决定日期"), validators=[InputRequired()])
    note = TextAreaField(
        _l("说明（不予受理的须写明理由）"), validators=[Optional(), Length(max=2000)]
    )


class ExtensionRequestForm(_Versioned):
    days = IntegerField(_l("延长天数（不超过 30 日）"), validators=[InputRequired()])
    reason = TextAreaField(_l("延期理由"), validators=[Optional(), Length(max=2000)])


class ExtensionDecisionForm(_Versioned):
    decision = RadioField(
        _l("审批"),
        choices=[SelectChoice("approve", _l("批准")), SelectChoice("refuse", _l("不批准"))],
        validators=[DataRequired()],
    )
    note = TextAreaField(_l("审批意见"), validators=[Optional(), Length(max=2000)])


class ReplyForm(_Versioned):
    result = TextAreaField(_l("处理意见"), validators=[Optional(), Length(max=5000)])
    replied_at = LocalDateField(_l("答复日期"), validators=[InputRequired()])


class DeliveryForm(_Versioned):
    notice_id = HiddenField(validators=[DataRequired()])
    method = SelectField(
        _l("送达方式"), choices=lambda: select_choices(DeliveryMethod), validators=[DataRequired()]
    )
    delivered_at = LocalDateField(_l("送达日期"), validators=[InputRequired()])
    note = StringField(_l("送达说明（签收人、见证人等）"), validators=[Optional(), Length(max=500)])


class RequestForm(_Versioned):
    requested_at = LocalDateField(_l("收到请求日期"), validators=[InputRequired()])
    reason = TextAreaField(_l("请求理由"), validators=[Optional(), Length(max=2000)])


class OpinionForm(_Versioned):
    opinion = TextAreaField(_l("意见"), validators=[Optional(), Length(max=5000)])
    decided_at = LocalDateField(_l("日期"), validators=[InputRequired()])


class HearingStartForm(_Versioned):
    started_at = LocalDateField(_l("听证开始日期"), validators=[InputRequired()])
    reason = StringField(_l("听证事项"), validators=[Optional(), Length(max=200)])


class HearingEndForm(_Versioned):
    ended_at = LocalDateField(_l("听证结束日期"), validators=[InputRequired()])


class RiskForm(_Versioned):
    level = SelectField(
        _l("隐患等级"), choices=lambda: select_choices(RiskLevel), validators=[DataRequired()]
    )
    note = TextAreaField(_l("隐患情况"), validators=[Optional(), Length(max=2000)])


class PetitionerForm(_Versioned):
    name = StringField(_l("姓名"), validators=[Optional(), Length(max=64)])
    phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=32)])
    id_number = StringField(_l("身份证号码"), validators=[Optional(), Length(max=32)])
    address = StringField(_l("住址"), validators=[Optional(), Length(max=200)])
    is_representative = BooleanField(_l("代表"))


class AttachmentForm(_Versioned):
    file = FileField(_l("附件"))


class DisputeForm(FlaskForm):
    """A new dispute for three-level mediation."""

    office = SelectField(_l("受理单位"), coerce=int, validators=[Optional()])
    title = StringField(_l("纠纷事由"), validators=[Optional(), Length(max=200)])
    parties = TextAreaField(_l("当事人"), validators=[Optional(), Length(max=2000)])
    facts = TextAreaField(_l("基本情况"), validators=[Optional(), Length(max=5000)])
    petition_id = SelectField(_l("关联信访事项"), coerce=str, validators=[Optional()])


class MediationForm(FlaskForm):
    """One level's mediation result."""

    outcome = RadioField(
        _l("调处结果"),
        validators=[DataRequired()],
        choices=lambda: select_choices(MediationOutcome, leave_out=(MediationOutcome.PENDING,)),
    )
    held_at = LocalDateField(_l("调处日期"), validators=[InputRequired()])
    place = StringField(_l("地点"), validators=[Optional(), Length(max=200)])
    mediators = StringField(_l("调解人员"), validators=[Optional(), Length(max=500)])
    parties_present = StringField(_l("到场当事人"), validators=[Optional(), Length(max=1000)])
    summary = TextAreaField(_l("调处经过"), validators=[Optional(), Length(max=5000)])
    agreement = FileField(_l("调解协议（签字扫描件，PDF/JPG/PNG）"))
    signature_record = TextAreaField(
        _l("或：当场签字记录"), validators=[Optional(), Length(max=2000)]
    )
    next_office = SelectField(_l("移交至（上一级调处单位）"), coerce=str, validators=[Optional()])
