"""core.admin's enum helpers: list cells and filter/select options show translated labels."""

import enum

from flask_babel import force_locale

from core.admin import enum_choices, enum_label


class Colour(enum.StrEnum):
    RED = "red"
    GREEN = "green"

    @property
    def label(self) -> str:
        return {"red": "红色", "green": "绿色"}[self.value]


class Row:
    colour = Colour.GREEN
    note = None
    plain = "文字"


def test_enum_label_shows_the_label_or_the_plain_value():
    assert enum_label(None, None, Row(), "colour") == "绿色"
    assert enum_label(None, None, Row(), "plain") == "文字"
    assert enum_label(None, None, Row(), "note") == ""


def test_enum_choices_are_value_label_pairs_with_an_optional_blank(app):
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        assert [(v, str(label)) for v, label in enum_choices(Colour)] == [
            ("red", "红色"),
            ("green", "绿色"),
        ]
        assert [(v, str(label)) for v, label in enum_choices(Colour, "不限")][0] == ("", "不限")
