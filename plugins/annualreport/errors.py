"""The annual report module's one error class."""

from core.kit import UserError


class AnnualReportError(UserError):
    """A refused report action; the message (Chinese) is shown to the user."""
