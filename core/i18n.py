"""Languages: Chinese first, English available; catalogues of the core and of each plugin."""

from pathlib import Path

from flask import Flask, current_app, request, session

CORE_TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def select_locale() -> str:
    """The language chosen with the switch (kept in the session), else Chinese."""
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    if request and request.args.get("lang") in current_app.config["LANGUAGES"]:
        return request.args["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def translation_directories(plugin_modules) -> list[str]:
    """The core's catalogue folder plus each loaded plugin's ``translations`` folder."""
    dirs = [str(CORE_TRANSLATIONS)]
    for module in plugin_modules:
        folder = Path(module.__file__).resolve().parent / "translations"
        if folder.is_dir():
            dirs.append(str(folder))
    return dirs


def init_i18n(app: Flask, plugin_modules) -> None:
    """Set up Flask-Babel with the locale selector and every catalogue folder."""
    from core.extensions import babel

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories(plugin_modules))
    babel.init_app(app, locale_selector=select_locale)
    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale
