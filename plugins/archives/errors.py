"""The one error the archives services raise (not the core's audit ``ArchiveError``)."""

from core.kit import UserError


class ArchivesError(UserError):
    """A request the archive rules refuse: the message (Chinese first) is for the person;
    nothing was changed."""
