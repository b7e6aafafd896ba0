"""Staff screens over training records: people, sessions (with attendance taking and the
printable sign-in sheet), attendance, self-study, notes and techniques."""

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import FloatField, SelectMultipleField, TextAreaField, ValidationError
from wtforms.validators import StopValidation

from core.kit import (
    STALE_MESSAGE,
    Office,
    OfficeKind,
    OfficeScopedModelView,
    ScopedChoices,
    User,
    UserError,
    check_version,
    db,
    enum_choices,
    enum_label,
    local_today,
    permissions,
    scoped_office_ids,
    utc_now,
)
from plugins.training.access import (
    MANAGER_ROLES,
    PLUGIN,
    PluginTemplatesMixin,
    may_write_for,
    writable_people,
)
from plugins.training.errors import TrainingError
from plugins.training.models import (
    Attendance,
    AttendanceStatus,
    Group,
    LengthUnit,
    SelfStudyLog,
    SessionKind,
    StudyNote,
    Technique,
    TrainingPerson,
    TrainingSession,
)
from plugins.training.rules import count_note_characters
from plugins.training.services import (
    compute_session_days,
    generate_roster,
    move_person_rows,
    roster_office_ids,
)
from plugins.training.validation import (
    EARLIEST_DATE,
    VILLAGE_KINDS,
    check_attendance,
    check_day_total,
    check_hours,
    check_past_date,
    check_session,
    check_technique_unique,
)


def _office_id_from_relationship(model) -> None:
    """A form's office choice sets ``model.office``; the scoping checks read ``office_id``."""
    office = getattr(model, "office", None)
    if office is not None and model.office_id != office.id:
        model.office_id = office.id


def _person_link(view, context, model, name):
    person = model if isinstance(model, TrainingPerson) else model.person
    url = url_for("training_compliance.person", person_id=person.id)
    return Markup(f'<a href="{escape(url)}">{escape(person.name)}</a>')


def _groups_required(form, field):
    # A plain str message: Flask-Admin's form template skips lazy strings in field.errors.
    if not field.data:
        raise StopValidation(_("请至少选择一类应参加人员。"))


class GroupsField(SelectMultipleField):
    """The required groups of a session, stored as comma-separated Group values."""

    def process_data(self, value):
        if isinstance(value, str):
            value = [v for v in value.split(",") if v]
        super().process_data(value)

    def populate_obj(self, obj, name):
        setattr(obj, name, ",".join(self.data or []))


class _TrainingModelView(PluginTemplatesMixin, OfficeScopedModelView):
    """Shared behaviour: Chinese messages from TrainingError, the person choices."""

    def _limit_choices(self, form):
        """The person choices: the people whose records the user may enter (a view may
        declare its own in ``scoped_choices``)."""
        form = super()._limit_choices(form)
        if hasattr(form, "person") and "person" not in self.scoped_choices:
            form.person.query_factory = writable_people
        return form

    def validate_row(self, form, model, is_created):
        """Raise TrainingError for input that must not be saved."""

    def on_model_change(self, form, model, is_created):
        # The new row is already in the session: checks must not flush it half-filled.
        with db.session.no_autoflush:
            self._check_and_scope(form, model, is_created)

    def _check_and_scope(self, form, model, is_created):
        _office_id_from_relationship(model)
        person = getattr(model, "person", None)
        if "person_id" in model.__table__.c:
            if person is None:
                raise ValidationError(_("请选择人员。"))
            if not may_write_for(person):
                raise ValidationError(_("您不能为“%(name)s”登记或修改记录。", name=person.name))
            model.office_id = person.office_id
        try:
            self.validate_row(form, model, is_created)
        except TrainingError as exc:
            raise ValidationError(str(exc)) from exc
        super().on_model_change(form, model, is_created)

    def on_model_delete(self, model):
        person = getattr(model, "person", None)
        if person is not None and not may_write_for(person):
            raise ValidationError(_("您不能删除“%(name)s”的记录。", name=person.name))
        super().on_model_delete(model)


# --- people ----------------------------------------------------------------------------------


