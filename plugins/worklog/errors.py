"""The worklog module's one error class."""

from core.kit import UserError


class WorklogError(UserError):
    """A refused feedback, memo or log action; the message (Chinese) is shown to the user."""
