"""Masking of private persons' personal data for lists, logs and public pages."""

import re


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
    two_char_surnames = (
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "令狐",
        "长孙",
        "宇文",
        "夏侯",
        "轩辕",
        "端木",
        "澹台",
        "独孤",
        "南宫",
        "西门",
        "百里",
    )
    if value[:2] in two_char_surnames and len(value) > 2:
        return value[:2] + "某"
    if value.isascii():
        return value.split()[0][:1] + "." if value.split() else ""
    return value[0] + "某"


def _star(text: str, **keep) -> str:
    # Imported here: core.publication imports this module (mask_name) while it loads.
    from core.publication.numbers import find_numbers

    out, pos = [], 0
    for span in find_numbers(text, **keep):
        out.append(text[pos : span.start])
        out.append(span.masked)
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


def mask_text(text: str | None) -> str:
    """Star every phone, ID, e-mail and bank-card number found in free text (minutes,
    comments, outcomes), in every common notation (``core.publication.numbers``)."""
    if not text:
        return text or ""
    return _star(text)


def mask_private_numbers(text: str | None) -> str:
    """Star ID, mobile and bank-card numbers in text an office writes for the public, keeping
    landlines and e-mail addresses: a published notice may give the office's own telephone and
    mailbox, never a private person's ID card or mobile (a subsidy list, for one, names
    recipients but must not show their ID or account numbers)."""
    if not text:
        return text or ""
    return _star(text, keep_landlines=True, keep_emails=True)


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
