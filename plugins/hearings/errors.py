"""The one exception the hearing services raise for the user to read."""

from core.kit import UserError


class HearingError(UserError):
    """A request the hearing's state or the input does not allow; ``str()`` is for the user
    (Chinese, through gettext). Nothing has been changed when it is raised."""
