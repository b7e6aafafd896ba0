"""The public records of an office in the public JSON API (/api/v1/archives/…).

Only public files that are not lost, with no personal data: a record's number, title, year,
series, retention, whether it is in the store now, and where to ask to consult it.
"""

from flask import g, request, url_for
from pydantic import BaseModel

from core import db
from plugins.archives.catalogue import search
from plugins.archives.models import ArchiveFile, FileStatus
from plugins.archives.public import LIST_LIMIT, public_files


class PublicRecordOut(BaseModel):
    """A public archive file residents may ask to consult (可查询制度)."""

    id: int
    catalogue_no: str
    title: str
    year: int
    series: str
    retention: str
    retention_label: str
    available: bool
    request_url: str


def register_endpoints(api) -> None:
    """Add /archives/<office_code>/records."""

    @api.route("/archives/<office_code>/records", list[PublicRecordOut], tag="archives",
               params={"q": "words of the catalogue number, title or summary"})
    def records(office_code):
        """Public archive records of one office that residents may ask to consult."""
        query = search(public_files([g.office.id]), request.args.get("q"))
        rows = db.session.scalars(query.order_by(ArchiveFile.year.desc(), ArchiveFile.catalogue_no)
                                  .limit(LIST_LIMIT))
        return [{
            "id": f.id, "catalogue_no": f.catalogue_no, "title": f.title, "year": f.year,
            "series": f.series.title, "retention": f.retention.value,
            "retention_label": f.retention.label,
            "available": f.status == FileStatus.IN_STORE,
            "request_url": url_for("archives_public.request_form", office_code=office_code,
                                   file_id=f.id, _external=True),
        } for f in rows]
