"""The people on the training roll: cadres (linked to their staff account) and rural Party
members (kept by their village)."""

from flask_admin.contrib.sqla import filters as sqla_filters
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import ValidationError

from core.kit import Office, OfficeKind, ScopedChoices, User, db, enum_choices
from plugins.training.admin.base import TrainingModelView, person_link
from plugins.training.errors import TrainingError
from plugins.training.models import AttendanceStatus, Group, TrainingPerson
from plugins.training.services import MANAGER_ROLES, move_person_rows
from plugins.training.validation import EARLIEST_DATE, VILLAGE_KINDS


class PersonView(TrainingModelView):
    """Cadres (linked to their staff account) and rural Party members (kept by their village)."""

    column_list = (
        "name",
        "group",
        "office",
        "user",
        "junior_middle_school_or_above",
        "joined_on",
        "active",
    )
    column_searchable_list = ("name",)
    column_filters = (
        sqla_filters.FilterEqual(
            TrainingPerson.group, _l("类别"), options=lambda: enum_choices(Group)
        ),
        "active",
        "office.name",
    )
    column_sortable_list = ("name", "group", ("office", "office.name"), "joined_on", "active")
    column_default_sort = ("name", False)
    column_labels = {
        "name": _l("姓名"),
        "group": _l("类别"),
        "office": _l("单位"),
        "user": _l("登录账号"),
        "junior_middle_school_or_above": _l("初中以上文化"),
        "joined_on": _l("纳入考核日期"),
        "active": _l("在册"),
        "remarks": _l("备注"),
        "office.name": _l("单位"),
    }
    column_descriptions = {
        "joined_on": _l(
            "从该日期之后的第一个整月开始考核（某月 1 日纳入则当月即考核）；留空表示全年考核。"
        )
    }
    column_formatters = {"name": person_link}
    column_details_list = (
        "name",
        "group",
        "office",
        "user",
        "junior_middle_school_or_above",
        "joined_on",
        "active",
        "remarks",
    )
    form_columns = column_details_list  # the form edits what the details show
    form_choices = {"group": enum_choices(Group)}
    form_args = {"user": {"description": _l("干部填写其登录账号；农村党员没有账号，留空。")}}
    column_export_list = (
        "name",
        "group",
        "office",
        "junior_middle_school_or_above",
        "joined_on",
        "active",
    )

    scoped_choices = {
        "user": ScopedChoices(
            User, where=(User.active,), order_by=(User.office_id, User.display_name)
        )
    }

    def _limit_choices(self, form):
        """Staff may link only their own account; managers any active account in scope."""
        form = super()._limit_choices(form)
        if hasattr(form, "user") and current_user.role not in MANAGER_ROLES:
            form.user.query_factory = lambda: [db.session.get(User, current_user.id)]
        return form

    def validate_row(self, form, model, is_created):
        group = Group(model.group) if model.group else None
        if group is None:
            raise TrainingError(_("请选择人员类别。"))
        model.name = (model.name or "").strip()
        if not model.name:
            raise TrainingError(_("请填写人员姓名。"))
        if model.user is not None:
            if group == Group.RURAL_PARTY_MEMBER:
                raise TrainingError(_("农村党员不关联登录账号；干部请选择“镇干部”或“村干部”。"))
            if current_user.role not in MANAGER_ROLES and model.user.id != current_user.id:
                raise TrainingError(_("工作人员只能把自己的账号登记为干部。"))
            with db.session.no_autoflush:
                taken = db.session.scalar(
                    select(TrainingPerson.id).where(
                        TrainingPerson.user_id == model.user.id,
                        TrainingPerson.id != (model.id or 0),
                    )
                )
            if taken:
                raise TrainingError(_("账号“%(u)s”已登记为学习培训人员。", u=model.user.username))
            model.office, model.office_id = model.user.office, model.user.office_id
        elif current_user.role not in MANAGER_ROLES and group != Group.RURAL_PARTY_MEMBER:
            raise TrainingError(_("工作人员可以登记本单位的农村党员，或关联自己的账号登记为干部。"))
        office = db.session.get(Office, model.office_id or current_user.office_id)
        if group == Group.RURAL_PARTY_MEMBER and OfficeKind(office.kind) not in VILLAGE_KINDS:
            raise TrainingError(_("农村党员须登记在村（社区）单位下。"))
        if model.joined_on is not None and model.joined_on < EARLIEST_DATE:
            raise TrainingError(_("纳入考核日期过早，请检查。"))

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if not is_created:
            with db.session.no_autoflush:
                move_person_rows(model)

    def on_model_delete(self, model):
        if (
            model.self_study
            or model.notes
            or model.techniques
            or any(a.status != AttendanceStatus.PENDING for a in model.attendance)
        ):
            raise ValidationError(
                _("“%(name)s”已有学习记录，不能删除；请取消“在册”。", name=model.name)
            )
        super().on_model_delete(model)
