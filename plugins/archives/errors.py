"""The one error the archive services raise: its message is Chinese and meant for the user."""


class ArchiveError(ValueError):
    """A request the archive rules refuse; nothing was changed."""
