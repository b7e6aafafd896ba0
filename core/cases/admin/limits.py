"""公示时限: the offices' own published limits."""

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import ValidationError

from core.admin.base import OfficeScopedModelView
from core.cases.admin.common import UNIT_LABELS
from core.cases.categories import all_categories, category_title, get_category
from core.models import Role
from core.sla import Limit, LimitUnit, compute_due
from core.time import LOCAL_ZONE


class OfficeLimitView(OfficeScopedModelView):
    """公示时限: an office's own limit per category, never longer than the rulebook allows."""

    allowed_roles = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN, Role.LEADER, Role.AUDITOR})
    column_list = ("office", "category", "amount", "unit", "note", "updated_at")
    column_labels = {
        "office": _l("单位"),
        "category": _l("事项类别"),
        "amount": _l("时限"),
        "unit": _l("单位（计时）"),
        "note": _l("公示说明"),
        "updated_at": _l("更新时间"),
    }
    column_formatters = {
        "category": lambda v, c, m, n: category_title(m.category),
        "unit": lambda v, c, m, n: UNIT_LABELS.get(m.unit, m.unit),
    }
    form_columns = ("office", "category", "amount", "unit", "note")
    form_choices = {"unit": [(k, str(v)) for k, v in UNIT_LABELS.items()]}

    def _choices_form(self, form):
        if hasattr(form, "category"):
            form.category.choices = [
                (code, str(spec.title)) for code, spec in all_categories().items()
            ]
        return form

    def create_form(self, obj=None):
        return self._choices_form(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._choices_form(super().edit_form(obj))

    def scaffold_form(self):
        from wtforms import SelectField

        form_class = super().scaffold_form()
        form_class.category = SelectField(_l("事项类别"), choices=[])
        return form_class

    def on_model_change(self, form, model, is_created):
        spec = get_category(model.category)
        if spec is None:
            raise ValidationError(_("未知的事项类别。"))
        try:
            own = Limit(int(model.amount or 0), LimitUnit(model.unit))
        except (TypeError, ValueError) as exc:
            raise ValidationError(str(exc)) from None
        cap = spec.max_limit or spec.limit
        start = datetime.now(LOCAL_ZONE)
        if compute_due(start, own).due_at > compute_due(start, cap).due_at:
            raise ValidationError(_("本单位时限不能长于制度规定的 %(cap)s。", cap=cap.describe()))
        super().on_model_change(form, model, is_created)
