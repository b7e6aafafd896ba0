"""Notice-board posters (公开栏海报): one published item on one A4 or A3 page, and the PDF fonts.

Plugins offer the month's published items of their offices through the ``poster_items`` hook
(answered from ``posters.poster_items(office_ids, month)`` by convention) as ``PosterItem``
rows whose text was read through the publication gate (masked); the core lays each out for
the board at the government gate: the office at the top, the title in large type, the date,
the text as published and a QR code to the item's page on the residents' side.

Fonts: ``pdf_font()`` registers a TrueType Chinese font where the machine has one (a subset of
the glyphs used is embedded, so the page prints the same anywhere); without one, reportlab's
built-in CID font ``STSong-Light`` (Adobe-GB1, which every PDF reader supplies) is used. Every
module's PDF asks here, so a font is found once.
"""

import io
import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from xml.sax.saxutils import escape

CID_FONT = "STSong-Light"
EMBEDDED_FONT = "TownshipCJK"
# TrueType CJK fonts reportlab can embed (Noto CJK is CFF-outlined, which it cannot).
TRUETYPE_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
FONT_ENV = "TOWNSHIP_PDF_FONT"  # a TrueType file to prefer
# Middle dots the Adobe-GB1 collection lacks, drawn with the one it has (U+30FB).
_MISSING_GLYPHS = str.maketrans({"\u00b7": "\u30fb", "\u2022": "\u30fb", "\u22c5": "\u30fb"})
_font: str | None = None

SIZES = ("A4", "A3")
TEXT_LIMIT = 20_000  # characters of an item's text looked at for one page


def pdf_font() -> str:
    """The registered Chinese font for reportlab: an embedded TrueType font where the machine
    has one (the ``TOWNSHIP_PDF_FONT`` environment variable names a file to prefer), else the
    CID font ``STSong-Light``."""
    global _font
    if _font is None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfbase.ttfonts import TTFont

        preferred = os.environ.get(FONT_ENV)
        for path in ([preferred] if preferred else []) + list(TRUETYPE_CANDIDATES):
            if path and os.path.exists(path):
                try:
                    pdfmetrics.registerFont(TTFont(EMBEDDED_FONT, path))
                except Exception:  # noqa: BLE001 — an unusable font file: try the next one
                    continue
                _font = EMBEDDED_FONT
                break
        else:
            pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
            _font = CID_FONT
    return _font


def pdf_text(value: str | None) -> str:
    """Text as reportlab paragraph markup: escaped, line breaks kept, and the middle dots the
    CID font lacks replaced."""
    return escape((value or "").translate(_MISSING_GLYPHS)).replace("\n", "<br/>")


@dataclass(frozen=True)
class PosterItem:
    """One published item offered for the notice board.

    ``key`` is stable and unique within the plugin ("minutes-12-3"); ``kind`` a short label
    (听证公告, 会议纪要…); ``text`` what residents read, already through the publication gate
    (masked); ``url`` its page on the residents' side (``public_url``).
    """

    key: str
    kind: str
    title: str
    office_id: int
    office_name: str
    day: date
    text: str
    url: str
    plugin: str = ""

    @property
    def full_key(self) -> str:
        """``plugin:key``: the item's key across every plugin."""
        return f"{self.plugin}:{self.key}"


def parse_month(value: str | None) -> date | None:
    """The first day of a "YYYY-MM" month, or None for anything else."""
    try:
        year, month = str(value or "").split("-")
        if len(year) == 4 and 1 <= len(month) <= 2 and 2000 <= int(year) <= 2100:
            return date(int(year), int(month), 1)
    except ValueError:
        pass
    return None


