"""Chinese first, English available: catalogues complete, Flask-Admin's own strings in Chinese
under the default locale, English after the switch."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from support import text_of

from core.i18n import (
    CATALOGUE_LOCALES,
    catalogue_path,
    compile_catalogues,
    conflicting_translations,
    extract_messages,
    missing_translations,
)

CORE = Path(__file__).resolve().parent.parent / "core"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    """`./dev` compiles at install; a bare pytest run gets fresh .mo files here too."""
    compile_catalogues(CORE / "translations")


def test_every_core_string_has_an_english_translation():
    missing = missing_translations(CORE, "en")
    assert not missing, (
        f"{len(missing)} core string(s) have no English translation. Run `./dev i18n`, then "
        "translate them in core/translations/en/LC_MESSAGES/messages.po:\n  " + "\n  ".join(missing)
    )


def test_no_two_catalogues_translate_a_message_differently():
    """Flask-Babel merges the core's and the plugins' catalogues into one, so a msgid has one
    English wording everywhere; a module that means something else uses a context."""
    conflicts = conflicting_translations("en")
    assert not conflicts, (
        "messages translated differently by two catalogues (use one wording, or give the "
        "module's call a context: pgettext('<plugin>', msgid)):\n  " + "\n  ".join(conflicts)
    )


def test_translations_keep_their_placeholders():
    with catalogue_path(CORE, "en").open("rb") as handle:
        catalog = read_po(handle)
    wrong = [
        m.id
        for m in catalog
        if m.id
        and m.string
        and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
    ]
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong}"


def test_catalogues_live_where_flask_babel_looks():
    # Flask-Babel normalises "zh_CN" to zh_Hans_CN; a zh_CN/ folder would silently be ignored.
    for locale in CATALOGUE_LOCALES:
        assert catalogue_path(CORE, locale).is_file(), locale
    assert not (CORE / "translations" / "zh_CN").exists()


def test_extraction_covers_python_and_templates():
    found = extract_messages(CORE)
    assert "我的工作证" in found  # lazy_gettext in Python
    assert any(f.endswith("badge.html") for f in found["工作证"])  # _() in a template


def test_admin_is_chinese_by_default_including_flask_admin_strings(client, users, login_as):
    login_as("admin")
    page = client.get("/admin/staff/")
    body = text_of(page)
    assert "列表" in body  # Flask-Admin's own "List", from its zh_Hans_CN catalogue
    assert "工作人员" in body and "用户名" in body
    form = client.get("/admin/staff/new/").get_data(as_text=True)
    assert 'value="保存"' in form and "乡镇管理员" in form  # Flask-Admin's "Save"; a role label


def test_admin_in_english_after_switching(client, users, login_as):
    login_as("admin")
    client.get("/lang/en")
    body = text_of(client.get("/admin/staff/"))
    assert "List" in body and "Username" in body
    assert "用户名" not in body and "列表" not in body
    form = client.get("/admin/staff/new/").get_data(as_text=True)
    assert 'value="Save"' in form and "Township admin" in form
    dashboard = text_of(client.get("/admin/"))
    assert "Dashboard" in dashboard and "工作台" not in dashboard
    client.get("/lang/zh_CN")
    assert "列表" in text_of(client.get("/admin/staff/"))


def test_residents_side_in_english(client, offices):
    assert "各单位" in text_of(client.get("/"))
    client.get("/lang/en")
    home = client.get("/")
    assert '<html lang="en">' in home.get_data(as_text=True)
    body = text_of(home)
    assert "Offices" in body and "各单位" not in body
    assert "Staff sign-in" in body


def test_catalogue_order_is_stable_and_core_wins(app):
    """Plugins' folders in name order, the core's last (a later catalogue wins on merge)."""
    from core.i18n import CORE_TRANSLATIONS, translation_directories
    from core.plugins import get_registry

    modules = list(get_registry(app).modules.values())
    first = translation_directories(modules)
    assert first == translation_directories(list(reversed(modules)))
    assert first[-1] == str(CORE_TRANSLATIONS)
