"""The archives module speaks Chinese first and English after the switch: its English catalogue
is complete and keeps every placeholder, no Chinese text bypasses gettext, and the staff
screens and the residents' page read in English."""

import ast
import re
from pathlib import Path

import pytest
from archives_helpers import archive_office, client_for, new_file, user
from babel.messages.pofile import read_po
from support import post, text_of

from core.extensions import db
from core.i18n import CATALOGUE_LOCALES, catalogue_path, compile_catalogues, missing_translations
from plugins.archives.services import lending

PLUGIN = Path(__file__).resolve().parents[3] / "plugins" / "archives"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
IDEOGRAPH = re.compile(r"[\u4e00-\u9fff]")
GETTEXT = ("_", "_l", "ngettext")
# _('…'), _l('…') and ngettext('…', '…', n): the Chinese literals a catalogue translates.
GETTEXT_CALL = re.compile(
    r"""\b(?:_l?|ngettext)\(\s*(['"])(?:(?!\1).)*\1(?:\s*,\s*(['"])(?:(?!\2).)*\2)?""", re.S
)
# Sample records, not interface text: the demo data is Chinese in every language.
NOT_INTERFACE = {"demo.py"}


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    compile_catalogues(PLUGIN / "translations")


@pytest.fixture
def archive(app, users, offices, make_user):
    """Office A keeps files: one public, one restricted, one internal out on loan."""
    archive_office(app, offices, make_user)
    with app.app_context():
        public = new_file(offices["A"], "土地利用总体规划", security="public", code="TD")
        new_file(offices["A"], "干部考评材料", security="restricted")
        internal = new_file(offices["A"], "服务承诺办理台账", security="internal")
        loan = lending.request_by_staff(internal, user("staff_a").id, purpose="核对", period_days=3)
        lending.approve(loan, user("keeper_a").id)
        lending.hand_out(loan, user("keeper_a").id, condition="完好")
        db.session.commit()
        return {"public": public.id, "internal": internal.id, "loan": loan.id}


def test_every_archives_string_has_an_english_translation():
    missing = missing_translations(PLUGIN, "en")
    assert not missing, "\n".join(missing)


def test_translations_keep_their_placeholders():
    with catalogue_path(PLUGIN, "en").open("rb") as handle:
        catalog = read_po(handle)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = sorted(PLACEHOLDER.findall(ids[0]))
        if any(sorted(PLACEHOLDER.findall(text)) != expected for text in (*ids, *strings)):
            wrong.append(ids[0])
    assert not wrong


def test_catalogues_live_where_flask_babel_looks():
    for locale in CATALOGUE_LOCALES:
        assert catalogue_path(PLUGIN, locale).is_file(), locale
    assert not (PLUGIN / "translations" / "zh_CN").exists()


def test_templates_have_no_chinese_outside_gettext():
    leaks = []
    for template in sorted((PLUGIN / "templates").rglob("*.html")):
        outside = GETTEXT_CALL.sub("_()", template.read_text(encoding="utf-8"))
        leaks += [
            f"{template.name}:{n}: {line.strip()}"
            for n, line in enumerate(outside.splitlines(), 1)
            if CHINESE.search(line)
        ]
    assert not leaks, "\n".join(leaks)


def test_python_has_no_chinese_string_outside_gettext():
    leaks = []
    for source in sorted(PLUGIN.glob("*.py")):
        if source.name in NOT_INTERFACE:
            continue
        tree = ast.parse(source.read_text(encoding="utf-8"))
        allowed = set()
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT
            ):
                allowed.update(id(arg) for arg in node.args)
            body = getattr(node, "body", None)
            if (
                isinstance(body, list)
                and body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
            ):
                allowed.add(id(body[0].value))  # docstrings
        leaks += [
            f"{source.name}:{node.lineno}: {node.value}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and IDEOGRAPH.search(node.value)
            and id(node) not in allowed
        ]
    assert not leaks, "\n".join(leaks)


def test_catalogue_screen_in_chinese_then_english(app, archive):
    keeper = client_for(app, "keeper_a")
    page = text_of(keeper.get("/admin/archives_files/"))
    assert "档号" in page and "保管期限" in page and "借出" in page
    keeper.get("/lang/en")
    raw = keeper.get("/admin/archives_files/").get_data(as_text=True)
    page = text_of(keeper.get("/admin/archives_files/"))
    assert "Catalogue no." in page and "Retention period" in page and "Security level" in page
    assert "Lent out" in page and "档号" not in page and "保管期限" not in page
    # Filter options are read once at start-up and must still follow the reader's language.
    assert '["permanent", "Permanent"]' in raw and '["restricted", "Restricted"]' in raw


def test_lending_desk_and_file_page_in_english(app, archive):
    keeper = client_for(app, "keeper_a")
    keeper.get("/lang/en")
    desk = text_of(keeper.get("/admin/archives-desk/"))
    assert "Lending desk" in desk and "Requests awaiting approval" in desk
    assert "借阅工作台" not in desk
    file_page = text_of(keeper.get(f"/admin/archives-desk/file/{archive['internal']}"))
    assert (
        "Lent out" in file_page and "due back" in file_page and "History of the file" in file_page
    )
    assert "应还" not in file_page and "档案历史" not in file_page
    loan_page = text_of(keeper.get(f"/admin/archives-desk/loan/{archive['loan']}"))
    assert "handed out by" in loan_page and "3 working days" in loan_page
    out_now = text_of(keeper.get("/admin/archives-desk/out"))
    assert "Files out now" in out_now and "working day" in out_now and "left" in out_now
    # A refusal is explained in the reader's language too.
    response = post(
        keeper,
        "/admin/archives-desk/request",
        {"catalogue_no": "A1-XX-2025-999", "purpose": "check", "period_days": "2"},
        follow_redirects=True,
    )
    assert "Your office has no file with catalogue number" in text_of(response)


def test_residents_page_in_chinese_then_english(client, archive):
    page = text_of(client.get("/o/A/archives/"))
    assert "可申请查阅的档案" in page and "申请查阅" in page and "30 年" in page
    client.get("/lang/en")
    page = text_of(client.get("/o/A/archives/"))
    assert "Records open for consultation" in page and "Ask to consult" in page
    assert "30 years" in page and "可申请查阅的档案" not in page
    assert "土地利用总体规划" in page  # the record's own title stays as catalogued
    home = text_of(client.get("/"))
    assert "Public records" in home and "1 file open for consultation" in home
    form = text_of(client.get(f"/o/A/archives/{archive['public']}/request"))
    assert "Purpose of consultation" in form and "it is never published" in form
    refused = post(
        client,
        f"/o/A/archives/{archive['public']}/request",
        {"name": "Li Lei", "phone": "12", "purpose": "reading", "period_days": "1"},
    )
    assert refused.status_code == 400 and "Please enter a valid mobile number" in text_of(refused)
