"""CSV and XLSX downloads that are safe to open in a spreadsheet."""

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime

from flask import Response
from openpyxl import Workbook

# A cell starting with one of these is run as a formula by Excel/WPS (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value):
    """Make a cell value inert: formulas become text; dates and numbers stay as they are."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | date | datetime):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)
        return value
    text = str(value)
    if text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


def export_response(export_type: str, basename: str, headers: list[str],
                    rows: Iterable[list]) -> Response:
    """A download response for ``rows`` in ``csv`` or ``xlsx``."""
    if export_type == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(headers)
        for row in rows:
            sheet.append([neutralise(v) for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        return _download(buffer.getvalue(), f"{basename}.xlsx",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM so Excel reads the Chinese text as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return _download(buffer.getvalue().encode("utf-8"), f"{basename}.csv", "text/csv; charset=utf-8")


def _download(body: bytes, filename: str, mimetype: str) -> Response:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition})
