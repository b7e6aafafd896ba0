"""Numbers that identify a private person, found in free text in every common notation.

- mobiles: ``13912345678``, ``139-1234-5678``, ``139 1234 5678``, ``1391 234 5678``,
  ``+86 139…``, ``+86-139…``, ``(+86)139…``, ``86139…``, ``0086…``, dots or mixed separators;
- resident ID numbers: 18 digits (``110101 19900307 1234``, ``110101-19900307-123X``, lower-case
  x) and the old 15-digit ones, told by their region code and birth date (or check digit);
- landlines: ``010-12345678``, ``(010)12345678``, ``0571 8888 6666``, ``+86 571 8888 6666``;
- e-mail addresses, bank cards (16–19 digits, contiguous or in groups of four), and QQ or
  WeChat numbers given after their cue word (``QQ：12345678``, ``微信号 wx_zhang88``).

Full-width digits, letters and signs count as their ASCII forms. Dates (``2026-12-18``,
``20261218``), times, amounts (``1,234,567.89``), receipt numbers (``4Z2-9GQ-XZMH``) and
catalogue numbers (``J001-2026-Y-0001``) are not numbers of a person and stand.

Every pattern proposes candidates (overlapping ones too); a candidate is kept when its digits
fit the kind (the separators must group the digits plausibly, an ID needs a region and a birth
date). Longer candidates win over shorter ones they overlap, so a card is not cut into a mobile
and a landline. ``find_numbers`` returns the spans; ``core.publication.masker`` stars them.
"""

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

# Full-width ASCII (U+FF01–U+FF5E) and the ideographic space as ASCII, same length, so spans
# found in the normalised text map back onto the original one.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH.update(
    {
        0x3000: 0x20,
        0x2010: 0x2D,
        0x2011: 0x2D,
        0x2012: 0x2D,
        0x2013: 0x2D,
        0x2212: 0x2D,
        0x00B7: 0x2E,
        0x30FB: 0x2E,
        0xFE63: 0x2D,
        0x3007: 0x30,
    }
)


@dataclass(frozen=True)
class NumberSpan:
    """A number found in text: where it is, what kind, and its starred form."""

    start: int
    end: int
    kind: str  # "mobile", "id", "landline", "email", "card", "qq", "wechat"
    masked: str


# A separator between digit groups: spaces (also no-break), a hyphen, a dot or a slash with
# spaces around it, or a backslash-escaped hyphen as Markdown writes it.
_S = r"(?:[ \u00a0\t]{0,2}\\?[\-./]?[ \u00a0\t]{0,2})"
_D = r"(?:" + _S + r"\d)"  # one more digit, maybe after a separator
_PREFIX = r"(?:[(\[]?(?:\+|00)?[ ]?86[)\]]?" + _S + r")"  # +86, 0086, 86, (+86)

_MOBILE_RE = re.compile(
    r"(?<![\d+])(?=((?P<pre>" + _PREFIX + r")?(?P<body>1[3-9]\d" + _D + r"{8}))(?!\d))"
)
_ID_RE = re.compile(
    r"(?<![\dA-Za-z])(?=([1-9]" + _D + r"{16}" + _S + r"[\dXx]|[1-9]" + _D + r"{14})(?![\dA-Za-z]))"
)
_CARD_RE = re.compile(
    r"(?<![\dA-Za-z])(?=(\d{16,19}|\d{4}(?P<sep>[ \-])\d{4}(?:(?P=sep)\d{4}){1,2}"
    r"(?:(?P=sep)\d{1,4})?|\d{6}[ \-]\d{10,13})(?!\d))"
)
_LANDLINE_RE = re.compile(
    r"(?<![\dA-Za-z+])(?=((?:\+|00)?(?:86"
    + _S
    + r")?[(（]?0?[1-9]\d{1,2}[)）]?"
    + _S
    + r"\d{3,4}"
    + _S
    + r"\d{4})(?!\d))"
)
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_QQ_RE = re.compile(r"(?:QQ|qq|Qq|扣扣)(?:号码|号)?\s*[:：]?\s*([1-9]\d{4,10})(?!\d)")
_WECHAT_RE = re.compile(
    r"(?:微信|WeChat|wechat|VX|vx|Vx|V信)(?:号码|号|ID|id)?\s*[:：]?\s*"
    r"([A-Za-z][-_A-Za-z0-9]{5,19}|\d{5,11})(?![-_A-Za-z0-9])"
)

_GROUPS = re.compile(r"\d+")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Priority among candidates of the same length (lower wins).
_PRIORITY = {"email": 0, "id": 1, "card": 2, "mobile": 3, "landline": 4, "qq": 5, "wechat": 5}


def normalise(text: str) -> str:
    """Full-width digits, letters and signs as ASCII, same length, so spans map back."""
    return text.translate(_FULLWIDTH)


