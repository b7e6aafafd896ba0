"""gettext that also works outside a request (the deadline sweep runs as a job)."""

from flask import has_request_context
from flask_babel import gettext


def t(message: str, **variables) -> str:
    """``gettext`` during a request; outside one, the Chinese source text (the default).

    The locale selector reads the session, which only exists during a request.
    """
    if has_request_context():
        return gettext(message, **variables)
    return message % variables if variables else message