class PersonView(_TrainingModelView):
    """Cadres (linked to their staff account) and rural Party members (kept by their village)."""

    column_list = ("name", "group", "office", "user", "junior_middle_school_or_above",
                   "joined_on", "active")
    column_searchable_list = ("name",)
    column_filters = (sqla_filters.FilterEqual(TrainingPerson.group, _l("类别"),
                                               options=lambda: enum_choices(Group)),
                      "active", "office.name")
    column_sortable_list = ("name", "group", ("office", "office.name"), "joined_on", "active")
    column_default_sort = ("name", False)
    column_labels = {"name": _l("姓名"), "group": _l("类别"), "office": _l("单位"),
                     "user": _l("登录账号"), "junior_middle_school_or_above": _l("初中以上文化"),
                     "joined_on": _l("纳入考核日期"), "active": _l("在册"),
                     "remarks": _l("备注"), "office.name": _l("单位")}
    column_descriptions = {"joined_on": _l("从该日期之后的第一个整月开始考核（某月 1 日纳入则当月即考核）；留空表示全年考核。")}
    column_formatters = {"name": _person_link, "group": enum_label}
    column_details_list = ("name", "group", "office", "user", "junior_middle_school_or_above",
                           "joined_on", "active", "remarks")
    form_columns = ("name", "group", "office", "user", "junior_middle_school_or_above",
                    "joined_on", "active", "remarks")
    form_choices = {"group": enum_choices(Group)}
    form_args = {"user": {"description": _l("干部填写其登录账号；农村党员没有账号，留空。")}}
    column_export_list = ("name", "group", "office", "junior_middle_school_or_above",
                          "joined_on", "active")

    scoped_choices = {"user": ScopedChoices(User, where=(User.active,),
                                            order_by=(User.office_id, User.display_name))}

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
                taken = db.session.scalar(select(TrainingPerson.id).where(
                    TrainingPerson.user_id == model.user.id, TrainingPerson.id != (model.id or 0)))
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
        if model.self_study or model.notes or model.techniques or any(
                a.status != AttendanceStatus.PENDING for a in model.attendance):
            raise ValidationError(_("“%(name)s”已有学习记录，不能删除；请取消“在册”。",
                                    name=model.name))
        super().on_model_delete(model)


# --- sessions --------------------------------------------------------------------------------


def _session_actions(view, context, model, name):
    take = url_for(".take_attendance", id=model.id)
    sheet = url_for(".sign_in_sheet", id=model.id)
    return Markup(f'<a href="{escape(take)}">{escape(_("考勤"))}</a> · '
                  f'<a href="{escape(sheet)}">{escape(_("签到表"))}</a>')


def _session_length(view, context, model, name):
    return _("%(value)s %(unit)s（%(days)s 天）", value=format(model.length_value, "g"),
             unit=model.length_unit.label, days=format(model.days, ".2f"))


def _session_groups(view, context, model, name):
    return _("、").join(g.label for g in model.group_list)


