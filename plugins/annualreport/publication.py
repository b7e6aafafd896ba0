"""What residents may see of an annual report, declared for the core's publication gate.

The office's own text (总体情况, problems, other matters) is free text written by staff: TEXT,
so phones, ID numbers and private persons' names are masked on the page and in the PDF. The
tables are counts (``figures``, generated, never typed by anyone) and the staff-entered
numbers: PUBLIC. Who published it is withheld. A draft is never shown (the pages list only
published reports).
"""

from core.kit import PUBLIC, TEXT, WITHHELD, declare
from plugins.annualreport.models import CASE_FIELDS, AnnualReport


def declarations():
    """The published fields of a report."""
    fields = {
        "id": PUBLIC,
        "office_id": PUBLIC,
        "office": PUBLIC,
        "year": PUBLIC,
        "overview": TEXT,
        "problems": TEXT,
        "other_matters": TEXT,
        "figures": PUBLIC,
        "figures_at": PUBLIC,
        "published_at": PUBLIC,
        "submitted_at": WITHHELD,
        "published_by_id": WITHHELD,
        "published_by": WITHHELD,
        "created_at": WITHHELD,
        "updated_at": WITHHELD,
        "version": WITHHELD,
    }
    fields.update(dict.fromkeys(CASE_FIELDS, PUBLIC))
    return [declare(AnnualReport, fields)]
