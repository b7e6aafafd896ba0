"""The training module speaks Chinese first and English after the switch: its English
catalogue translates every string and keeps every placeholder, and the screens use it."""

import io
import json
import re
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import get_domain
from openpyxl import load_workbook
from support import text_of
from training_helpers import log, make_world, session

from core.extensions import db
from core.i18n import (
    CATALOGUE_LOCALES,
    catalogue_path,
    compile_catalogues,
    extract_messages,
    missing_translations,
)
from plugins.training.models import LengthUnit, SessionKind, TrainingPerson

PLUGIN = Path(__file__).resolve().parents[3] / "plugins" / "training"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues(app):
    """`./dev` compiles at install; a bare pytest run gets fresh .mo files here, and the
    app forgets any English catalogue it merged before they existed."""
    compile_catalogues(PLUGIN / "translations")
    with app.app_context():
        get_domain().cache.clear()


@pytest.fixture
def world(app, users, offices):
    """See ``training_helpers.make_world``."""
    return make_world(app, offices)


def _english_catalogue():
    with catalogue_path(PLUGIN, "en").open("rb") as handle:
        return read_po(handle)


def test_every_training_string_has_an_english_translation():
    missing = missing_translations(PLUGIN, "en")
    assert not missing, "\n".join(missing)
    assert all(catalogue_path(PLUGIN, locale).is_file() for locale in CATALOGUE_LOCALES)


def test_extraction_covers_python_and_templates():
    found = extract_messages(PLUGIN)
    assert any(f.endswith("reports.py") for f in found["学习培训达标情况"])  # gettext in Python
    assert any(f.endswith("compliance.html") for f in found["学习培训达标情况"])  # a template
    assert any(f.endswith("models.py") for f in found["农村党员"])  # lazy_gettext
    assert "%(kind)s签到表" in found


def test_translations_keep_their_placeholders_and_literal_percent_signs():
    catalog = _english_catalogue()
    wrong = [
        m.id
        for m in catalog
        if m.id
        and m.string
        and (
            sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
            or m.id.count("%%") != m.string.count("%%")
        )
    ]
    assert not wrong
    # Template strings are %-formatted even without arguments: a literal % is written %%.
    assert (
        "100%%"
        in catalog[
            "请假默认计为未参训（计入应到，不计入出席），因此镇干部请假一次即低于 100%%，"
            "表中同时列出请假次数和事由；也可改为请假不计入参训率。"
        ].string
    )


def test_shared_words_read_as_the_core_translates_them():
    # Catalogues merge with the core last: where the core translates the same msgid, its
    # wording is what the screens show, so this catalogue (and text that quotes it) agrees.
    with catalogue_path(PLUGIN.parents[1] / "core", "en").open("rb") as handle:
        core = read_po(handle)
    differing = [
        m.id
        for m in _english_catalogue()
        if m.id
        and core.get(m.id) is not None
        and core[m.id].string
        and core[m.id].string != m.string
    ]
    assert not differing


def test_compliance_table_in_chinese_then_english(app, client, world, login_as):
    login_as("officeadmin")
    last_year = world["today"].year - 1
    with app.app_context():  # A kept records since January last year, B since this month
        log(db.session.get(TrainingPerson, world["colleague"]), date(last_year, 1, 10), 1)
    url = f"/admin/training_compliance/?year={last_year}"
    chinese = text_of(client.get(url))
    assert "学习培训达标情况" in chinese and "1月" in chinese and "未达标" in chinese

    client.get("/lang/en")
    page = text_of(client.get(url))
    assert "Study and training compliance" in page
    assert "Jan" in page and "Dec" in page  # month headers in the chosen language
    assert "Not met" in page and "Township cadre" in page and "Requirements not met" in page
    assert "Self-study hours, Study note length, Practical techniques" in page  # joined in English
    for chinese_label in ("学习培训达标情况", "未达标", "镇干部", "参训率", "1月", "单位情况"):
        assert chinese_label not in page
    assert "甲干部" in page  # people's names are data, not translated

    month = text_of(
        client.get(
            f"/admin/training_compliance/?year={world['today'].year}&month={world['today'].month}"
        )
    )
    assert "Required / present / excused / absent" in month and "Self-study hours" in month

    client.get("/lang/zh_CN")
    assert "学习培训达标情况" in text_of(client.get(url))


