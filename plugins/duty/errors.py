"""The duty module's one error class."""

from core.kit import UserError


class DutyError(UserError):
    """A refused rota or duty action; the message (Chinese) is shown to the user."""
