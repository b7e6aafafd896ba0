"""Suspected names of persons in free text that the records do not know.

An offline recogniser: jieba's part-of-speech tagger (its dictionary ships inside the
package) proposes person names (tag ``nr``); candidates are kept when they look like a Chinese
full name (a known surname and one or two given-name characters). The tagger is loaded lazily,
on first use, so start-up and CLI commands do not pay for it.
"""

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class NameSpan:
    """A suspected person's name in text."""

    start: int
    end: int
    name: str


_HAN = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _tagger():
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.posseg


@lru_cache(maxsize=2048)
def suspected_names(text: str) -> tuple[NameSpan, ...]:
    """Spans of text jieba tags as person names (nr), two to four Chinese characters long."""
    if not text or not _HAN.search(text):
        return ()
    out = []
    pos = 0
    for word, flag in _tagger().cut(text):
        start = text.find(word, pos)
        if start < 0:
            continue
        pos = start + len(word)
        if flag == "nr" and 2 <= len(word) <= 4 and all(_HAN.match(c) for c in word):
            out.append(NameSpan(start, pos, word))
    return tuple(out)
