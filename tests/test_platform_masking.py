"""Masking of private persons' data for lists, logs and published text."""

import pytest

from core.masking import (
    mask_id_number,
    mask_name,
    mask_phone,
    mask_private_numbers,
    mask_text,
    mask_value,
)


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("0471-5550101", "047****0101"),
        ("110", "*10"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


def test_mask_id_number_keeps_region_and_last_four():
    assert mask_id_number("11010119900307123X") == "110101********123X"
    assert mask_id_number("12345") == "*****"


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("张三", "张某"),
        ("欧阳娜娜", "欧阳某"),
        ("李", "李某"),
        ("John Smith", "J."),
        ("", ""),
    ],
)
def test_mask_name(raw, masked):
    assert mask_name(raw) == masked


def test_mask_text_stars_phones_and_id_numbers_in_free_text():
    text = "王某（身份证 11010119900307123X，手机 13812345678，座机 0471-5550101）反映路灯不亮。"
    masked = mask_text(text)
    assert "11010119900307123X" not in masked and "110101********123X" in masked
    assert "13812345678" not in masked and "138****5678" in masked
    assert "5550101" not in masked and "0471-****0101" in masked
    assert masked.endswith("反映路灯不亮。")
    assert mask_text("2026年第12期") == "2026年第12期"  # ordinary numbers are left alone


def test_mask_private_numbers_keeps_landlines_for_an_office_notice():
    text = "李四 110101199003071234 手机 13812345678；咨询电话 0471-6612345"
    assert (
        mask_private_numbers(text)
        == "李四 110101********1234 手机 138****5678；咨询电话 0471-6612345"
    )
    assert mask_private_numbers(None) == "" and mask_private_numbers("") == ""


def test_mask_value_by_column_name():
    assert mask_value("applicant_phone", "13812345678") == "138****5678"
    assert mask_value("applicant_id_number", "11010119900307123X") == "110101********123X"
    assert mask_value("applicant_name", "张三") == "张某"
    assert mask_value("content", "电话13812345678") == "电话138****5678"
    assert mask_value("phone", None) == ""
