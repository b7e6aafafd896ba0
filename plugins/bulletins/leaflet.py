"""The printable A4 leaflet (宣传单) of an information product, with a QR code to its page.

reportlab draws it from published views only (the publication gate has masked every text).
The Chinese font is embedded when the machine has a TrueType CJK font (a subset of the glyphs
used goes into the file, so any reader shows the same letters); without one, reportlab's
built-in CID font ``STSong-Light`` (Adobe-GB1, one of PDF's standard Chinese fonts, supplied by
every reader) is used, as the other modules' PDFs do. The QR code is segno's matrix drawn as
vector squares, so it prints sharp at any size.
"""

import io
import os
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

CID_FONT = "STSong-Light"
EMBEDDED_FONT = "BulletinsCJK"
# TrueType CJK fonts reportlab can embed (Noto CJK is CFF-outlined, which it cannot).
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
    """The registered Chinese font: an embedded TrueType font where the machine has one
    (``BULLETINS_PDF_FONT`` names a file to prefer), else the CID font."""
    global _font
    if _font is None:
        _font = CID_FONT
        preferred = os.environ.get("BULLETINS_PDF_FONT")
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


def _text(value: str) -> str:
    return escape((value or "").translate(_MISSING_GLYPHS)).replace("\n", "<br/>")


class QrCode(Flowable):
    """A QR code of ``url`` drawn square by square, ``size`` wide, centred."""

    def __init__(self, url: str, size: float):
        super().__init__()
        import segno

        self.matrix = segno.make(url, error="m").matrix
        self.size = size

    def wrap(self, avail_width, avail_height):
        """Takes the whole line, ``size`` high."""
        self.avail_width = avail_width
        return avail_width, self.size

    def draw(self):
        """Dark modules as filled squares, with a two-module quiet zone."""
        count = len(self.matrix) + 4
        cell = self.size / count
        left = (self.avail_width - self.size) / 2
        canvas = self.canv
        canvas.setFillColorRGB(0, 0, 0)
        for r, row in enumerate(self.matrix):
            for c, dark in enumerate(row):
                if dark:
                    x = left + (c + 2) * cell
                    y = self.size - (r + 3) * cell
                    canvas.rect(x, y, cell, cell, stroke=0, fill=1)


def _styles(font: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=19, wordWrap="CJK")
    return {
        "body": body,
        "title": ParagraphStyle("title", parent=body, fontSize=22, leading=30, alignment=1),
        "meta": ParagraphStyle("meta", parent=body, fontSize=10, leading=15, alignment=1),
        "head": ParagraphStyle("head", parent=body, fontSize=14, leading=22, spaceBefore=8),
        "note": ParagraphStyle("note", parent=body, fontSize=9, leading=13),
        "small": ParagraphStyle("small", parent=body, fontSize=9, leading=13, alignment=1),
    }


def _item_flowables(item, styles) -> list:
    source = f"{item.medium.label}" + (f" · {item.source}" if item.source else "")
    return [
        Paragraph(_text(item.title), styles["head"]),
        Paragraph(_text(item.content), styles["body"]),
        Paragraph(
            _text(
                _(
                    "来源：%(source)s；收集于 %(day)s；有效期至 %(until)s",
                    source=source,
                    day=item.collected_on.isoformat(),
                    until=item.valid_until.isoformat(),
                )
            ),
            styles["note"],
        ),
    ]


def leaflet_pdf(office, product, items, url: str) -> bytes:
    """An A4 leaflet of a product: its title, office, kind and validity, the summary, each
    current item with its source, and a QR code that opens the product's page. ``office``,
    ``product`` and ``items`` are published views."""
    font = font_name()
    styles = _styles(font)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=product.title,
        author=office.name,
    )
    story = [
        Paragraph(_text(product.title), styles["title"]),
        Paragraph(
            _text(
                _(
                    "%(office)s · %(kind)s · 有效期至 %(until)s",
                    office=office.name,
                    kind=product.kind.label,
                    until=product.valid_until.isoformat(),
                )
            ),
            styles["meta"],
        ),
        Spacer(1, 6 * mm),
    ]
    if product.summary:
        story.append(Paragraph(_text(product.summary), styles["body"]))
    for item in items:
        story += _item_flowables(item, styles)
    story += [
        Spacer(1, 8 * mm),
        QrCode(url, 38 * mm),
        Paragraph(_text(_("扫码查看最新信息：%(url)s", url=url)), styles["small"]),
    ]
    doc.build(story)
    return buffer.getvalue()
