"""What the training screens share: the plugin's templates, the record views' base (person
rules, Chinese messages from TrainingError), the person link, and query-string numbers."""

from datetime import date
from pathlib import Path

from flask import abort, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup, escape
from wtforms import ValidationError

from core.kit import OfficeScopedModelView, db
from plugins.training.errors import TrainingError
from plugins.training.models import TrainingPerson
from plugins.training.services import may_write_for, writable_people

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class PluginTemplatesMixin:
    """Lets a Flask-Admin view render this plugin's ``templates/training/…`` files."""

    def create_blueprint(self, admin):
        blueprint = super().create_blueprint(admin)
        blueprint.jinja_loader = ChoiceLoader(
            [FileSystemLoader(str(TEMPLATES)), blueprint.jinja_loader]
        )
        return blueprint


def person_link(view, context, model, name):
    """A list column: the person's name, linking to their page of the year."""
    person = model if isinstance(model, TrainingPerson) else model.person
    url = url_for("training_compliance.person", person_id=person.id)
    return Markup(f'<a href="{escape(url)}">{escape(person.name)}</a>')


class TrainingModelView(PluginTemplatesMixin, OfficeScopedModelView):
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
        model.office_id = self.office_id_of(model)  # a form's office choice, before the flush
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


def int_arg(name: str, default: int | None, low: int, high: int) -> int | None:
    """A whole number from the query string within [low, high]; ``default`` when absent, a 400
    with the reason when malformed or out of range."""
    raw = request.args.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        abort(400, _("参数 %(name)s 无效。", name=name))
    if not low <= value <= high:
        abort(400, _("参数 %(name)s 超出范围。", name=name))
    return value


def month_label(month: int) -> str:
    """A month's short name in the chosen language (CLDR): "1月" in Chinese, "Jan" in English."""
    return format_date(date(2000, month, 1), "LLL")
