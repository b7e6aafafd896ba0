"""Chinese first, English available: the plugin's catalogue is complete and used."""

import re
from pathlib import Path

from babel.messages.pofile import read_po
from support import text_of

from core.i18n import compile_catalogues, missing_translations

PLUGIN = Path(__file__).resolve().parents[3] / "plugins" / "petitions"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def test_every_string_has_an_english_translation_with_its_placeholders():
    assert missing_translations(PLUGIN, "en") == []
    with (PLUGIN / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    wrong = [
        m.id
        for m in catalog
        if m.id
        and m.string
        and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
    ]
    assert wrong == []


def test_screens_in_chinese_then_english(client, petitions_on, login_as):
    compile_catalogues(PLUGIN / "translations")
    login_as("staff_a")
    assert "回执号" in text_of(client.get("/admin/petitions_petitions/"))
    client.get("/lang/en")
    page = text_of(client.get("/admin/petitions_petitions/"))
    assert "Receipt no." in page and "回执号" not in page
    assert "Register a petition" in text_of(client.get("/admin/petitions_register/"))
