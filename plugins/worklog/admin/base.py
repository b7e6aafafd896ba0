"""What the worklog screens share: rendering the plugin's own ``templates/worklog/…``."""

from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class PluginTemplatesMixin:
    """Lets a Flask-Admin view render this plugin's templates (the module has no public
    blueprint whose template folder the app would search)."""

    def create_blueprint(self, admin):
        """The view's blueprint, looking in the plugin's templates first."""
        blueprint = super().create_blueprint(admin)
        blueprint.jinja_loader = ChoiceLoader(
            [FileSystemLoader(str(TEMPLATES)), blueprint.jinja_loader]
        )
        return blueprint
