"""信访旁听: receptions by the Party secretary or township head, with observers and the
petitions heard."""

from flask_admin.model.form import InlineFormAdmin
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import ValidationError

from core.kit import (
    OfficeScopedModelView,
    as_utc,
)
from plugins.petitions.admin.common import (
    scoped_petitions,
)
from plugins.petitions.models import (
    HostRole,
    ObserverCategory,
    SessionHearing,
    SessionObserver,
)


class _ObserverInline(InlineFormAdmin):
    form_columns = ("id", "category", "name", "unit", "opinions", "suggestions")
    form_label = _l("旁听人员")
    column_labels = {
        "category": _l("类别"),
        "name": _l("姓名"),
        "unit": _l("单位/身份"),
        "opinions": _l("意见"),
        "suggestions": _l("建议"),
    }
    form_choices = {"category": ObserverCategory.choices()}

    def __init__(self):
        super().__init__(SessionObserver)


class _HearingInline(InlineFormAdmin):
    form_columns = (
        "id",
        "petition",
        "notes",
        "referred_to_collective",
        "meeting_held_at",
        "meeting_decision",
    )
    form_label = _l("接待的信访事项")
    column_labels = {
        "petition": _l("信访事项"),
        "notes": _l("接待情况"),
        "referred_to_collective": _l("提交党政领导班子集体协商"),
        "meeting_held_at": _l("集体协商日期"),
        "meeting_decision": _l("集体协商决定"),
    }

    def __init__(self):
        super().__init__(
            SessionHearing,
            form_args={
                "petition": {"query_factory": lambda: scoped_petitions(), "allow_blank": False}
            },
        )


class ReceptionSessionView(OfficeScopedModelView):
    """信访旁听: receptions by the Party secretary or township head with observers."""

    column_list = ("held_at", "host_role", "host_name", "convenor_name", "place", "office")
    column_labels = {
        "held_at": _l("接待时间"),
        "host_role": _l("接待领导职务"),
        "host_name": _l("接待领导"),
        "convenor_name": _l("召集人（党委常务副书记）"),
        "place": _l("地点"),
        "summary": _l("接待情况"),
        "office": _l("单位"),
        "observers": _l("旁听人员"),
        "hearings": _l("接待的信访事项"),
    }
    column_default_sort = ("held_at", True)
    column_export_list = ("held_at", "host_role", "host_name", "convenor_name", "place", "office")
    form_columns = (
        "office",
        "held_at",
        "place",
        "host_role",
        "host_name",
        "convenor_name",
        "summary",
    )
    form_choices = {"host_role": HostRole.choices()}
    inline_models = (_ObserverInline(), _HearingInline())
    allow_delete = False
    details_template = "petitions/admin/reception_details.html"

    def on_model_change(self, form, model, is_created):  # noqa: C901
        """Observers come from the rulebook's categories; heard petitions are the office's own;
        a collective decision needs the referral and its date."""
        super().on_model_change(form, model, is_created)
        if not model.host_name or not model.convenor_name:
            raise ValidationError(_("请填写接待领导和召集人。"))
        if not model.observers:
            raise ValidationError(_("旁听制度要求有旁听人员，请至少登记一名旁听人员。"))
        office_id = self.office_id_of(model)  # a choice in the form is not on office_id yet
        model.office_id = office_id
        for observer in model.observers:
            observer.office_id = office_id
            if not observer.name:
                raise ValidationError(_("请填写旁听人员姓名。"))
            try:
                ObserverCategory(observer.category)
            except ValueError:
                raise ValidationError(_("旁听人员类别不正确。")) from None
        for hearing in model.hearings:
            hearing.office_id = office_id
            if hearing.petition is None or hearing.petition.office_id != office_id:
                raise ValidationError(_("只能登记本单位的信访事项。"))
            if hearing.meeting_decision and not hearing.referred_to_collective:
                raise ValidationError(_("登记集体协商决定前，请勾选“提交党政领导班子集体协商”。"))
            if hearing.meeting_decision and not hearing.meeting_held_at:
                raise ValidationError(_("请填写集体协商日期。"))
            # The inline form's date comes naive (not yet through the UTCDateTime column).
            if (
                hearing.meeting_held_at
                and model.held_at
                and as_utc(hearing.meeting_held_at) < as_utc(model.held_at).replace(hour=0)
            ):
                raise ValidationError(_("集体协商日期不能早于接待日期。"))
