"""The reception module speaks Chinese first and English after the switch: its English
catalogue is complete and keeps every placeholder, and the staff desk, a list screen and the
residents' booking pages (form errors and the confirmation included) read in English."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from reception_helpers import make_day  # noqa: F401
from support import post, text_of

from core.extensions import db
from core.i18n import CATALOGUE_LOCALES, catalogue_path, compile_catalogues, missing_translations
from plugins.reception.services import booking
from plugins.reception.services.booking import BookingRequest

PLUGIN = Path(__file__).resolve().parents[3] / "plugins" / "reception"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
PLACE = "Room 101, Township Hall"


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


def test_every_reception_string_has_an_english_translation():
    missing = missing_translations(PLUGIN, "en")
    assert not missing, (
        f"{len(missing)} reception string(s) have no English translation. Run `./dev i18n`, "
        "then translate them in plugins/reception/translations/en/LC_MESSAGES/messages.po:\n  "
        + "\n  ".join(missing)
    )


def test_translations_keep_their_placeholders_and_leave_no_chinese():
    catalog = _english_catalogue()
    wrong = [
        m.id
        for m in catalog
        if m.id
        and m.string
        and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
    ]
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong}"
    # Chinese in an English string (a 《》 title, a fullwidth colon) means it was left half done.
    chinese = [m.id for m in catalog if m.id and CJK.search(m.string)]
    assert not chinese, chinese


def test_catalogues_live_where_flask_babel_looks():
    for locale in CATALOGUE_LOCALES:
        assert catalogue_path(PLUGIN, locale).is_file(), locale
    assert not (PLUGIN / "translations" / "zh_CN").exists()


def test_desk_and_lists_in_chinese_then_english(app, client, reception_on, users, login_as):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"], place=PLACE)
        booking.book(
            day.slots[0].id,
            BookingRequest(name="Zhang San", phone="13800138000", matter="Land lease payments"),
        )
        db.session.commit()
        day_id = day.id
    login_as("staff_a")
    assert "接待工作台" in text_of(client.get("/admin/reception-desk/"))

    client.get("/lang/en")
    desk = client.get("/admin/reception-desk/")
    desk_text = words(desk)
    assert "Reception desk" in desk_text and "Scheduled" in desk_text
    assert "Reception days (last week and the next four weeks)" in desk_text
    assert "Fill in an appointment card for meeting a leader" in desk_text
    assert not leftover_chinese(app, desk)

    day_response = client.get(f"/admin/reception-desk/day/{day_id}")
    day_page = words(day_response)
    assert "Leader reception day on" in day_page and "Receiving leader: leader" in day_page
    assert "Capacity 2, 1 left" in day_page and "Online booking" in day_page
    assert "Book for a resident (phone call, counter)" in day_page
    assert not leftover_chinese(app, day_response)

    bookings = client.get("/admin/reception_bookings/")
    listed = words(bookings)
    assert "Time slot" in listed and "Village (community)" in listed
    assert "Residents' bookings" in listed and "Booked" in listed and "138****8000" in listed
    assert not leftover_chinese(app, bookings)

    client.get("/lang/zh_CN")
    assert "接待工作台" in text_of(client.get("/admin/reception-desk/"))


def test_public_booking_page_in_chinese_then_english(app, client, reception_on, users):
    with app.app_context():
        day = make_day(reception_on["A"], users["leader"], place=PLACE, capacity=2)
        day_id, slot_id = day.id, day.slots[0].id
    url = f"/o/A/reception/day/{day_id}"
    chinese = text_of(client.get(url))
    assert "网上预约" in chinese and "提交预约" in chinese

    client.get("/lang/en")
    page = client.get(url)
    text = words(page)
    assert "Leader reception day on" in text and "Online booking" in text
    assert "Submit booking" in text and "Whichever leader is on duty that day" in text
    assert "2 place(s) left" in text and "Mobile number" in text
    assert not leftover_chinese(app, page)

    refused = post(
        client,
        f"{url}/book",
        {
            "name": "Li Si",
            "phone": "12345",
            "matter": "Well",
            "slot_id": str(slot_id),
            "leader_choice": "duty",
        },
    )
    assert refused.status_code == 409
    assert "Please enter a valid mobile number (11 digits)" in words(refused)
    assert not leftover_chinese(app, refused)
    with app.app_context():
        assert booking.booked_count(slot_id) == 0

    booked = post(
        client,
        f"{url}/book",
        {
            "name": "Li Si",
            "phone": "13900139000",
            "matter": "Irrigation well",
            "slot_id": str(slot_id),
            "leader_choice": "duty",
        },
    )
    assert booked.status_code == 201
    confirmation = words(booked)
    assert "Booking confirmed" in confirmation and "Your confirmation code" in confirmation
    assert "(duty leader of the day)" in confirmation and "Can't come after all?" in confirmation
    assert not leftover_chinese(app, booked)
