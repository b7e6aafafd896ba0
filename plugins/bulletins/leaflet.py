"""The printable A4 leaflet (宣传单) of an information product, with a QR code to its page.

reportlab draws it from published views only (the publication gate has masked every text).
The Chinese font is the kit's ``pdf_font()``: embedded when the machine has a TrueType CJK
font (a subset of the glyphs used goes into the file, so any reader shows the same letters),
else reportlab's built-in CID font ``STSong-Light`` (Adobe-GB1, supplied by every reader). The QR code is segno's matrix drawn as
vector squares, so it prints sharp at any size.
"""

import io

from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from core.kit import pdf_font, pdf_text

_text = pdf_text


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
    font = pdf_font()
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
