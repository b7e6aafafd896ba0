"""WTForms for the case screens (staff) and the residents' receipt and rating pages.

Dates and times are the core's typed boxes (``core.admin.fields``): a clerk types or pastes
``2026-12-18 09:00`` or ``2026/12/18 9:00`` in Beijing time; ``data`` is aware UTC.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.admin.fields import LocalDateField, LocalDateTimeField
from core.cases.models import AppealReason, Channel, Grade, PauseReason

_CHANNELS = Channel.choices()


def optional_int(value):
    """Coerce a select's value to an int; "" or anything else becomes None (the service
    layer then says in Chinese what is missing)."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _dynamic(label, **kwargs):
    # Choices are filled when the form is shown; on POST the service checks the value.
    return SelectField(label, coerce=optional_int, validate_choice=False, **kwargs)


def _multi(label):
    return SelectMultipleField(label, coerce=optional_int, validate_choice=False)


# --- residents ---------------------------------------------------------------------------


class LookupForm(FlaskForm):
    """A receipt number, typed any way (spaces, hyphens, small letters)."""

    receipt = StringField(
        _l("回执号"), validators=[DataRequired(_l("请输入回执号。")), Length(max=20)]
    )


class RatingForm(FlaskForm):
    """The resident's rating on the national five grades."""

    receipt = HiddenField(validators=[DataRequired(_l("请输入回执号。")), Length(max=20)])
    grade = RadioField(
        _l("评价"),
        choices=Grade.choices(),
        validators=[InputRequired(_l("请选择评价等级。"))],
    )
    comment = TextAreaField(_l("意见和建议（选填）"), validators=[Optional(), Length(max=1000)])


# --- staff -------------------------------------------------------------------------------


class VersionedForm(FlaskForm):
    """Every action form carries the case version the user saw (stale saves are refused)."""

    version = HiddenField()


# WTForms orders fields by creation, so the intake's office and category (declared first) come
# before the details both forms share.
class _Routing:
    office_id = _dynamic(_l("承办单位"))
    category = SelectField(
        _l("事项类别"), validate_choice=False, validators=[DataRequired(_l("请选择事项类别。"))]
    )


class _Details:
    channel = SelectField(_l("受理渠道"), choices=_CHANNELS, validators=[DataRequired()])
    subject = StringField(
        _l("事由"), validators=[DataRequired(_l("请填写事由。")), Length(max=200)]
    )
    content = TextAreaField(_l("具体内容"), validators=[Optional(), Length(max=10000)])
    applicant_name = StringField(_l("申请人姓名"), validators=[Optional(), Length(max=64)])
    applicant_phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=32)])
    applicant_id_number = StringField(_l("身份证号"), validators=[Optional(), Length(max=32)])


class IntakeForm(_Routing, _Details, FlaskForm):
    """统一接件: register a new matter."""

    accept_now = BooleanField(_l("由我直接承办"), default=True)


class EditForm(_Details, VersionedForm):
    """Registration details that may be corrected."""


class NoteForm(VersionedForm):
    """A note: signing for a case, handing it back, resuming, archiving, a progress note."""

    note = TextAreaField(_l("说明"), validators=[Optional(), Length(max=2000)])


class TransferForm(VersionedForm):
    """转办 to another office or person."""

    to_office_id = _dynamic(_l("转至单位"))
    to_user_id = _dynamic(_l("转至人员（选填）"))
    reason = TextAreaField(_l("转办理由"), validators=[Optional(), Length(max=2000)])


class EscalateForm(VersionedForm):
    """Send the case to a leader (呈报领导)."""

    leader_id = _dynamic(_l("呈报领导"))
    reason = TextAreaField(_l("呈报理由"), validators=[Optional(), Length(max=2000)])


class NotifyOfficesForm(VersionedForm):
    """Notify other offices of a multi-office matter (知会)."""

    office_ids = _multi(_l("知会单位"))
    note = TextAreaField(_l("知会说明"), validators=[Optional(), Length(max=2000)])


class PauseForm(VersionedForm):
    """Stop the clock, with the reason."""

    reason = SelectField(_l("暂停原因"), choices=PauseReason.choices())
    note = TextAreaField(_l("说明"), validators=[Optional(), Length(max=2000)])


class ExtensionForm(VersionedForm):
    """Ask for more time, in the case's unit."""

    amount = IntegerField(
        _l("延长"),
        validators=[
            InputRequired(_l("请填写延期时长。")),
            NumberRange(min=1, message=_l("延期时长必须是正整数。")),
        ],
    )
    reason = TextAreaField(_l("延期理由"), validators=[Optional(), Length(max=2000)])


class DecisionForm(VersionedForm):
    """A leader's decision on an extension or an agency record."""

    item_id = HiddenField()
    note = TextAreaField(_l("意见"), validators=[Optional(), Length(max=2000)])


class DeadlineForm(VersionedForm):
    """A leader sets the case's deadline."""

    last_day = LocalDateField(_l("截止日期"), validators=[InputRequired(_l("请填写截止日期。"))])
    reason = TextAreaField(_l("理由"), validators=[Optional(), Length(max=2000)])


class AgencyForm(VersionedForm):
    """办事代理: who takes the matter over, and why."""

    agent_id = _dynamic(_l("代办人"))
    reason = TextAreaField(_l("代办原因"), validators=[Optional(), Length(max=2000)])


class DeliveryForm(VersionedForm):
    """上门送达: when, by whom, what."""

    item_id = HiddenField()
    delivered_at = LocalDateTimeField(
        _l("送达时间"), validators=[InputRequired(_l("请填写送达时间。"))]
    )
    delivered_by_id = _dynamic(_l("送达人"))
    items = TextAreaField(_l("送达内容"), validators=[Optional(), Length(max=2000)])


class ResolveForm(VersionedForm):
    """办结 with the outcome."""

    outcome = TextAreaField(_l("办理结果"), validators=[Optional(), Length(max=5000)])


class AttachmentForm(FlaskForm):
    """One file for the case."""

    file = FileField(_l("附件"), validators=[FileRequired(_l("请选择要上传的文件。"))])


class RectificationForm(FlaskForm):
    """What the office put right after a bad rating."""

    item_id = HiddenField()
    measures = TextAreaField(_l("整改措施"), validators=[Optional(), Length(max=5000)])


class FollowUpForm(FlaskForm):
    """回访 after the rectification."""

    item_id = HiddenField()
    called_at = LocalDateTimeField(
        _l("回访时间"), validators=[InputRequired(_l("请填写回访时间。"))]
    )
    reached = BooleanField(_l("已联系上群众"), default=True)
    resident_grade = SelectField(_l("群众对整改的评价"), choices=[("", "—")] + Grade.choices())
    note = TextAreaField(_l("回访记录"), validators=[Optional(), Length(max=2000)])


class AppealForm(FlaskForm):
    """The office appeals a rating."""

    reason = SelectField(_l("申诉理由"), choices=AppealReason.choices())
    statement = TextAreaField(_l("事实和依据"), validators=[Optional(), Length(max=5000)])


class AppealDecisionForm(FlaskForm):
    """A leader decides an appeal."""

    item_id = HiddenField()
    upheld = RadioField(
        _l("裁定"),
        choices=[("1", _l("申诉成立，该评价作废")), ("0", _l("申诉不成立，评价有效"))],
        validators=[InputRequired(_l("请选择裁定结果。"))],
    )
    note = TextAreaField(_l("裁定理由"), validators=[Optional(), Length(max=2000)])
