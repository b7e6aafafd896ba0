"""The residents' contact rules shared by every public form (core.contact)."""

import pytest

from core import contact


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("0471-5550101", "04715550101"),
        ("（0471）5550101", "04715550101"),
    ],
)
def test_phone_numbers_are_normalised(raw, expected):
    assert contact.normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "12345", "23812345678", "1381234567x", "138123456789"])
def test_malformed_phone_numbers_are_refused_in_chinese(app_ctx, raw):
    with pytest.raises(contact.InvalidPhone, match="请填写正确的手机号码"):
        contact.normalise_phone(raw)


def test_phone_hash_is_keyed_per_purpose_and_holds_no_number(app_ctx):
    a = contact.phone_hash("13812345678", "hearings.phone")
    assert a == contact.phone_hash("13812345678", "hearings.phone")
    assert a != contact.phone_hash("13812345678", "reception.phone")
    assert "13812345678" not in a and len(a) == 64


def test_codes_avoid_look_alike_characters_and_taken_values():
    taken = set()
    for _i in range(200):
        code = contact.new_code(lambda c: c in taken)
        assert code not in taken and contact.looks_like_code(code)
        assert not set(code) & set("01ILO")
        taken.add(code)
    assert contact.parse_code(" abcd-efgh ") == "ABCDEFGH"
    assert contact.format_code("ABCDEFGH") == "ABCD-EFGH"
    assert not contact.looks_like_code("ABCD1FGH")
