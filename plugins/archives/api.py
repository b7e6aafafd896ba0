"""The public records of an office in the public JSON API (/api/v1/archives/…).

Only public files that are not lost, with no personal data: a record's number, title, year,
series, retention, whether it is in the store now, and where to ask to consult it. Files are
read through the publication gate (``published_files``): titles masked, the search matching
only the number and the published title; URLs on the configured public base URL.
"""

from flask import g, request
from pydantic import BaseModel

from core.kit import PublicStr, Text, public_url
from plugins.archives.models import FileStatus
from plugins.archives.public import published_files


class PublicRecordOut(BaseModel):
    """A public archive file residents may ask to consult (可查询制度)."""

    id: int
    catalogue_no: PublicStr
    title: Text
    year: int
    series: Text
    retention: PublicStr
    retention_label: PublicStr
    available: bool
    request_url: PublicStr


def register_endpoints(api) -> None:
    """Add /archives/<office_code>/records."""

    @api.route(
        "/archives/<office_code>/records",
        list[PublicRecordOut],
        tag="archives",
        params={"q": "words of the catalogue number or title"},
    )
    def records(office_code):
        """Public archive records of one office that residents may ask to consult."""
        rows = published_files(g.office.id, request.args.get("q"))
        return [
            {
                "id": f.id,
                "catalogue_no": f.catalogue_no,
                "title": f.title,
                "year": f.year,
                "series": f.series.title,
                "retention": f.retention.value,
                "retention_label": f.retention.label,
                "available": f.status == FileStatus.IN_STORE,
                "request_url": public_url(
                    "archives_public.request_form", office_code=office_code, file_id=f.id
                ),
            }
            for f in rows
        ]
