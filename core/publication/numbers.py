"""Numbers that identify a private person, found in free text in every common notation.

Mobile numbers (139-1234-5678, 139 1234 5678, +86 139…, 86139…, full-width digits), resident
ID numbers (18 digits, spaced or hyphenated, lower-case x), landlines, e-mail addresses and
bank-card numbers. ``find_numbers`` returns their spans; ``core.publication.masker`` stars them.
"""

import re
from dataclasses import dataclass

_FULLWIDTH = str.maketrans("０１２３４５６７８９ｘＸ＋－　", "0123456789xX+- ")


@dataclass(frozen=True)
class NumberSpan:
    """A number found in text: where it is, what kind, and its starred form."""

    start: int
    end: int
    kind: str  # "mobile", "id", "landline", "email", "card"
    masked: str


_SEP = r"[ \-\u00a0]?"
_ID_RE = re.compile(r"(?<![\dA-Za-z])(\d{6})" + _SEP + r"(\d{4}" + _SEP + r"\d{4})" + _SEP
                    + r"(\d{3}[\dXx])(?![\dA-Za-z])")
_MOBILE_RE = re.compile(r"(?<![\d+])(?:(?:\+|00)?86" + _SEP + r")?(1[3-9]\d)" + _SEP
                        + r"(\d{4})" + _SEP + r"(\d{4})(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)(0\d{2,3})[ \-]?(\d{3,4})[ \-]?(\d{4})(?!\d)")
_EMAIL_RE = re.compile(r"([A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]*@([A-Za-z0-9.\-]+\.[A-Za-z]{2,})")
_CARD_RE = re.compile(r"(?<!\d)(\d{4})(?:" + _SEP + r"\d{4}){2,3}" + _SEP + r"(\d{1,4})(?!\d)")


def normalise(text: str) -> str:
    """Full-width digits and signs as ASCII, same length, so spans map back onto the text."""
    return text.translate(_FULLWIDTH)


def find_numbers(text: str, *, keep_landlines: bool = False) -> list[NumberSpan]:
    """Every personal number in ``text``, as non-overlapping spans in text order."""
    plain = normalise(text)
    spans: list[NumberSpan] = []
    taken: list[tuple[int, int]] = []

    def add(match, kind, masked):
        start, end = match.span()
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        spans.append(NumberSpan(start, end, kind, masked))

    for m in _ID_RE.finditer(plain):
        add(m, "id", m.group(1) + "********" + m.group(3))
    for m in _CARD_RE.finditer(plain):
        add(m, "card", m.group(1) + " **** **** " + m.group(2))
    for m in _MOBILE_RE.finditer(plain):
        add(m, "mobile", m.group(1) + "****" + m.group(3))
    for m in _EMAIL_RE.finditer(plain):
        add(m, "email", m.group(1) + "***@" + m.group(2))
    if not keep_landlines:
        for m in _LANDLINE_RE.finditer(plain):
            add(m, "landline", m.group(1) + "-****" + m.group(3))
    return sorted(spans, key=lambda s: s.start)
