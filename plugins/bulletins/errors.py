"""The one exception the bulletins services raise for the user to read."""

from core.kit import UserError


class BulletinError(UserError):
    """Input the rules do not allow; ``str()`` is the Chinese message (gettext).

    Nothing has been changed when it is raised (the caller rolls the session back)."""