class SessionView(_TrainingModelView):
    """Township collective training and village collective study; roster made on creation."""

    column_list = ("held_on", "kind", "topic", "office", "length_value", "organiser",
                   "required_groups", "actions")
    column_searchable_list = ("topic", "organiser")
    column_filters = (sqla_filters.FilterEqual(TrainingSession.kind, _l("类型"),
                                               options=lambda: enum_choices(SessionKind)),
                      "held_on", "office.name")
    column_sortable_list = ("held_on", "kind", "topic", ("office", "office.name"))
    column_default_sort = ("held_on", True)
    column_labels = {"held_on": _l("日期"), "kind": _l("类型"), "topic": _l("主题"),
                     "office": _l("举办单位"), "length_value": _l("时长"),
                     "length_unit": _l("时长单位"), "organiser": _l("组织者"),
                     "location": _l("地点"), "required_groups": _l("应参加人员"),
                     "actions": _l("操作"), "days": _l("折合天数"), "office.name": _l("举办单位")}
    column_formatters = {"kind": enum_label, "length_value": _session_length,
                         "required_groups": _session_groups, "actions": _session_actions}
    column_details_list = ("held_on", "kind", "topic", "office", "length_value", "days",
                           "organiser", "location", "required_groups")
    column_export_list = ("held_on", "kind", "topic", "office", "length_value", "length_unit",
                          "days", "organiser", "location", "required_groups")
    form_columns = ("kind", "topic", "held_on", "length_value", "length_unit", "organiser",
                    "location", "required_groups", "office")
    form_choices = {"kind": enum_choices(SessionKind), "length_unit": enum_choices(LengthUnit)}
    # Flask-Admin 2.2.1 finds no converter for SQLAlchemy 2.1's Float (no longer a Numeric)
    # and silently drops the field; name the field class explicitly.
    form_overrides = {"required_groups": GroupsField, "length_value": FloatField}
    form_args = {
        "required_groups": {"choices": enum_choices(Group),
                            "validators": [_groups_required],
                            "description": _l("签到名单由举办单位及其下级单位中这些类别的在册人员生成。")},
        "length_value": {"description": _l("按天或按课时填写，以 0.5 为单位；课时按本单位“每天课时数”折合天数。")},
    }

    def validate_row(self, form, model, is_created):
        office_id = model.office_id
        if office_id is None and not permissions.sees_all_offices(current_user):
            office_id = current_user.office_id
        office = db.session.get(Office, office_id) if office_id else None
        check_session(model.kind, office, model.length_value, model.length_unit,
                      [g.value for g in model.group_list])
        if model.held_on is None:
            raise TrainingError(_("请填写培训日期。"))
        model.topic = (model.topic or "").strip()
        if not model.topic:
            raise TrainingError(_("请填写主题。"))
        if not is_created and model.held_on > local_today():
            with db.session.no_autoflush:
                marked = db.session.scalar(select(Attendance.id).where(
                    Attendance.session_id == model.id,
                    Attendance.status != AttendanceStatus.PENDING))
            if marked:
                raise TrainingError(_("该培训已登记出勤，不能改到今天之后的日期。"))
        if office_id is not None:
            model.office_id = office_id
            model.days = compute_session_days(model)

    def on_model_delete(self, model):
        taken = any(a.status != AttendanceStatus.PENDING for a in model.attendance)
        if taken and current_user.role not in MANAGER_ROLES:
            raise ValidationError(_("该培训已登记出勤，只有管理员或领导可以删除。"))
        super().on_model_delete(model)

    def after_model_change(self, form, model, is_created):
        if is_created:
            added = generate_roster(model)
            db.session.commit()
            flash(_("已生成签到名单：%(n)d 人。", n=added), "success")
        super().after_model_change(form, model, is_created)

    # --- attendance taking and the sign-in sheet ------------------------------------------

    def _roster(self, session):
        return sorted(session.attendance, key=lambda a: (a.office_id, a.person.name, a.id))

    @expose("/take/", methods=["GET", "POST"])
    def take_attendance(self):
        """Mark each roster row present / excused (with reason) / absent, all or nothing."""
        session = self.get_one(request.args.get("id", ""))
        roster = self._roster(session)
        errors: list[str] = []
        if request.method == "POST":
            errors = self._save_attendance(session, roster)
            if not errors:
                return redirect(url_for(".take_attendance", id=session.id))
        return self.render("training/attendance.html", session=session, roster=roster,
                           errors=errors, statuses=AttendanceStatus,
                           form_values=request.form if errors else None,
                           can_write=not permissions.is_read_only(current_user),
                           future=session.held_on > local_today())

    def _save_attendance(self, session, roster) -> list[str]:
        today = local_today()
        errors, changes = [], []
        for row in roster:
            raw = request.form.get(f"status-{row.id}")
            if raw is None:
                continue
            try:
                status = AttendanceStatus(raw)
            except ValueError:
                errors.append(_("%(name)s：无效的出勤状态。", name=row.person.name))
                continue
            reason = (request.form.get(f"reason-{row.id}") or "").strip() or None
            try:
                check_version(row, request.form.get(f"version-{row.id}"))
                check_attendance(session.held_on, status, reason, today)
            except UserError as exc:
                errors.append(_("%(name)s：%(error)s", name=row.person.name, error=str(exc)))
                continue
            reason = reason if status == AttendanceStatus.EXCUSED else None
            if (status, reason) != (row.status, row.excuse_reason):
                changes.append((row, status, reason))
        if errors:
            db.session.rollback()
            return errors
        for row, status, reason in changes:
            row.status, row.excuse_reason = status, reason
            row.recorded_by_id, row.recorded_at = current_user.id, utc_now()
        try:
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            return [str(STALE_MESSAGE)]
        flash(_("已保存 %(n)d 人的出勤。", n=len(changes)), "success")
        return []

    @expose("/roster/", methods=["POST"])
    def refresh_roster(self):
        """Add required people missing from the roster (joined later, groups changed)."""
        session = self.get_one(request.args.get("id", ""))
        added = generate_roster(session)
        db.session.commit()
        flash(_("已补充 %(n)d 人到签到名单。", n=added), "success")
        return redirect(url_for(".take_attendance", id=session.id))

    @expose("/sheet/")
    def sign_in_sheet(self):
        """A printable sign-in sheet (签到表) with an empty signature column."""
        session = self.get_one(request.args.get("id", ""))
        return self.render("training/sign_in_sheet.html", session=session,
                           roster=self._roster(session))


