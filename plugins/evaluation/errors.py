"""The evaluation module's one error class."""

from core.kit import UserError


class EvaluationError(UserError):
    """A refused evaluation action; the message (Chinese) is shown to the user."""
