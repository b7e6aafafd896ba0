"""What of the archive residents may see, declared for the core's publication gate.

Public files are listed by catalogue number, title (free text staff type: masked), year,
series, retention and whether they are in the store; their description and shelf location
are never published. A consultation request is shown only to whoever holds its reference,
with the name as 张某 and the phone's digits starred. Residents' names on requests are
private persons'.
"""

from core.kit import PERSON, PUBLIC, TEXT, WITHHELD, PersonField, declare, office_text
from plugins.archives.models import ArchiveFile, ArchiveSettings, Loan, Series


def declarations():
    """The published fields of public files, their series, the office's archive settings and a
    resident's own consultation request."""
    return [
        declare(
            ArchiveFile,
            {
                "id": PUBLIC,
                "office_id": PUBLIC,
                "office": PUBLIC,
                "series_id": PUBLIC,
                "series": PUBLIC,
                "catalogue_no": PUBLIC,
                "year": PUBLIC,
                "retention": PUBLIC,
                "security": PUBLIC,
                "status": PUBLIC,
                "open_to_residents": PUBLIC,
                "title": TEXT,
                "description": WITHHELD,
                "location": WITHHELD,
                "source_type": WITHHELD,
                "source_id": WITHHELD,
                "source_url": WITHHELD,
            },
        ),
        declare(Series, {"id": PUBLIC, "office_id": PUBLIC, "code": PUBLIC, "title": TEXT}),
        declare(
            ArchiveSettings,
            {
                "id": PUBLIC,
                "office_id": PUBLIC,
                "keeper_id": PUBLIC,
                "keeper": PUBLIC,
                "max_loan_days": PUBLIC,
                "reading_room": office_text(),
            },
        ),
        # Shown only on the receipt and the lookup reached with the request's reference.
        declare(
            Loan,
            {
                "id": PUBLIC,
                "office_id": PUBLIC,
                "file_id": PUBLIC,
                "file": PUBLIC,
                "reference": PUBLIC,
                "status": PUBLIC,
                "due_at": PUBLIC,
                "resident_name": PERSON,
                # The requester's own phone on the receipt, every digit run starred by the masker.
                "resident_phone": TEXT,
                "decision_note": TEXT,
                "purpose": WITHHELD,
                "condition_out": WITHHELD,
                "condition_in": WITHHELD,
            },
        ),
    ]


def person_fields():
    """Residents who asked to consult a file (a loss of such a loan copies the same name)."""
    return [PersonField(Loan.resident_name)]
