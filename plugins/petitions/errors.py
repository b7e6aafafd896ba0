"""The one exception the petition services raise for the user to read."""

from core.kit import UserError


class PetitionError(UserError):
    """A request the petition's stage, the regulations or the input do not allow.

    ``str()`` is for the user (Chinese, through gettext). Nothing has been changed when it is
    raised: services check everything before they touch a row.
    """
