"""Single records of a person: attendance rows, self-study hours, study notes and practical
techniques."""

from flask_admin.contrib.sqla import filters as sqla_filters
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import FloatField, TextAreaField, ValidationError

from core.kit import (
    OfficeScopedModelView,
    ScopedChoices,
    db,
    enum_choices,
    in_scope,
    local_today,
    permissions,
    utc_now,
)
from plugins.training.admin.base import TrainingModelView, person_link
from plugins.training.errors import TrainingError
from plugins.training.models import Attendance, AttendanceStatus, TrainingPerson, TrainingSession
from plugins.training.rules import count_note_characters
from plugins.training.services import MANAGER_ROLES, PLUGIN, roster_office_ids
from plugins.training.validation import (
    check_attendance,
    check_day_total,
    check_hours,
    check_past_date,
    check_technique_unique,
)

# the labels of the person and office columns every record list shows
PERSON_LABELS = {
    "person": _l("人员"),
    "office": _l("单位"),
    "office.name": _l("单位"),
    "person.name": _l("姓名"),
}


class AttendanceView(TrainingModelView):
    """Single attendance rows: add one person to a roster, correct a mark."""

    column_list = ("session", "person", "office", "status", "excuse_reason", "recorded_at")
    column_filters = (
        sqla_filters.FilterEqual(
            Attendance.status, _l("出勤"), options=lambda: enum_choices(AttendanceStatus)
        ),
        "session.held_on",
        "office.name",
    )
    column_searchable_list = ("person.name", "session.topic")
    column_sortable_list = (("session", "session.held_on"), ("person", "person.name"), "status")
    column_default_sort = ("id", True)
    column_labels = {
        **PERSON_LABELS,
        "session": _l("培训"),
        "status": _l("出勤"),
        "excuse_reason": _l("请假事由"),
        "recorded_at": _l("登记时间"),
        "session.held_on": _l("培训日期"),
        "session.topic": _l("主题"),
    }
    column_formatters = {"person": person_link}
    form_columns = ("session", "person", "status", "excuse_reason")
    form_choices = {"status": enum_choices(AttendanceStatus)}

    # Taking attendance is the clerk's job: every active person in scope, not only self; the
    # sessions of the offices in scope and of those above them (a township training).
    scoped_choices = {
        "person": ScopedChoices(
            TrainingPerson,
            where=(TrainingPerson.active,),
            order_by=(TrainingPerson.office_id, TrainingPerson.name),
        ),
        "session": ScopedChoices(
            TrainingSession, order_by=(TrainingSession.held_on.desc(),), parent_offices=True
        ),
    }

    def _check_and_scope(self, form, model, is_created):
        person = model.person
        if person is None or model.session is None:
            raise ValidationError(_("请选择培训和人员。"))
        if permissions.is_read_only(current_user) or not in_scope(
            person.office_id, current_user, PLUGIN
        ):
            raise ValidationError(_("您不能为“%(name)s”登记出勤。", name=person.name))
        try:
            check_attendance(
                model.session.held_on, model.status, model.excuse_reason, local_today()
            )
        except TrainingError as exc:
            raise ValidationError(str(exc)) from exc
        if person.office_id not in roster_office_ids(model.session):
            raise ValidationError(
                _("“%(name)s”所在单位不在这次培训的参加范围内。", name=person.name)
            )
        with db.session.no_autoflush:
            duplicate = db.session.scalar(
                select(Attendance.id).where(
                    Attendance.session_id == model.session.id,
                    Attendance.person_id == person.id,
                    Attendance.id != (model.id or 0),
                )
            )
        if duplicate:
            raise ValidationError(
                _(
                    "“%(name)s”已在“%(session)s”的名单中，不能重复登记出勤。",
                    name=person.name,
                    session=str(model.session),
                )
            )
        model.office_id = person.office_id
        if model.status != AttendanceStatus.EXCUSED:
            model.excuse_reason = None
        if model.status != AttendanceStatus.PENDING:
            model.recorded_by_id, model.recorded_at = current_user.id, utc_now()
        OfficeScopedModelView.on_model_change(self, form, model, is_created)

    def on_model_delete(self, model):
        if current_user.role not in MANAGER_ROLES:
            raise ValidationError(_("只有管理员或领导可以从名单中移除人员。"))
        OfficeScopedModelView.on_model_delete(self, model)


