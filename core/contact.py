"""What residents give on public forms, and the codes they get back — one rule for every module.

Hearing registration, reception booking and archive requests all take a resident's phone,
refuse malformed numbers with the same message, keep only a keyed hash for matching ("one
registration per phone"), and hand out a short code the resident reads aloud or types from paper.
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable

from flask import current_app
from flask_babel import gettext as _

# No 0/O, 1/I/L: codes are read aloud and typed from paper. 31^8 ≈ 8.5e11 codes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{9,11}")


class InvalidPhone(ValueError):
    """A phone number that is neither a mainland mobile nor a landline with area code."""


def normalise_phone(raw: str | None, error: type[Exception] = InvalidPhone) -> str:
    """Digits only, without +86: a mainland mobile (11 digits) or a landline with area code.

    Raises ``error`` (InvalidPhone, or the plugin's own error), whose message is for the
    resident, for anything else.
    """
    digits = re.sub(r"[\s\-()（）]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not (_MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits)):
        raise error(_("请填写正确的手机号码（11 位数字），或带区号的固定电话。"))
    return digits


def phone_hash(normalised: str, purpose: str, key_setting: str | None = None) -> str:
    """Keyed hash of a normalised phone: equal numbers match, an index holds no number.

    ``purpose`` (e.g. "hearings.phone") keeps one module's hashes from matching another's;
    ``key_setting`` names an optional config key for the secret (default: SECRET_KEY).
    """
    key = (key_setting and current_app.config.get(key_setting)) or current_app.config["SECRET_KEY"]
    if isinstance(key, str):
        key = key.encode()
    return hmac.new(key, f"{purpose}:".encode() + normalised.encode(), hashlib.sha256).hexdigest()


def new_code(taken: Callable[[str], bool], length: int = CODE_LENGTH) -> str:
    """A fresh random code from CODE_ALPHABET for which ``taken(code)`` is False."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(length))
        if not taken(code):
            return code


def format_code(code: str) -> str:
    """``ABCD-EFGH``: easier to read aloud and copy."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def parse_code(raw: str | None) -> str:
    """The code as stored, from what a resident typed (case, spaces and dashes ignored)."""
    return re.sub(r"[\s\-]", "", raw or "").upper()


def looks_like_code(code: str, length: int = CODE_LENGTH) -> bool:
    """True when ``code`` (as parsed) could be one of ours: skip the lookup otherwise."""
    return len(code) == length and all(c in CODE_ALPHABET for c in code)


def normalise_id_number(raw: str | None) -> str | None:
    """A resident ID number as stored: no spaces or dashes, the check character upper case."""
    value = re.sub(r"[\s\-]", "", raw or "").upper()
    return value or None


def valid_id_number(value: str | None) -> bool:
    """A mainland resident ID number (居民身份证号码, GB 11643): 18 characters whose check
    character and date of birth are valid (python-stdnum), or the old 15-digit form."""
    from stdnum.cn import ric

    value = normalise_id_number(value) or ""
    if re.fullmatch(r"\d{15}", value):
        return True
    return bool(re.fullmatch(r"\d{17}[\dX]", value)) and ric.is_valid(value)