def _filter_options(client, url, label):
    """The (value, label) choices Flask-Admin offers for the filter called ``label``."""
    html = client.get(url).get_data(as_text=True)
    data = re.search(r'<div id="filter-groups-data"[^>]*>(.*?)</div>', html, re.S).group(1)
    return [tuple(option) for option in json.loads(unescape(data))[label][0]["options"]]


def test_filters_offer_labels_in_the_chosen_language(client, world, login_as):
    login_as("officeadmin")
    assert ("township_cadre", "镇干部") in _filter_options(
        client, "/admin/training_people/", "类别"
    )
    client.get("/lang/en")
    assert _filter_options(client, "/admin/training_people/", "Category") == [
        ("township_cadre", "Township cadre"),
        ("village_cadre", "Village cadre"),
        ("rural_party_member", "Rural Party member"),
    ]
    assert ("excused", "Excused") in _filter_options(
        client, "/admin/training_attendance/", "Attendance"
    )
    assert ("village_study", "Village collective study") in _filter_options(
        client, "/admin/training_sessions/", "Type"
    )
    filtered = text_of(client.get("/admin/training_people/?flt0_0=township_cadre"))
    assert "甲干部" in filtered and "甲同事" in filtered
    assert "甲干部" not in text_of(client.get("/admin/training_people/?flt0_0=village_cadre"))


def test_settings_and_person_page_in_english(client, world, login_as):
    login_as("officeadmin")
    client.get("/lang/en")
    settings = text_of(client.get("/admin/training_settings/"))
    assert "Study and training requirements" in settings
    assert "Class hours per day" in settings and "falls below 100%;" in settings
    assert "An excused absence counts as not attending" in settings
    person = text_of(client.get(f"/admin/training_compliance/person/{world['cadre_a']}/"))
    assert "Month by month" in person and "Required: 20 class hours a month" in person


def test_sessions_and_sign_in_sheet_in_english(app, client, world, login_as, offices):
    with app.app_context():
        held = session(
            offices["A"],
            world["today"] - timedelta(days=1),
            kind=SessionKind.TOWNSHIP_TRAINING,
            value=3,
            unit=LengthUnit.HOURS,
        )
        session_id = held.id
    login_as("officeadmin")
    chinese = client.get(f"/admin/training_sessions/sheet/?id={session_id}").get_data(as_text=True)
    assert "镇集中培训签到表" in chinese and "组织者：组织办" in chinese

    client.get("/lang/en")
    listing = text_of(client.get("/admin/training_sessions/"))
    assert "3 class hours (0.50 days)" in listing
    assert "Township cadre, Village cadre, Rural Party member" in listing
    sheet = client.get(f"/admin/training_sessions/sheet/?id={session_id}").get_data(as_text=True)
    assert '<html lang="en">' in sheet
    assert "Sign-in sheet: Township collective training" in sheet
    assert "Organiser: 组织办" in sheet and "Length: 3 class hours" in sheet
    assert "签到表" not in sheet and "：" not in sheet


def test_exports_use_the_chosen_language(client, world, login_as):
    login_as("admin")
    client.get("/lang/en")
    year = world["today"].year
    units = client.get(f"/admin/training_compliance/export/csv/?year={year}&what=units")
    assert units.get_data(as_text=True).lstrip("\ufeff").startswith("Office,People on the roll")
    people = client.get(f"/admin/training_compliance/export/xlsx/?year={year}&what=people")
    header = [
        cell.value for cell in next(load_workbook(io.BytesIO(people.data)).active.iter_rows())
    ]
    assert header[:4] == ["Name", "Category", "Office", "Jan hours"]
