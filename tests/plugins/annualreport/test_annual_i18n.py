"""Every string of the module has an English translation with its placeholders, and the
residents' page reads in English after the switch."""

import re
from pathlib import Path

import pytest
from annual_helpers import YEAR
from babel.messages.pofile import read_po
from support import text_of

from core.extensions import db
from core.i18n import catalogue_path, compile_catalogues, missing_translations
from core.models import Office
from plugins.annualreport import services

PLUGIN = Path(__file__).resolve().parents[3] / "plugins" / "annualreport"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    """`./dev` compiles at install; a bare pytest run gets fresh .mo files here too."""
    compile_catalogues(PLUGIN / "translations")


def test_every_string_has_an_english_translation_with_its_placeholders():
    assert not missing_translations(PLUGIN, "en")
    with catalogue_path(PLUGIN, "en").open("rb") as handle:
        catalog = read_po(handle)
    wrong = [
        m.id
        for m in catalog
        if m.id and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
    ]
    assert not wrong


def test_the_published_page_in_english(app, client, annual_on, users):
    with app.app_context():
        report = services.generate(db.session.get(Office, annual_on["A"]), YEAR)
        services.save_draft(report, overview="总体", problems="问题", other_matters="")
        services.publish_report(report, users["officeadmin"])
        db.session.commit()
    client.get("/lang/en")
    body = text_of(client.get(f"/o/A/annualreport/{YEAR}"))
    assert "Information published proactively" in body and "Administrative reconsideration" in body
