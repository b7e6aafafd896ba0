"""CSV and XLSX downloads that are safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` is run as a formula by Excel and WPS
(CSV/formula injection: ``=HYPERLINK(...)`` in a resident's name would become a live link).
In CSV such a value is prefixed with an apostrophe, the convention spreadsheets read as "this
is text". In XLSX every string is written as a typed text cell, which is never evaluated, so
the value stays exactly as entered.
"""

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from urllib.parse import quote

from flask import Response, flash
from flask_babel import gettext as _

# A cell starting with one of these is run as a formula by Excel/WPS (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plain(value):
    """None as empty, aware datetimes as naive (spreadsheets have no time zones)."""
    if value is None:
        return ""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, bool | int | float | date | datetime):
        return value
    return str(value)


def neutralise(value):
    """A CSV cell value made inert: formula-like text gets a leading apostrophe; dates and
    numbers stay as they are."""
    value = _plain(value)
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def xlsx_cell(sheet, value):
    """An XLSX cell value: strings become typed text cells (never formulas) without the
    control characters XML cannot carry; other values go through as they are."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = _plain(value)
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    return cell


def export_bytes(
    export_type: str, headers: list[str], rows: Iterable[list]
) -> tuple[bytes, str, str]:
    """The file for ``rows`` in ``csv`` or ``xlsx``: (content, file extension, mimetype)."""
    if export_type == "xlsx":
        from openpyxl import Workbook  # imported here: it costs ~60 ms at start-up

        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append([xlsx_cell(sheet, h) for h in headers])
        for row in rows:
            sheet.append([xlsx_cell(sheet, v) for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue(), "xlsx", XLSX_MIMETYPE
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM so Excel reads the Chinese text as UTF-8
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return buffer.getvalue().encode("utf-8"), "csv", "text/csv; charset=utf-8"


def export_response(
    export_type: str, basename: str, headers: list[str], rows: Iterable[list]
) -> Response:
    """A download response for ``rows`` in ``csv`` or ``xlsx``."""
    body, extension, mimetype = export_bytes(export_type, headers, rows)
    return _download(body, f"{basename}.{extension}", mimetype)


def audited_export(
    export_type: str,
    basename: str,
    headers,
    rows,
    *,
    target_type: str,
    office_id=None,
    limit: int | None = None,
    **details,
) -> Response:
    """``export_response``, recorded first in the audit log and committed: every download
    leaves an "export" entry with its format, row count and ``details`` (the view, filters…).
    Rows cut off at ``limit`` are announced to the person."""
    from core.audit import record_event  # the audit imports this module
    from core.extensions import db

    rows = list(rows)
    if limit is not None and len(rows) >= limit:
        flash(_("导出已截断为前 %(n)d 行，请加筛选条件。", n=limit), "warning")
    details.update(format=export_type, rows=len(rows))
    record_event("export", office_id=office_id, target_type=target_type, details=details)
    db.session.commit()
    return export_response(export_type, basename, [str(h) for h in headers], rows)


def _download(body: bytes, filename: str, mimetype: str) -> Response:
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )
