"""The thresholds an office admin may change (the rulebook's numbers are the defaults)."""

from flask import abort, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import FloatField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from core.kit import ModuleView, Office, Role, db, enum_choices, permissions, run, scoped_offices
from plugins.training.admin.base import PluginTemplatesMixin, int_arg
from plugins.training.models import ExcusedPolicy, TrainingSettings
from plugins.training.rules import DEFAULT_RULES, RULE_FIELDS, resolve_rules
from plugins.training.services import PLUGIN, SETTINGS_ROLES, reset_settings, save_settings


class SettingsForm(FlaskForm):
    """The thresholds of one office; labels say what each number is in the rulebook."""

    class_hours_per_day = FloatField(
        _l("每天折合课时数"),
        [InputRequired(_l("请填写。")), NumberRange(1, 12, _l("每天课时数应在 1 到 12 之间。"))],
        description=_l("按课时登记的集中培训按此折合天数（默认 6 课时 = 1 天）。"),
    )
    township_training_days_min = FloatField(
        _l("镇集中培训每月不少于（天）"),
        [InputRequired(_l("请填写。")), NumberRange(0, 31, _l("应在 0 到 31 天之间。"))],
    )
    village_study_days_min = FloatField(
        _l("村集中学习每月不少于（天）"),
        [InputRequired(_l("请填写。")), NumberRange(0, 31, _l("应在 0 到 31 天之间。"))],
    )
    self_study_hours_min = FloatField(
        _l("每人每月自学不少于（课时）"),
        [InputRequired(_l("请填写。")), NumberRange(0, 744, _l("应在 0 到 744 课时之间。"))],
    )
    participation_township_cadre_pct = IntegerField(
        _l("镇干部参训率不低于（%）"),
        [InputRequired(_l("请填写。")), NumberRange(0, 100, _l("百分比应在 0 到 100 之间。"))],
    )
    participation_village_cadre_pct = IntegerField(
        _l("村干部参训率不低于（%）"),
        [InputRequired(_l("请填写。")), NumberRange(0, 100, _l("百分比应在 0 到 100 之间。"))],
        description=_l("制度未单列村干部；默认按农村党员 85% 计。"),
    )
    participation_party_member_pct = IntegerField(
        _l("农村党员参训率不低于（%）"),
        [InputRequired(_l("请填写。")), NumberRange(0, 100, _l("百分比应在 0 到 100 之间。"))],
    )
    excused_policy = SelectField(_l("请假如何计入参训率"), choices=enum_choices(ExcusedPolicy))
    techniques_min = IntegerField(
        _l("镇、村干部掌握实用技术不少于（项）"),
        [InputRequired(_l("请填写。")), NumberRange(0, 100, _l("应在 0 到 100 项之间。"))],
    )
    notes_min_chars = IntegerField(
        _l("镇、村干部每年学习笔记不少于（字）"),
        [
            InputRequired(_l("请填写。")),
            NumberRange(0, 1_000_000, _l("应在 0 到 1000000 字之间。")),
        ],
    )
    party_member_notes_min_chars = IntegerField(
        _l("初中以上文化的农村党员每年学习笔记不少于（字）"),
        [Optional(), NumberRange(0, 1_000_000, _l("应在 0 到 1000000 字之间。"))],
        description=_l("制度原文此处缺少字数；留空表示不考核。"),
    )


class SettingsView(PluginTemplatesMixin, ModuleView):
    """Township and office admins set their office's thresholds; others read them."""

    allowed_roles = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN, Role.LEADER, Role.AUDITOR})

    @staticmethod
    def _offices() -> list[Office]:
        """Township admins and auditors may set (or read) any office, the township itself
        included, so that one setting at the top is inherited by every unit below; others
        their own office."""
        if permissions.sees_all_offices(current_user):
            return list(db.session.scalars(select(Office).order_by(Office.sort_order, Office.code)))
        return scoped_offices(current_user, PLUGIN)

    def _office(self) -> Office:
        offices = self._offices()
        office_id = int_arg("office", None, 1, 2**31)
        if office_id is None:
            own = [o for o in offices if o.id == current_user.office_id]
            if not own and not offices:
                abort(404)
            return own[0] if own else offices[0]
        for office in offices:
            if office.id == office_id:
                return office
        abort(404)

    @expose("/", methods=["GET", "POST"])
    def index(self):
        """Show one office's thresholds; admins save them or go back to inheriting."""
        office = self._office()
        row = db.session.get(TrainingSettings, office.id)
        effective = resolve_rules([office.id])[office.id]
        may_edit = current_user.role in SETTINGS_ROLES and not permissions.is_read_only(
            current_user
        )
        form = SettingsForm(
            data={
                **{f: getattr(effective, f) for f in RULE_FIELDS},
                "excused_policy": ExcusedPolicy(effective.excused_policy).value,
            }
        )
        if request.method == "POST":
            if not may_edit:
                abort(403)
            back = url_for(".index", office=office.id)
            if request.form.get("reset") == "1":
                return run(
                    lambda: reset_settings(office, row),
                    row=row,
                    back=back,
                    success=_(
                        "“%(office)s”已恢复沿用上级单位或制度默认的标准。", office=office.name
                    ),
                )
            form = SettingsForm()
            if form.validate_on_submit():
                values = {name: getattr(form, name).data for name in RULE_FIELDS}
                return run(
                    lambda: save_settings(
                        office, row, values, form.excused_policy.data, current_user.id
                    ),
                    row=row,
                    back=back,
                    success=_("已保存“%(office)s”的学习培训达标标准。", office=office.name),
                )
        inherited_from = None
        if row is None:
            inherited_from = self._source_office(office)
        return self.render(
            "training/admin/settings.html",
            form=form,
            office=office,
            row=row,
            offices=self._offices(),
            may_edit=may_edit,
            defaults=DEFAULT_RULES,
            inherited_from=inherited_from,
        )

    @staticmethod
    def _source_office(office: Office) -> Office | None:
        for ancestor in reversed(office.ancestors()):
            if db.session.get(TrainingSettings, ancestor.id) is not None:
                return ancestor
        return None
