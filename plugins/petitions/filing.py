"""Filing a closed petition's file in the office's archive (档案管理制度: each activity its own
archive; 信访事项办结后立卷归档).

The plugin does not know who keeps archives: it offers the record through the core's
``file_record`` hook, which an archive module switched on for the office answers with a
catalogue number, and nobody answers (None) where none is installed or switched on.

A petition is filed when its matter ends (a final stage: not accepted, window lapsed, re-review
terminated). A repeat merged into an earlier petition is not filed on its own: its letters
belong to the original's file (并案). A petition reopened by a late review request and closed
again is offered again and keeps its number.
"""

from datetime import datetime

from flask_babel import gettext as _

from core.kit import RecordToFile, file_record, mask_numbers, to_local
from plugins.petitions.errors import PetitionError
from plugins.petitions.models import Petition

SOURCE_TYPE = "petition"
# Catalogue data, stored once in the archive's language (not the reader's UI language).
ACTIVITY = "信访"
TITLE_PREFIX = "信访事项"
TITLE_MAX = 200
# Restricted, not internal: the file holds petitioners' names, phones, ID numbers and
# addresses, and often an accusation against a neighbour or an official, which the Regulations
# on Letters and Visits forbid passing to the person accused. Restricted files are lent only
# with the keeper's and a leader's approval and are never offered to residents.
SECURITY = "restricted"
RETENTION = "30y"
# The staff detail screen (plugins.petitions.admin.PetitionView, endpoint petitions_petitions).
DETAIL_URL = "/admin/petitions_petitions/details/?id={id}"


def petition_title(petition: Petition) -> str:
    """``信访事项 <receipt number>：<subject>`` within 200 characters, phones and ID numbers a
    clerk may have typed into the subject starred in every notation (the catalogue is
    exported). Names stand: the file is restricted and its keeper must find it; wherever an
    archive title reaches residents, the archive publishes it through the gate, which masks
    the petitioner's name (a person field of this plugin)."""
    head = f"{TITLE_PREFIX} {petition.receipt_no}：" if petition.receipt_no else f"{TITLE_PREFIX}："
    return (head + mask_numbers(petition.subject.strip()))[:TITLE_MAX]


def file_petition(petition: Petition, closed_at: datetime) -> str | None:
    """Offer a closed petition's file to the office's archive, filed under the year it was
    closed (办结年度); returns the catalogue number, or None where no archive takes it (merged
    repeats are never offered). Runs in the caller's transaction.

    An archive refusing the record raises PetitionError, so the closing step is refused too
    and nothing is saved (the caller rolls back).
    """
    if petition.repeat_of_id is not None:
        return None
    try:
        return file_record(
            RecordToFile(
                office_id=petition.office_id,
                source_type=SOURCE_TYPE,
                source_id=str(petition.id),
                title=petition_title(petition),
                year=to_local(closed_at).year,
                access=SECURITY,
                url=DETAIL_URL.format(id=petition.id),
                activity=ACTIVITY,
                retention=RETENTION,
            )
        )
    except ValueError as exc:
        raise PetitionError(_("信访事项未能归档：%(reason)s", reason=str(exc))) from exc