def month_days(month: date) -> tuple[date, date]:
    """The first and the last day of ``month``'s month."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def month_moments(month: date) -> tuple[datetime, datetime]:
    """The month in Beijing time as aware UTC moments: [start, end)."""
    from core.time import local_datetime

    first, last = month_days(month)
    return local_datetime(first, time(0)), local_datetime(last + timedelta(days=1), time(0))


def collect_items(office_ids, month: date) -> list[PosterItem]:
    """Every plugin's items of ``month`` for the offices in ``office_ids`` that have it on,
    ordered by office, date and title. A plugin that fails is logged and left out."""
    from dataclasses import replace

    from core.modules import enabled_office_ids
    from core.plugins import get_registry

    wanted = set(office_ids)
    registry = get_registry()
    items: list[PosterItem] = []
    for name in registry.names():
        offices = enabled_office_ids(name) & wanted
        if not offices:
            continue
        for _plugin, rows in registry.call_for(
            "poster_items", [name], office_ids=sorted(offices), month=month
        ):
            items += [replace(row, plugin=name) for row in rows if row.office_id in offices]
    return sorted(items, key=lambda i: (i.office_id, i.day, i.kind, i.title, i.key))


# --- Layout ----------------------------------------------------------------------------------


def _page_size(size: str):
    from reportlab.lib.pagesizes import A3, A4

    return A3 if size == "A3" else A4


def _styles(scale: float):
    from reportlab.lib.styles import ParagraphStyle

    font = pdf_font()
    base = ParagraphStyle("poster", fontName=font, wordWrap="CJK")

    def style(name, size, **extra):
        return ParagraphStyle(
            name, parent=base, fontSize=size * scale, leading=size * scale * 1.45, **extra
        )

    return {
        "office": style("office", 20, alignment=1, textColor="#b3261e"),
        "kind": style("kind", 13, alignment=1, textColor="#444444"),
        "title": lambda size: style("title", size, alignment=1),
        "date": style("date", 14, alignment=1, textColor="#333333"),
        "small": style("small", 10, textColor="#333333"),
        "body": lambda size: style("body", size, firstLineIndent=2 * size * scale),
    }


def _fit_body(text: str, styles, width: float, height: float, scale: float):
    """The body paragraph at the largest size (18 down to 12 pt, scaled) that fits; where even
    the smallest does not, the text is cut and ends with a pointer to the QR code."""
    from flask_babel import gettext as _
    from reportlab.platypus import Paragraph

    text = (text or "")[:TEXT_LIMIT]
    for size in (18, 16, 14, 12):
        para = Paragraph(pdf_text(text), styles["body"](size))
        if para.wrap(width, height)[1] <= height:
            return para
    style = styles["body"](12)
    more = "……" + _("（全文请扫描二维码查看）")
    low, high = 0, len(text)
    while low < high:  # the longest cut that still fits
        mid = (low + high + 1) // 2
        if Paragraph(pdf_text(text[:mid] + more), style).wrap(width, height)[1] <= height:
            low = mid
        else:
            high = mid - 1
    return Paragraph(pdf_text(text[:low] + more), style)


def _draw_qr(canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code of ``url`` as vector squares (sharp at any size), lower left at (x, y)."""
    import segno

    matrix = segno.make(url, error="m").matrix
    count = len(matrix) + 4
    cell = size / count
    canvas.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                canvas.rect(x + (c + 2) * cell, y + size - (r + 3) * cell, cell, cell, 0, 1)


def _draw_page(canvas, item: PosterItem, page_width: float, page_height: float) -> None:
    from flask_babel import gettext as _
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph

    from core.time import format_local_date

    scale = page_width / (210 * mm)
    margin = 16 * mm * scale
    width = page_width - 2 * margin
    styles = _styles(scale)
    top = page_height - margin

    def put(para, y):
        height = para.wrap(width, page_height)[1]
        para.drawOn(canvas, margin, y - height)
        return y - height

    top = put(Paragraph(pdf_text(item.office_name), styles["office"]), top)
    top = put(Paragraph(pdf_text(_("公开栏 · %(kind)s", kind=item.kind)), styles["kind"]), top)
    top -= 3 * mm * scale
    canvas.setStrokeColorRGB(0.70, 0.15, 0.12)
    canvas.setLineWidth(2 * scale)
    canvas.line(margin, top, page_width - margin, top)
    top -= 6 * mm * scale
    title_size = 30 if len(item.title) <= 36 else 22 if len(item.title) <= 90 else 16
    top = put(Paragraph(pdf_text(item.title), styles["title"](title_size)), top)
    top -= 2 * mm * scale
    day = format_local_date(item.day)
    top = put(Paragraph(pdf_text(_("发布日期：%(day)s", day=day)), styles["date"]), top)
    top -= 6 * mm * scale
    qr_size = 42 * mm * scale
    footer = margin + qr_size + 8 * mm * scale
    body = _fit_body(item.text, styles, width, top - footer, scale)
    put(body, top)
    canvas.line(margin, footer - 3 * mm * scale, page_width - margin, footer - 3 * mm * scale)
    _draw_qr(canvas, item.url, page_width - margin - qr_size, margin, qr_size)
    note = Paragraph(
        pdf_text(_("扫描右侧二维码，在手机上查看全文和最新版本：") + "\n" + item.url),
        styles["small"],
    )
    note.wrap(width - qr_size - 6 * mm * scale, qr_size)
    note.drawOn(canvas, margin, margin + qr_size / 2)
    signed = Paragraph(pdf_text(f"{item.office_name}  {day}"), styles["small"])
    signed.wrap(width - qr_size, qr_size)
    signed.drawOn(canvas, margin, margin)


def posters_pdf(items, size: str = "A4", title: str = "", progress=None) -> bytes:
    """A PDF with one poster page per item, A4 or A3 portrait, the Chinese font embedded.
    ``progress(done, total)`` is called after each page."""
    from reportlab.pdfgen.canvas import Canvas

    items = list(items)
    page_width, page_height = _page_size(size)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(page_width, page_height), pageCompression=1)
    canvas.setTitle(title or (items[0].title if items else ""))
    canvas.setCreator("township-admin posters")
    for done, item in enumerate(items, start=1):
        _draw_page(canvas, item, page_width, page_height)
        canvas.showPage()
        if progress is not None:
            progress(done, len(items))
    if not items:
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
