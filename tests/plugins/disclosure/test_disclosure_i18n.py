"""The disclosure module speaks Chinese first and English after the switch: its English
catalogue is complete and keeps every placeholder, and the residents' board and 点题 form
(errors included) and the staff desk read in English."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from disclosure_helpers import ask, client_for, published  # noqa: F401
from support import post, text_of

from core.extensions import db
from core.i18n import CATALOGUE_LOCALES, catalogue_path, compile_catalogues, missing_translations
from plugins.disclosure import services
from plugins.disclosure.models import ItemCategory

PLUGIN = Path(__file__).resolve().parents[3] / "plugins" / "disclosure"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    """`./dev` compiles at install; a bare pytest run gets fresh .mo files here too."""
    compile_catalogues(PLUGIN / "translations")


def _english_catalogue():
    with catalogue_path(PLUGIN, "en").open("rb") as handle:
        return read_po(handle)


def words(response) -> str:
    """The page's text with tags removed and white space collapsed."""
    return " ".join(text_of(response).split())


def leftover_chinese(app, response) -> list[str]:
    """Chinese left on an English page once the data is set aside: the township's and the
    offices' names, and the "中文" link of the language switch."""
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    for data in (app.config["TOWNSHIP_NAME"], "测试镇", "甲单位", "乙村", "中文"):
        text = text.replace(data, "")
    return CJK.findall(text)


def test_every_disclosure_string_has_an_english_translation():
    missing = missing_translations(PLUGIN, "en")
    assert not missing, (
        f"{len(missing)} disclosure string(s) have no English translation. Run `./dev i18n`, "
        "then translate them in plugins/disclosure/translations/en/LC_MESSAGES/messages.po:\n  "
        + "\n  ".join(missing)
    )


def test_translations_keep_their_placeholders_and_leave_no_chinese():
    catalog = _english_catalogue()
    wrong = [
        m.id
        for m in catalog
        if m.id
        and m.string
        and sorted(PLACEHOLDER.findall(str(m.id))) != sorted(PLACEHOLDER.findall(str(m.string)))
    ]
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong}"
    chinese = [m.id for m in catalog if m.id and CJK.search(str(m.string))]
    assert not chinese, chinese


def test_catalogues_live_where_flask_babel_looks():
    for locale in CATALOGUE_LOCALES:
        assert catalogue_path(PLUGIN, locale).is_file(), locale
    assert not (PLUGIN / "translations" / "zh_CN").exists()


def test_board_and_topic_form_in_chinese_then_english(app, client, disclosure_on):
    with app.app_context():
        published(disclosure_on["A"], "Homestead guide", ItemCategory.PROCEDURE, "Twenty days.")
        topic = ask(disclosure_on["A"], "Subsistence allowance list", name="Wang", details=None)
        services.decline_topic(topic, actor_id=None, ground="privacy", reason="Private data.")
        db.session.commit()
    assert "公开栏" in text_of(client.get("/o/A/disclosure/"))

    client.get("/lang/en")
    board = client.get("/o/A/disclosure/")
    text = words(board)
    assert "Disclosure board of" in text and "Service guides (conditions, procedure" in text
    assert "Not disclosed (Involves personal privacy): Private data." in text
    assert not leftover_chinese(app, board)

    form = client.get("/o/A/disclosure/topic")
    assert "What you want to know" in words(form) and not leftover_chinese(app, form)
    refused = post(
        client,
        "/o/A/disclosure/topic",
        {"topic": "Village road funds", "name": "Li", "phone": "12345"},
    )
    assert refused.status_code == 400
    assert "Please enter a valid mobile number" in words(refused)
    assert not leftover_chinese(app, refused)
    done = post(
        client,
        "/o/A/disclosure/topic",
        {"topic": "Village road funds", "name": "Li", "phone": "13900139000"},
        follow_redirects=True,
    )
    assert "Your receipt number" in words(done) and not leftover_chinese(app, done)
    client.get("/lang/zh_CN")


def test_desk_in_chinese_then_english(app, disclosure_on):
    with app.app_context():
        topic_id = ask(disclosure_on["A"], "Village road funds", details=None).id
    staff = client_for(app, "staff_a")
    assert "公开工作台" in text_of(staff.get("/admin/disclosure-desk/"))
    staff.get("/lang/en")
    desk = staff.get("/admin/disclosure-desk/")
    assert "Topics waiting for an answer" in words(desk) and not leftover_chinese(app, desk)
    page = staff.get(f"/admin/disclosure-desk/topic/{topic_id}")
    assert "Disclose and close" in words(page) and "Decline and close" in words(page)
    assert not leftover_chinese(app, page)
    listing = staff.get("/admin/disclosure_topics/")
    assert "Requested topic" in words(listing) and not leftover_chinese(app, listing)
