"""Filing a module's record with whoever keeps the office's archive (the ``file_record`` hook).

A hearing's minutes or a closed petition is a record worth keeping. Its module describes it
with a ``RecordToFile`` and calls ``file_record``; an archive module switched on for the
office (if any is installed) catalogues it and answers with its catalogue number. The caller
never knows who keeps archives.
"""

from dataclasses import dataclass

ACCESS_LEVELS = ("public", "internal", "restricted")
RETENTIONS = ("permanent", "30y", "10y")


@dataclass(frozen=True)
class RecordToFile:
    """One record offered to the office's archive.

    ``source_type`` (≤ 64 characters, stable, e.g. ``hearing_minutes``) and ``source_id``
    name the record; filing the same pair again answers the same number. ``access`` is who
    may consult it ("public", "internal" or "restricted"); ``url`` a site path or None;
    ``activity`` the activity whose own series receives it (None: the source type);
    ``retention`` "permanent", "30y", "10y" or None (30 years).
    """

    office_id: int
    source_type: str
    source_id: str
    title: str
    year: int
    access: str = "internal"
    url: str | None = None
    activity: str | None = None
    retention: str | None = None


def file_record(record: RecordToFile) -> str | None:
    """Offer ``record`` to the office's archive; its catalogue number, or None where no
    archive takes it. Runs in the caller's transaction (the caller commits). A record the
    archive refuses raises ValueError with a Chinese message."""
    from core.plugins import get_registry

    return get_registry().hook.file_record(record=record)