# --- attendance, self-study, notes, techniques ------------------------------------------------


class AttendanceView(_TrainingModelView):
    """Single attendance rows: add one person to a roster, correct a mark."""

    column_list = ("session", "person", "office", "status", "excuse_reason", "recorded_at")
    column_filters = (sqla_filters.FilterEqual(Attendance.status, _l("出勤"),
                                               options=lambda: enum_choices(AttendanceStatus)),
                      "session.held_on", "office.name")
    column_searchable_list = ("person.name", "session.topic")
    column_sortable_list = (("session", "session.held_on"), ("person", "person.name"), "status")
    column_default_sort = ("id", True)
    column_labels = {"session": _l("培训"), "person": _l("人员"), "office": _l("单位"),
                     "status": _l("出勤"), "excuse_reason": _l("请假事由"),
                     "recorded_at": _l("登记时间"), "session.held_on": _l("培训日期"),
                     "office.name": _l("单位"), "person.name": _l("姓名"),
                     "session.topic": _l("主题")}
    column_formatters = {"status": enum_label, "person": _person_link}
    form_columns = ("session", "person", "status", "excuse_reason")
    form_choices = {"status": enum_choices(AttendanceStatus)}

    # Taking attendance is the clerk's job: every active person in scope, not only self; the
    # sessions of the offices in scope and of those above them (a township training).
    scoped_choices = {
        "person": ScopedChoices(TrainingPerson, where=(TrainingPerson.active,),
                                order_by=(TrainingPerson.office_id, TrainingPerson.name)),
        "session": ScopedChoices(TrainingSession, order_by=(TrainingSession.held_on.desc(),),
                                 parent_offices=True),
    }

    def _check_and_scope(self, form, model, is_created):
        _office_id_from_relationship(model)
        person = model.person
        if person is None or model.session is None:
            raise ValidationError(_("请选择培训和人员。"))
        if permissions.is_read_only(current_user) or \
                person.office_id not in scoped_office_ids(current_user, PLUGIN):
            raise ValidationError(_("您不能为“%(name)s”登记出勤。", name=person.name))
        try:
            check_attendance(model.session.held_on, model.status, model.excuse_reason,
                             local_today())
        except TrainingError as exc:
            raise ValidationError(str(exc)) from exc
        if person.office_id not in roster_office_ids(model.session):
            raise ValidationError(_("“%(name)s”所在单位不在这次培训的参加范围内。",
                                    name=person.name))
        with db.session.no_autoflush:
            duplicate = db.session.scalar(select(Attendance.id).where(
                Attendance.session_id == model.session.id, Attendance.person_id == person.id,
                Attendance.id != (model.id or 0)))
        if duplicate:
            raise ValidationError(_("“%(name)s”已在“%(session)s”的名单中，不能重复登记出勤。",
                                    name=person.name, session=str(model.session)))
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


