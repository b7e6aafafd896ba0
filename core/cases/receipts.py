"""Receipt numbers (回执号) residents use without an account.

Ten characters from Crockford's base-32 alphabet (no I, L, O, U: nothing to confuse on the
phone), nine of them random (45 bits: one guess in 3.5·10^13 hits a given case) and one check
character (Luhn mod 32) that catches any single mistyped character and most swapped pairs
before the database is asked. Shown in groups, ``K7M-Q2X-9PDH``; typed any way.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
# What people type for what they hear or see (Crockford's decoding rules).
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
RANDOM_LENGTH = 9
LENGTH = RANDOM_LENGTH + 1


def _check_char(body: str) -> str:
    """Luhn mod N check character for ``body``."""
    n, total, factor = len(ALPHABET), 0, 2
    for char in reversed(body):
        addend = factor * _INDEX[char]
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def new_receipt() -> str:
    """A fresh random receipt number (not yet checked for uniqueness)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + _check_char(body)


def normalise(text: str | None) -> str | None:
    """The canonical form of what a resident typed, or None when it cannot be a receipt.

    Spaces, hyphens and case do not matter; O/I/L are read as 0/1; the check character must
    match.
    """
    if not text:
        return None
    cleaned = "".join(text.split()).replace("-", "").replace("－", "").upper()
    cleaned = cleaned.translate(_CONFUSABLE)
    if len(cleaned) != LENGTH or any(c not in _INDEX for c in cleaned):
        return None
    if _check_char(cleaned[:-1]) != cleaned[-1]:
        return None
    return cleaned


def display(receipt: str) -> str:
    """``K7MQ2X9PDH`` → ``K7M-Q2X-9PDH`` (easier to read aloud)."""
    return f"{receipt[:3]}-{receipt[3:6]}-{receipt[6:]}"
