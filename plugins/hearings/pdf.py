"""The minutes as a PDF, with Chinese text that renders on any machine.

reportlab's built-in CID font ``STSong-Light`` is one of PDF's standard Chinese fonts (Adobe-GB1):
readers supply the glyphs, so the file needs no embedded font and the server no font file.
The Markdown is walked token by token into reportlab flowables; inline text is escaped.
"""

import io
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from markdown_it import MarkdownIt
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    HRFlowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

FONT = "STSong-Light"
_md = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")
_registered = False
# Middle dots the Adobe-GB1 character collection lacks, drawn with the one it has (U+30FB).
_MISSING_GLYPHS = str.maketrans(
    {"\u00b7": "\u30fb", "\u2022": "\u30fb", "\u2027": "\u30fb", "\u22c5": "\u30fb"}
)


def _text(value: str) -> str:
    """Escaped paragraph text with glyphs the CID font lacks replaced."""
    return escape(value.translate(_MISSING_GLYPHS))


def _ensure_font() -> None:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        # One face serves every variant: <b>/<i> must not look for a missing bold face.
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
        _registered = True


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body", fontName=FONT, fontSize=11, leading=18, wordWrap="CJK", spaceAfter=6
    )
    styles = {
        "body": base,
        "title": ParagraphStyle(
            "title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=10
        ),
        "meta": ParagraphStyle(
            "meta",
            parent=base,
            fontSize=9.5,
            leading=15,
            textColor=colors.HexColor("#444444"),
            spaceAfter=2,
        ),
        "note": ParagraphStyle(
            "note",
            parent=base,
            fontSize=10,
            leading=16,
            textColor=colors.HexColor("#8a1c1c"),
            spaceBefore=4,
        ),
        "quote": ParagraphStyle(
            "quote", parent=base, leftIndent=12, textColor=colors.HexColor("#444444")
        ),
        "code": ParagraphStyle(
            "code", parent=base, fontSize=9.5, leading=14, backColor=colors.HexColor("#f2f2f2")
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=15, spaceAfter=0),
    }
    for level, size in zip(range(1, 7), (16, 14, 13, 12, 11.5, 11), strict=True):
        styles[f"h{level}"] = ParagraphStyle(
            f"h{level}", parent=base, fontSize=size, leading=size * 1.5, spaceBefore=8, spaceAfter=4
        )
    return styles


_INLINE_MARKUP = {
    "softbreak": "<br/>",
    "hardbreak": "<br/>",
    "strong_open": "<b>",
    "strong_close": "</b>",
    "em_open": "<i>",
    "em_close": "</i>",
    "s_open": "<strike>",
    "s_close": "</strike>",
}


def _inline(token) -> str:
    """reportlab paragraph markup of one inline token (text escaped, bold/italic kept)."""
    return "".join(
        _text(child.content)
        if child.type in ("text", "code_inline")
        else _INLINE_MARKUP.get(child.type, "")
        for child in token.children or []
    )


class _Flowables:
    """One walk over a Markdown text's tokens: a handler per token type (``_on_<type>``)
    appends to ``flow``; the others are ignored."""

    def __init__(self, styles: dict[str, ParagraphStyle]):
        self.styles = styles
        self.flow: list = []
        self.lists: list[list] = []  # stack of [ordered, counter]
        self.quote_depth = 0
        self.item_first_para = False
        self.table_rows: list[list] | None = None
        self.heading_tag = None

    def add(self, token) -> None:
        handler = getattr(self, f"_on_{token.type}", None)
        if handler is not None:
            handler(token)

    def _on_heading_open(self, tok):
        self.heading_tag = tok.tag

    def _on_heading_close(self, tok):
        self.heading_tag = None

    def _on_bullet_list_open(self, tok):
        self.lists.append([False, 0])

    def _on_ordered_list_open(self, tok):
        self.lists.append([True, int(tok.attrGet("start") or 1) - 1])

    def _on_bullet_list_close(self, tok):
        self.lists.pop()

    _on_ordered_list_close = _on_bullet_list_close

    def _on_list_item_open(self, tok):
        self.lists[-1][1] += 1
        self.item_first_para = True

    def _on_blockquote_open(self, tok):
        self.quote_depth += 1

    def _on_blockquote_close(self, tok):
        self.quote_depth -= 1

    def _on_hr(self, tok):
        self.flow.append(HRFlowable(width="100%", color=colors.grey, spaceBefore=4, spaceAfter=8))

    def _on_fence(self, tok):
        self.flow.append(Paragraph(_text(tok.content).replace("\n", "<br/>"), self.styles["code"]))

    _on_code_block = _on_fence

    def _on_table_open(self, tok):
        self.table_rows = []

    def _on_tr_open(self, tok):
        if self.table_rows is not None:
            self.table_rows.append([])

    def _on_table_close(self, tok):
        rows, self.table_rows = self.table_rows, None
        if not rows:
            return
        width = max(len(r) for r in rows)
        table = Table(
            [r + [""] * (width - len(r)) for r in rows],
            repeatRows=1,
            hAlign="LEFT",
            colWidths=[(A4[0] - 40 * mm) / width] * width,
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        self.flow.extend([table, Spacer(1, 6)])

    def _on_inline(self, tok):
        markup = _inline(tok)
        if self.table_rows:
            self.table_rows[-1].append(Paragraph(markup, self.styles["cell"]))
        elif self.heading_tag:
            self.flow.append(Paragraph(markup, self.styles[self.heading_tag]))
        elif self.lists:
            self._list_paragraph(markup)
        else:
            style = self.styles["quote"] if self.quote_depth else self.styles["body"]
            self.flow.append(Paragraph(markup, style))

    def _list_paragraph(self, markup: str) -> None:
        depth = len(self.lists)
        ordered, counter = self.lists[-1]
        bullet = (f"{counter}." if ordered else "•") if self.item_first_para else ""
        parent = self.styles["quote"] if self.quote_depth else self.styles["body"]
        style = ParagraphStyle(
            f"li{depth}",
            parent=parent,
            leftIndent=14 * depth,
            bulletIndent=14 * depth - 11,
            spaceAfter=3,
        )
        self.flow.append(Paragraph(markup, style, bulletText=bullet or None))
        self.item_first_para = False


def markdown_flowables(text: str, styles: dict[str, ParagraphStyle]) -> list:
    """Flowables for a Markdown text: headings, paragraphs, lists, quotes, code, tables."""
    walk = _Flowables(styles)
    for token in _md.parse(text or ""):
        walk.add(token)
    return walk.flow


def render_minutes_pdf(
    *, title: str, meta_lines: list[str], body_md: str, version_note: str, footer: str
) -> tuple[bytes, int]:
    """(PDF bytes, page count) of one version of the minutes."""
    _ensure_font()
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=footer,
        subject=_("会议纪要"),
    )

    def page_decor(canvas, document):
        canvas.saveState()
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(20 * mm, 10 * mm, footer.translate(_MISSING_GLYPHS))
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, _("第 %(n)d 页", n=document.page))
        canvas.restoreState()

    story = [Paragraph(_text(title), styles["title"])]
    story += [Paragraph(_text(line), styles["meta"]) for line in meta_lines]
    if version_note:
        story.append(Paragraph(_text(version_note), styles["note"]))
    story.append(HRFlowable(width="100%", color=colors.grey, spaceBefore=6, spaceAfter=10))
    story += markdown_flowables(body_md, styles)
    doc.build(story, onFirstPage=page_decor, onLaterPages=page_decor)
    return buffer.getvalue(), doc.page
