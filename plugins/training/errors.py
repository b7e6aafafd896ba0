"""The one exception the training module raises for the user to read."""

from core.kit import UserError


class TrainingError(UserError):
    """Input that cannot be saved or a state the rules do not allow; ``str()`` is the Chinese
    message (gettext). Nothing has been changed when it is raised."""
