"""The published annual report as an A4 PDF, drawn by reportlab from the published view only
(the publication gate has masked the office's text; the tables are counts).

The Chinese font is embedded the way the bulletins' leaflet does it: a TrueType CJK font where
the machine has one (fonts-wqy-microhei; ``ANNUALREPORT_PDF_FONT`` names a file to prefer) —
a subset of the glyphs used goes into the file, so it prints the same anywhere — else
reportlab's built-in CID font ``STSong-Light``.
"""

import io
import os
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.kit import format_local_date
from plugins.annualreport.tables import report_tables

CID_FONT = "STSong-Light"
EMBEDDED_FONT = "AnnualReportCJK"
TRUETYPE_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
# Middle dots the Adobe-GB1 collection lacks, drawn with the one it has (U+30FB).
_MISSING_GLYPHS = str.maketrans({"\u00b7": "\u30fb", "\u2022": "\u30fb", "\u22c5": "\u30fb"})
_font: str | None = None


def font_name() -> str:
    """The registered Chinese font: an embedded TrueType font where the machine has one,
    else the CID font."""
    global _font
    if _font is None:
        _font = CID_FONT
        preferred = os.environ.get("ANNUALREPORT_PDF_FONT")
        for path in ([preferred] if preferred else []) + list(TRUETYPE_CANDIDATES):
            if path and os.path.exists(path):
                try:
                    pdfmetrics.registerFont(TTFont(EMBEDDED_FONT, path))
                    _font = EMBEDDED_FONT
                    break
                except Exception:  # noqa: BLE001 — an unusable font file: try the next one
                    continue
        if _font == CID_FONT:
            pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return _font


def _text(value) -> str:
    return escape(str(value or "").translate(_MISSING_GLYPHS)).replace("\n", "<br/>")


def _styles(font: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK")
    return {
        "body": body,
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=26, alignment=1),
        "meta": ParagraphStyle("meta", parent=body, fontSize=10, leading=15, alignment=1),
        "head": ParagraphStyle("head", parent=body, fontSize=13, leading=20, spaceBefore=8),
        "cell": ParagraphStyle("cell", parent=body, fontSize=10, leading=14),
    }


def _table(table: dict, styles, width: float) -> Table:
    cells = [
        [Paragraph(_text(c), styles["cell"]) for c in row]
        for row in [table["head"], *table["rows"]]
    ]
    first = width * (0.55 if len(table["head"]) == 2 else 0.3)
    rest = (width - first) / (len(table["head"]) - 1)
    grid = Table(cells, colWidths=[first] + [rest] * (len(table["head"]) - 1), repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return grid


def _section(title: str, text, styles) -> list:
    return [
        Paragraph(_text(title), styles["head"]),
        Paragraph(_text(text or _("无。")), styles["body"]),
    ]


def report_pdf(report, office_name: str) -> bytes:
    """The PDF of a published report (``report`` is its published view)."""
    font = font_name()
    styles = _styles(font)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("%(year)s年政府信息公开工作年度报告", year=report.year),
    )
    title = _("%(office)s%(year)s年政府信息公开工作年度报告", office=office_name, year=report.year)
    story = [
        Paragraph(_text(title), styles["title"]),
        Paragraph(
            _text(_("发布日期：%(date)s", date=format_local_date(report.published_at))),
            styles["meta"],
        ),
        Spacer(1, 6 * mm),
        *_section(_("一、总体情况"), report.overview, styles),
    ]
    for table in report_tables(report):
        story += [Paragraph(_text(table["title"]), styles["head"]), Spacer(1, 2 * mm)]
        story.append(_table(table, styles, doc.width))
    story += _section(_("六、存在的主要问题及改进情况"), report.problems, styles)
    story += _section(_("七、其他需要报告的事项"), report.other_matters, styles)
    doc.build(story)
    return buffer.getvalue()
