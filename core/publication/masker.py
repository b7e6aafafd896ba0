"""The masker: what of a free text may reach residents.

Three passes, in this order, over text a resident will read:

1. numbers — every mobile, ID, landline (unless the field declares them public), e-mail and
   bank-card number, in every common notation (``core.publication.numbers``);
2. known private persons — every name the records hold as a private person's
   (``core.publication.names``), wherever it appears, becomes surname + 某;
3. suspected names — names the offline recogniser proposes (``core.publication.suspects``)
   become surname + 某 too, unless they are an active official's name or staff confirmed them
   as a public figure's for this item (``allowed``): erring toward privacy.

``analyse`` returns the same decisions as segments, for the review screen that shows staff
exactly what residents will get.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape, unescape

from flask import has_app_context, has_request_context, request

from core.masking import mask_name
from core.publication import names as name_registry
from core.publication.numbers import find_numbers
from core.publication.suspects import suspected_names

PLAIN, NUMBER, KNOWN, SUSPECT, OFFICIAL = "plain", "number", "known", "suspect", "official"


@dataclass(frozen=True)
class Segment:
    """A piece of analysed text: ``text`` as written, ``shown`` as residents get it."""

    text: str
    kind: str  # PLAIN, NUMBER, KNOWN (a private person), SUSPECT (masked), OFFICIAL (stands)
    shown: str

    @property
    def masked(self) -> bool:
        """Whether residents get something other than what was written."""
        return self.shown != self.text


def _known_and_officials() -> tuple[frozenset[str], frozenset[str]]:
    """The known private names and the officials' names: read once per request (kept in the
    request's environ, not in ``g``, which outlives requests when an app context is shared),
    and on every call outside a request (a job, a command)."""
    if not has_app_context():
        return frozenset(), frozenset()
    if not has_request_context():
        return name_registry.known_private_names(), name_registry.official_names()
    cached = request.environ.get(_ENVIRON_KEY)
    if cached is None:
        cached = (name_registry.known_private_names(), name_registry.official_names())
        request.environ[_ENVIRON_KEY] = cached
    return cached


_ENVIRON_KEY = "township.publication_names"


def _name_spans(text: str, known: frozenset[str]) -> list[tuple[int, int]]:
    spans, i, n = [], 0, len(text)
    lengths = range(name_registry.NAME_MAX, name_registry.NAME_MIN - 1, -1)
    while i < n:
        for size in lengths:
            if i + size <= n and text[i : i + size] in known:
                spans.append((i, i + size))
                i += size
                break
        else:
            i += 1
    return spans


def analyse(
    text: str, *, allowed: frozenset[str] | set[str] = frozenset(), keep_landlines: bool = False
) -> list[Segment]:
    """The text cut into segments with the masker's decision on each."""
    if not text:
        return []
    known, officials = _known_and_officials()
    return list(_analyse(text, frozenset(allowed), keep_landlines, known, officials))


@lru_cache(maxsize=4096)
def _analyse(text, allowed, keep_landlines, known, officials) -> tuple[Segment, ...]:
    marks: list[tuple[int, int, str, str]] = []  # start, end, kind, shown
    taken = bytearray(len(text) + 1)  # 1 where a mark already lies (no quadratic overlap test)

    def mark(start, end, kind, shown):
        if any(taken[start:end]):
            return
        taken[start:end] = b"\x01" * (end - start)
        marks.append((start, end, kind, shown))

    for s in find_numbers(text, keep_landlines=keep_landlines):
        mark(s.start, s.end, NUMBER, s.masked)
    for start, end in _name_spans(text, known):
        mark(start, end, KNOWN, mask_name(text[start:end]))
    for span in suspected_names(text):
        if span.name in allowed or span.name in officials:
            mark(span.start, span.end, OFFICIAL, span.name)
        else:
            mark(span.start, span.end, SUSPECT, mask_name(span.name))
    marks.sort()
    out, pos = [], 0
    for start, end, kind, shown in marks:
        if start > pos:
            out.append(Segment(text[pos:start], PLAIN, text[pos:start]))
        out.append(Segment(text[start:end], kind, shown))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:], PLAIN, text[pos:]))
    return tuple(out)


_MD_SPECIAL = re.compile(r"([*_\\`])")


def mask_text(
    text: str | None, *, allowed=frozenset(), keep_landlines: bool = False, markdown: bool = False
) -> str:
    """Free text as residents may read it. With ``markdown=True`` the stars the masker puts in
    are escaped, so a Markdown renderer shows them instead of reading them as emphasis."""
    if not text:
        return ""
    parts = []
    for seg in analyse(str(text), allowed=allowed, keep_landlines=keep_landlines):
        if markdown and seg.masked:
            parts.append(_MD_SPECIAL.sub(r"\\\1", seg.shown))
        else:
            parts.append(seg.shown)
    return "".join(parts)


_TAG = re.compile(r"(<[^>]*>)")


def mask_html(html: str | None, *, allowed=frozenset(), keep_landlines: bool = False) -> str:
    """Sanitised HTML with only its text nodes masked (tags and attributes kept as they are)."""
    if not html:
        return ""
    parts = _TAG.split(str(html))
    for i, part in enumerate(parts):
        if not part:
            continue
        if i % 2:  # a tag: numbers in its attributes (tel: links, titles) are starred too
            parts[i] = mask_numbers(part, keep_landlines=keep_landlines)
        else:
            parts[i] = escape(
                mask_text(unescape(part), allowed=allowed, keep_landlines=keep_landlines),
                quote=False,
            )
    return "".join(parts)


def mask_numbers(text: str | None, *, keep_landlines: bool = False) -> str:
    """Only the numbers starred (for staff-side lists, where names may stand)."""
    if not text:
        return ""
    text = str(text)
    out, pos = [], 0
    for s in find_numbers(text, keep_landlines=keep_landlines):
        out.append(text[pos : s.start])
        out.append(s.masked)
        pos = s.end
    out.append(text[pos:])
    return "".join(out)


def mask_person(name: str | None, *, public: bool = False) -> str:
    """A person's name as published: in full for a public figure, else surname + 某."""
    if not name:
        return ""
    return name.strip() if public else mask_name(name)