class SelfStudyView(_TrainingModelView):
    """Self-study class hours: staff log their own, a village clerk logs for Party members."""

    column_list = ("studied_on", "person", "office", "hours", "topic")
    column_filters = ("studied_on", "office.name", "person.name")
    column_searchable_list = ("topic", "person.name")
    column_sortable_list = ("studied_on", ("person", "person.name"), "hours")
    column_default_sort = ("studied_on", True)
    column_labels = {"studied_on": _l("日期"), "person": _l("人员"), "office": _l("单位"),
                     "hours": _l("学时（课时）"), "topic": _l("学习内容"),
                     "office.name": _l("单位"), "person.name": _l("姓名")}
    column_formatters = {"person": _person_link}
    form_columns = ("person", "studied_on", "hours", "topic")
    form_overrides = {"hours": FloatField}  # see SessionView.form_overrides
    form_args = {"hours": {"description": _l("大于 0、不超过 24，以 0.5 为单位。")}}

    def validate_row(self, form, model, is_created):
        check_hours(model.hours)
        check_past_date(model.studied_on, local_today(), _("自学"))
        model.topic = (model.topic or "").strip()
        if not model.topic:
            raise TrainingError(_("请填写学习内容。"))
        check_day_total(model.person.id, model.studied_on, model.hours,
                        exclude_id=None if is_created else model.id)
        if is_created:
            model.logged_by_id = current_user.id


class NoteView(_TrainingModelView):
    """Study notes; the character count is kept by the system (see rules.count_note_characters)."""

    column_list = ("written_on", "person", "office", "title", "char_count")
    column_filters = ("written_on", "office.name", "person.name")
    column_searchable_list = ("title", "person.name")
    column_sortable_list = ("written_on", ("person", "person.name"), "char_count")
    column_default_sort = ("written_on", True)
    column_labels = {"written_on": _l("日期"), "person": _l("人员"), "office": _l("单位"),
                     "title": _l("标题"), "content": _l("笔记内容"), "char_count": _l("字数"),
                     "office.name": _l("单位"), "person.name": _l("姓名")}
    column_formatters = {"person": _person_link}
    column_details_list = ("written_on", "person", "title", "char_count", "content")
    form_columns = ("person", "written_on", "title", "content")
    form_overrides = {"content": TextAreaField}
    form_widget_args = {"content": {"rows": 16}}
    form_args = {"content": {"description": _l("字数按可见字符计算：汉字、标点、字母、数字各计 1 个，空格和换行不计。")}}

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


class TechniqueView(_TrainingModelView):
    """Practical techniques mastered (实用技术), one row per person and technique."""

    column_list = ("person", "office", "name", "mastered_on", "remarks")
    column_filters = ("mastered_on", "office.name", "person.name")
    column_searchable_list = ("name", "person.name")
    column_sortable_list = (("person", "person.name"), "name", "mastered_on")
    column_labels = {"person": _l("人员"), "office": _l("单位"), "name": _l("实用技术名称"),
                     "mastered_on": _l("掌握日期"), "remarks": _l("备注"),
                     "office.name": _l("单位"), "person.name": _l("姓名")}
    column_formatters = {"person": _person_link}
    form_columns = ("person", "name", "mastered_on", "remarks")

    def validate_row(self, form, model, is_created):
        model.name = (model.name or "").strip()
        if not model.name:
            raise TrainingError(_("请填写实用技术名称。"))
        check_past_date(model.mastered_on, local_today(), _("掌握"))
        check_technique_unique(model.person.id, model.name,
                               exclude_id=None if is_created else model.id)


def model_views() -> list:
    """The CRUD screens, in menu order."""
    return [
        PersonView(TrainingPerson, db, name=_l("人员名册"), endpoint="people"),
        SessionView(TrainingSession, db, name=_l("集中培训与学习"), endpoint="sessions"),
        AttendanceView(Attendance, db, name=_l("出勤记录"), endpoint="attendance"),
        SelfStudyView(SelfStudyLog, db, name=_l("自学记录"), endpoint="self_study"),
        NoteView(StudyNote, db, name=_l("学习笔记"), endpoint="notes"),
        TechniqueView(Technique, db, name=_l("实用技术"), endpoint="techniques"),
    ]