class SelfStudyView(TrainingModelView):
    """Self-study class hours: staff log their own, a village clerk logs for Party members."""

    column_list = ("studied_on", "person", "office", "hours", "topic")
    column_filters = ("studied_on", "office.name", "person.name")
    column_searchable_list = ("topic", "person.name")
    column_sortable_list = ("studied_on", ("person", "person.name"), "hours")
    column_default_sort = ("studied_on", True)
    column_labels = {
        **PERSON_LABELS,
        "studied_on": _l("日期"),
        "hours": _l("学时（课时）"),
        "topic": _l("学习内容"),
    }
    column_formatters = {"person": person_link}
    form_columns = ("person", "studied_on", "hours", "topic")
    form_overrides = {"hours": FloatField}  # see SessionView.form_overrides
    form_args = {"hours": {"description": _l("大于 0、不超过 24，以 0.5 为单位。")}}

    def validate_row(self, form, model, is_created):
        check_hours(model.hours)
        check_past_date(model.studied_on, local_today(), _("自学"))
        model.topic = (model.topic or "").strip()
        if not model.topic:
            raise TrainingError(_("请填写学习内容。"))
        check_day_total(
            model.person.id,
            model.studied_on,
            model.hours,
            exclude_id=None if is_created else model.id,
        )
        if is_created:
            model.logged_by_id = current_user.id


class NoteView(TrainingModelView):
    """Study notes; the character count is kept by the system (see rules.count_note_characters)."""

    column_list = ("written_on", "person", "office", "title", "char_count")
    column_filters = ("written_on", "office.name", "person.name")
    column_searchable_list = ("title", "person.name")
    column_sortable_list = ("written_on", ("person", "person.name"), "char_count")
    column_default_sort = ("written_on", True)
    column_labels = {
        **PERSON_LABELS,
        "written_on": _l("日期"),
        "title": _l("标题"),
        "content": _l("笔记内容"),
        "char_count": _l("字数"),
    }
    column_formatters = {"person": person_link}
    column_details_list = ("written_on", "person", "title", "char_count", "content")
    form_columns = ("person", "written_on", "title", "content")
    form_overrides = {"content": TextAreaField}
    form_widget_args = {"content": {"rows": 16}}
    form_args = {
        "content": {
            "description": _l(
                "字数按可见字符计算：汉字、标点、字母、数字各计 1 个，空格和换行不计。"
            )
        }
    }

    def validate_row(self, form, model, is_created):
        check_past_date(model.written_on, local_today(), _("笔记"))
        model.title = (model.title or "").strip()
        if not model.title:
            raise TrainingError(_("请填写标题。"))
        model.char_count = count_note_characters(model.content)
        if model.char_count == 0:
            raise TrainingError(_("笔记内容不能为空。"))
        if is_created:
            model.logged_by_id = current_user.id


class TechniqueView(TrainingModelView):
    """Practical techniques mastered (实用技术), one row per person and technique."""

    column_list = ("person", "office", "name", "mastered_on", "remarks")
    column_filters = ("mastered_on", "office.name", "person.name")
    column_searchable_list = ("name", "person.name")
    column_sortable_list = (("person", "person.name"), "name", "mastered_on")
    column_labels = {
        **PERSON_LABELS,
        "name": _l("实用技术名称"),
        "mastered_on": _l("掌握日期"),
        "remarks": _l("备注"),
    }
    column_formatters = {"person": person_link}
    form_columns = ("person", "name", "mastered_on", "remarks")

    def validate_row(self, form, model, is_created):
        model.name = (model.name or "").strip()
        if not model.name:
            raise TrainingError(_("请填写实用技术名称。"))
        check_past_date(model.mastered_on, local_today(), _("掌握"))
        check_technique_unique(
            model.person.id, model.name, exclude_id=None if is_created else model.id
        )
