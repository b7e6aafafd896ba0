"""Languages: Chinese first, English available; catalogues of the core and of each plugin."""

from pathlib import Path

from flask import Flask, current_app, has_request_context, request, session

CORE_TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def select_locale() -> str:
    """The language chosen with the switch (kept in the session), else Chinese.

    Outside a request (CLI commands, jobs) the default language is used.
    """
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    asked = request.args.get("lang")
    return asked if asked in languages else default


def translation_directories(plugin_modules) -> list[str]:
    """Each loaded plugin's ``translations`` folder, by plugin module name, then the core's.

    Flask-Babel merges the catalogues into one and a later folder would win where two
    translated the same msgid differently; ``conflicting_translations`` (a test) keeps that
    from happening. The fixed order, core last, only matters while a conflict is being fixed.
    """
    dirs = []
    for module in sorted(plugin_modules, key=lambda m: m.__name__):
        folder = Path(module.__file__).resolve().parent / "translations"
        if folder.is_dir():
            dirs.append(str(folder))
    return [*dirs, str(CORE_TRANSLATIONS)]


def init_i18n(app: Flask, plugin_modules) -> None:
    """Set up Flask-Babel with the locale selector and every catalogue folder."""
    from core.extensions import babel

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories(plugin_modules))
    babel.init_app(app, locale_selector=select_locale)
    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale


# --- Catalogue maintenance (used by `./dev i18n` and tests/test_i18n.py) --------------------

ROOT = Path(__file__).resolve().parent.parent
BABEL_CFG = ROOT / "babel.cfg"
CATALOGUE_LOCALES = ("zh_Hans_CN", "en")  # zh_Hans_CN, not zh_CN: Flask-Babel normalises to it
EXTRA_KEYWORDS = ("_l", "lazy_gettext")


def extract_messages(source: Path) -> dict[str, list[str]]:
    """Every gettext msgid used under ``source`` (the core or one plugin folder), mapped to
    the files that use it; the same extraction ``./dev i18n`` runs, done in-process."""
    found: dict[str, list[str]] = {}
    for (_context, msgid), files in extract_messages_in_context(source).items():
        found.setdefault(msgid, []).extend(files)
    return found


def extract_messages_in_context(source: Path) -> dict[tuple[str | None, str], list[str]]:
    """Like ``extract_messages``, keyed by (msgctxt, msgid): ``pgettext("hearing", "延期")``
    is its own message, apart from a plain ``_("延期")``."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with BABEL_CFG.open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, **{k: None for k in EXTRA_KEYWORDS}}
    found: dict[tuple[str | None, str], list[str]] = {}
    for filename, _line, message, _comments, context in extract_from_dir(
        str(source), method_map, options_map, keywords=keywords
    ):
        msgid = message[0] if isinstance(message, tuple | list) else message
        if msgid:
            found.setdefault((context, msgid), []).append(filename)
    return found


def catalogue_path(source: Path, locale: str) -> Path:
    """Where the ``messages.po`` of ``locale`` lives for the core or a plugin folder."""
    return source / "translations" / locale / "LC_MESSAGES" / "messages.po"


def _read_catalogue(source: Path, locale: str):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    po = catalogue_path(source, locale)
    if not po.exists():
        return Catalog()
    with po.open("rb") as handle:
        return read_po(handle)


def missing_translations(source: Path, locale: str = "en") -> list[str]:
    """``file: msgid`` for every string under ``source`` without a (non-fuzzy) translation in
    its ``locale`` catalogue. Empty when the catalogue is complete."""
    catalog = _read_catalogue(source, locale)
    missing = []
    found = extract_messages_in_context(source)
    for (context, msgid), files in sorted(found.items(), key=lambda kv: kv[1][0]):
        message = catalog.get(msgid, context=context)
        strings = message.string if message is not None else ""
        strings = strings if isinstance(strings, tuple | list) else (strings,)
        if message is None or message.fuzzy or not all(strings):
            label = f"{context}|{msgid}" if context else msgid
            missing.append(f"{files[0]}: {label}")
    return missing


def conflicting_translations(locale: str = "en") -> list[str]:
    """Messages that two catalogues (the core's, the plugins') translate differently.

    Flask-Babel merges every catalogue into one, so only one of the renderings could ever
    be shown. Each line names the msgid and every catalogue's wording. The cure is one
    wording, or, where a module means something else, a context: ``pgettext("hearing", …)``.
    """
    renderings: dict[tuple[str | None, str], dict[str, str]] = {}
    for source in translation_sources():
        for message in _read_catalogue(source, locale):
            if message.id and message.string and not message.fuzzy:
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                renderings.setdefault((message.context, msgid), {})[source.name] = str(
                    message.string
                )
    conflicts = []
    for (context, msgid), by_source in sorted(renderings.items(), key=lambda kv: kv[0][1]):
        if len(set(by_source.values())) > 1:
            label = f"{context}|{msgid}" if context else msgid
            wordings = ", ".join(f"{name}: {text!r}" for name, text in sorted(by_source.items()))
            conflicts.append(f"{label}: {wordings}")
    return conflicts


def compile_catalogues(folder: Path) -> None:
    """Compile each ``*.po`` under ``folder`` into the ``.mo`` Flask-Babel reads, when stale."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in folder.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle)
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)


def translation_sources() -> list[Path]:
    """The core and every built-in plugin folder: each has its own catalogues."""
    plugins = ROOT / "plugins"
    found = [ROOT / "core"]
    if plugins.is_dir():
        found += sorted(p for p in plugins.iterdir() if (p / "__init__.py").is_file())
    return found


def main() -> int:
    """``python -m core.i18n``: report untranslated English strings per catalogue, and
    messages that two catalogues translate differently."""
    total = 0
    for source in translation_sources():
        missing = missing_translations(source, "en")
        total += len(missing)
        label = source.relative_to(ROOT)
        print(f"{label}: {len(missing)} string(s) without an English translation")
        for line in missing[:50]:
            print(f"    {line}")
        if len(missing) > 50:
            print(f"    … and {len(missing) - 50} more")
    conflicts = conflicting_translations("en")
    total += len(conflicts)
    print(f"{len(conflicts)} message(s) translated differently by two catalogues")
    for line in conflicts:
        print(f"    {line}")
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main())