def id_check_digit(first17: str) -> str:
    """The check character for the first 17 digits of a resident ID number (GB 11643, MOD 11-2)."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def _valid_birth(year: int, month: int, day: int) -> bool:
    if not 1900 <= year <= 2099:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _id_kind(raw: str) -> str | None:
    """'id' when the digits read as a resident ID number (region code, birth date)."""
    digits = re.sub(r"[^\dXx]", "", raw).upper()
    groups = _GROUPS.findall(raw)
    if len(groups) > 1 and min(len(g) for g in groups[:-1]) < 2:
        return None  # "1 3 5 7 …" is a list of numbers, not an ID written in groups
    if digits[0] not in "123456789":
        return None
    if len(digits) == 18:
        born = _valid_birth(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
        if born or id_check_digit(digits[:17]) == digits[17]:
            return "id"
        return None
    if len(digits) == 15 and digits.isdigit():
        if _valid_birth(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12])):
            return "id"
    return None


def _mobile_ok(body: str) -> bool:
    """Separators group a mobile's 11 digits in groups of three or more (139 1234 5678)."""
    return all(len(g) >= 3 for g in _GROUPS.findall(body))


def _landline_digits(raw: str) -> str | None:
    """The landline's digits with its area code's 0 (0571…), or None when it is not one."""
    digits = re.sub(r"\D", "", raw)
    international = raw.lstrip("([").startswith(("+", "00")) or (
        digits.startswith("86") and not raw.lstrip("(（").startswith("0")
    )
    if international:
        digits = digits[4:] if digits.startswith("0086") else digits[2:]
        if digits.startswith("0"):
            digits = digits[1:]
        digits = "0" + digits
    elif not digits.startswith("0"):
        return None
    if not 10 <= len(digits) <= 12 or digits[1] in "12" and len(digits) > 11:
        return None
    if not all(len(g) >= 2 for g in _GROUPS.findall(raw)):
        return None
    return digits


def _candidates(plain: str, keep_landlines: bool, keep_emails: bool):  # noqa: C901
    for m in () if keep_emails else _EMAIL_RE.finditer(plain):
        local, _, domain = m.group(0).partition("@")
        yield m.start(), m.end(), "email", local[0] + "***@" + domain
    for m in _ID_RE.finditer(plain):
        raw = m.group(1)
        if _id_kind(raw):
            digits = re.sub(r"[^\dXx]", "", raw)
            yield m.start(1), m.end(1), "id", digits[:6] + "*" * (len(digits) - 10) + digits[-4:]
    for m in _CARD_RE.finditer(plain):
        digits = re.sub(r"\D", "", m.group(1))
        if digits[0] != "0":
            yield m.start(1), m.end(1), "card", digits[:4] + " **** **** " + digits[-4:]
    for m in _MOBILE_RE.finditer(plain):
        if _mobile_ok(m.group("body")):
            digits = re.sub(r"\D", "", m.group("body"))
            yield m.start(1), m.end(1), "mobile", digits[:3] + "****" + digits[-4:]
    if not keep_landlines:
        for m in _LANDLINE_RE.finditer(plain):
            digits = _landline_digits(m.group(1))
            if digits:
                area = digits[:3] if digits[1] in "12" else digits[:4]
                yield m.start(1), m.end(1), "landline", area + "-****" + digits[-4:]
    for m in _QQ_RE.finditer(plain):
        yield m.start(1), m.end(1), "qq", m.group(1)[:2] + "****" + m.group(1)[-2:]
    for m in _WECHAT_RE.finditer(plain):
        yield m.start(1), m.end(1), "wechat", m.group(1)[:2] + "****"


def find_numbers(
    text: str, *, keep_landlines: bool = False, keep_emails: bool = False
) -> list[NumberSpan]:
    """Every personal number in ``text``, as non-overlapping spans in text order.

    ``keep_landlines`` leaves landlines alone (an office's telephone in its own notice);
    ``keep_emails`` leaves e-mail addresses (an office's mailbox), though a mobile written as
    an address's local part is still found.
    """
    if not text or not _ANY_DIGIT.search(text):
        return []
    return list(_find(text, keep_landlines, keep_emails))


_ANY_DIGIT = re.compile(r"[0-9０-９@＠信]")  # digits, an e-mail, a WeChat id


@lru_cache(maxsize=4096)
def _find(text: str, keep_landlines: bool, keep_emails: bool) -> tuple[NumberSpan, ...]:
    plain = normalise(text)
    found = sorted(
        _candidates(plain, keep_landlines, keep_emails),
        key=lambda c: (-(c[1] - c[0]), _PRIORITY[c[2]], c[0]),
    )
    chosen: list[NumberSpan] = []
    for start, end, kind, masked in found:
        if any(start < s.end and s.start < end for s in chosen):
            continue
        chosen.append(NumberSpan(start, end, kind, masked))
    return tuple(sorted(chosen, key=lambda s: s.start))
