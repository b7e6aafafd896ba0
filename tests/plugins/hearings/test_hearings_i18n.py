"""The hearings module speaks Chinese first and English after the switch; its English
catalogue is complete and keeps every placeholder."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hearings_helpers import (
    new_hearing,
)
from support import text_of

from core.i18n import catalogue_path, compile_catalogues, missing_translations

PLUGIN = Path(__file__).resolve().parents[3] / "plugins" / "hearings"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    compile_catalogues(PLUGIN / "translations")


def test_every_hearings_string_has_an_english_translation():
    missing = missing_translations(PLUGIN, "en")
    assert not missing, "\n".join(missing)


def test_translations_keep_their_placeholders():
    with catalogue_path(PLUGIN, "en").open("rb") as handle:
        catalog = read_po(handle)
    wrong = [
        m.id
        for m in catalog
        if m.id
        and m.string
        and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
    ]
    assert not wrong


def test_residents_pages_in_chinese_then_english(app, client, hearings_on):
    with app.app_context():
        hearing_id = new_hearing(hearings_on["A"]).id
    assert "报名参加" in text_of(client.get(f"/o/A/hearings/{hearing_id}"))
    client.get("/lang/en")
    page = text_of(client.get(f"/o/A/hearings/{hearing_id}"))
    assert "Register to attend" in page and "Announced, registration open" in page
