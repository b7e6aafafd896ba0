"""Masking of private persons' personal data for lists, logs and public pages."""

import re

# Mainland mobile numbers, landlines with area code, and 18-digit resident ID numbers.
_ID_RE = re.compile(r"(?<!\d)(\d{6})(\d{8})(\d{3}[\dXx])(?!\d)")
_MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)(0\d{2,3})[- ]?(\d{3,4})(\d{4})(?!\d)")


def mask_phone(value: str | None) -> str:
    """138****1234 style; short or odd values keep only their last two characters."""
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 8:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(len(value) - 2, 0) + value[-2:]


def mask_id_number(value: str | None) -> str:
    """First 6 and last 4 characters of an ID number kept, the rest starred."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_name(value: str | None) -> str:
    """Surname + 某 (张三 → 张某), the rule courts use when publishing judgments."""
    if not value:
        return ""
    value = value.strip()
    two_char_surnames = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "夏侯", "轩辕", "端木", "澹台", "独孤", "南宫", "西门", "百里")
    if value[:2] in two_char_surnames and len(value) > 2:
        return value[:2] + "某"
    if value.isascii():
        return value.split()[0][:1] + "." if value.split() else ""
    return value[0] + "某"


def mask_text(text: str | None) -> str:
    """Star every phone and ID number found in free text (minutes, comments, outcomes)."""
    if not text:
        return text or ""
    text = _ID_RE.sub(lambda m: m.group(1) + "********" + m.group(3), text)
    text = _MOBILE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    return _LANDLINE_RE.sub(lambda m: m.group(1) + "-****" + m.group(3), text)


def mask_private_numbers(text: str | None) -> str:
    """Star ID and mobile numbers in text an office writes for the public, keeping landlines:
    a published notice may give the office's own telephone, never a private person's ID card
    or mobile (a subsidy list, for one, names recipients but must not show their ID numbers)."""
    if not text:
        return text or ""
    text = _ID_RE.sub(lambda m: m.group(1) + "********" + m.group(3), text)
    return _MOBILE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


def mask_value(column: str, value) -> str:
    """Mask a personal-data column by what its name says it holds."""
    if value is None:
        return ""
    text = str(value)
    name = column.lower()
    if "phone" in name or "mobile" in name or "tel" in name:
        return mask_phone(text)
    if "id_number" in name or "id_card" in name or name.endswith("_idno"):
        return mask_id_number(text)
    if "name" in name:
        return mask_name(text)
    return mask_text(text)
