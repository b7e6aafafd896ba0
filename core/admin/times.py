"""Times as staff type them: a tolerant parser (showing them is ``core.time.format_local``).

Every time a person types may be written the ways a clerk writes it: ``2026-12-18 09:00``,
``2026/12/18 9:00``, ``2026-12-18T09:00``, ``2026.12.18``, ``2026年12月18日 9时00分``.
"""

import re
from datetime import date, datetime

# Years a township's records can carry: keeps "2" from becoming 0002-01-01.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199

_FULL_WIDTH = str.maketrans("０１２３４５６７８９／－．：　Ｔ", "0123456789/-.: T")
_PATTERN = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*[Tt\s]\s*(?P<H>\d{1,2})\s*[:时點点]\s*(?P<M>\d{1,2})"
    r"(?:\s*[:分]\s*(?P<S>\d{1,2}(?:\.\d+)?))?\s*[分秒]?)?"
)


def parse_local(text: str, with_time: bool = True) -> datetime | date | None:
    """What a person typed, as a date or a naive Beijing datetime; None when it is not one.

    ``with_time`` False expects a date (a time after it is refused). A datetime typed
    without a time is midnight. Years outside 1900–2199 are refused.
    """
    text = (text or "").translate(_FULL_WIDTH).strip()
    match = _PATTERN.fullmatch(text)
    if match is None:
        return None
    if not with_time and match["H"] is not None:
        return None
    year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None
    try:
        if not with_time:
            return date(year, month, day)
        hour, minute = int(match["H"] or 0), int(match["M"] or 0)
        second = int(float(match["S"])) if match["S"] else 0
        return datetime(year, month, day, hour, minute, second)
    except ValueError:  # 2026-02-30, 25:00
        return None
