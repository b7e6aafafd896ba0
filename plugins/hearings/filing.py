"""Filing a hearing's minutes in the office's archive (档案管理制度: each activity its own archive).

The plugin does not know who keeps archives: it offers the record through the core's
``file_record`` hook, which an archive module switched on for the office answers with a
catalogue number, and nobody answers (None) where none is installed or switched on.

One archive file per hearing's minutes. Every publication — the first version and each
correction — offers the same record (source ``hearing_minutes`` / the hearing's id): the hook
files it the first time and returns the same number afterwards. A correction therefore
updates nothing in the archive and files nothing new: published versions never change, and
the file's link leads to the hearing's page, which shows the current minutes with every
earlier version and its correction note. Offering it again on each correction also files the
minutes of an office that switched its archive on after the first version was published.
"""

from flask_babel import gettext as _

from core.kit import RecordToFile, file_record, to_local, utc_now
from plugins.hearings.errors import HearingError
from plugins.hearings.jobs import DESK_URL
from plugins.hearings.models import Hearing

SOURCE_TYPE = "hearing_minutes"
# Catalogue data, stored once in the archive's language (not the reader's UI language).
ACTIVITY = "群众听证质询"
TITLE_SUFFIX = "会议纪要"
TITLE_MAX = 200
# Minutes of hearings on decisions touching residents are kept for good (永久).
RETENTION = "permanent"


def minutes_title(hearing: Hearing) -> str:
    """The archive title: the hearing's title followed by 会议纪要, within 200 characters."""
    suffix = f"（{TITLE_SUFFIX}）"
    return hearing.title.strip()[: TITLE_MAX - len(suffix)] + suffix


def minutes_year(hearing: Hearing) -> int:
    """The year the hearing took place (local time), which is the year its minutes belong to."""
    moment = hearing.starts_at or hearing.held_at or utc_now()
    return to_local(moment).year


def minutes_url(hearing: Hearing) -> str:
    """The residents' page of the hearing (current minutes and every version), or the staff
    desk's page for a hearing residents cannot see."""
    if hearing.is_public:
        return f"/o/{hearing.office.code}/hearings/{hearing.id}"
    return f"{DESK_URL}/{hearing.id}"


def file_minutes(hearing: Hearing) -> str | None:
    """Offer the hearing's published minutes to the office's archive; returns the catalogue
    number, or None where no archive takes it. Runs in the caller's transaction.

    An archive refusing the record raises HearingError, so the publication is refused too
    and nothing is saved (the caller rolls back).
    """
    try:
        return file_record(
            RecordToFile(
                office_id=hearing.office_id,
                source_type=SOURCE_TYPE,
                source_id=str(hearing.id),
                title=minutes_title(hearing),
                year=minutes_year(hearing),
                access="public",
                url=minutes_url(hearing),
                activity=ACTIVITY,
                retention=RETENTION,
            )
        )
    except ValueError as exc:
        raise HearingError(_("纪要未能归档：%(reason)s", reason=str(exc))) from exc
