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
_MISSING_GLYPHS = str.maketrans({"\u00b7": "\u30fb", "\u2022": "\u30fb", "\u2027": "\u30fb",
                                 "\u22c5": "\u30fb"})


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
    base = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=18, wordWrap="CJK",
                          spaceAfter=6)
    styles = {"body": base,
              "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26,
                                      alignment=TA_CENTER, spaceAfter=10),
              "meta": ParagraphStyle("meta", parent=base, fontSize=9.5, leading=15,
                                     textColor=colors.HexColor("#444444"), spaceAfter=2),
              "note": ParagraphStyle("note", parent=base, fontSize=10, leading=16,
                                     textColor=colors.HexColor("#8a1c1c"), spaceBefore=4),
              "quote": ParagraphStyle("quote", parent=base, leftIndent=12,
                                      textColor=colors.HexColor("#444444")),
              "code": ParagraphStyle("code", parent=base, fontSize=9.5, leading=14,
                                     backColor=colors.HexColor("#f2f2f2")),
              "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=15, spaceAfter=0)}
    for level, size in zip(range(1, 7), (16, 14, 13, 12, 11.5, 11), strict=True):
        styles[f"h{level}"] = ParagraphStyle(f"h{level}", parent=base, fontSize=size,
                                             leading=size * 1.5, spaceBefore=8, spaceAfter=4)
    return styles


def _inline(token) -> str:
    """reportlab paragraph markup of one inline token (text escaped, bold/italic kept)."""
    out = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            out.append(_text(child.content))
        elif child.type in ("softbreak", "hardbreak"):
            out.append("<br/>")
        elif child.type == "strong_open":
            out.append("<b>")
        elif child.type == "strong_close":
            out.append("</b>")
        elif child.type == "em_open":
            out.append("<i>")
        elif child.type == "em_close":
            out.append("</i>")
        elif child.type == "s_open":
            out.append("<strike>")
        elif child.type == "s_close":
            out.append("</strike>")
    return "".join(out)


def markdown_flowables(text: str, styles: dict[str, ParagraphStyle]) -> list:  # noqa: C901
    """Flowables for a Markdown text: headings, paragraphs, lists, quotes, code, tables."""
    tokens = _md.parse(text or "")
    flow: list = []
    lists: list[list] = []  # stack of [ordered, counter]
    quote_depth = 0
    item_first_para = False
    table_rows: list[list] | None = None
    heading_tag = None
    for tok in tokens:
        t = tok.type
        if t == "heading_open":
            heading_tag = tok.tag
        elif t == "heading_close":
            heading_tag = None
        elif t in ("bullet_list_open", "ordered_list_open"):
            start = int(tok.attrGet("start") or 1) if t == "ordered_list_open" else 1
            lists.append([t == "ordered_list_open", start - 1])
        elif t in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif t == "list_item_open":
            lists[-1][1] += 1
            item_first_para = True
        elif t == "blockquote_open":
            quote_depth += 1
        elif t == "blockquote_close":
            quote_depth -= 1
        elif t == "hr":
            flow.append(HRFlowable(width="100%", color=colors.grey, spaceBefore=4, spaceAfter=8))
        elif t in ("fence", "code_block"):
            flow.append(Paragraph(_text(tok.content).replace("\n", "<br/>"), styles["code"]))
        elif t == "table_open":
            table_rows = []
        elif t == "tr_open" and table_rows is not None:
            table_rows.append([])
        elif t == "inline" and table_rows is not None and table_rows:
            table_rows[-1].append(Paragraph(_inline(tok), styles["cell"]))
        elif t == "table_close" and table_rows is not None:
            if table_rows:
                width = max(len(r) for r in table_rows)
                rows = [r + [""] * (width - len(r)) for r in table_rows]
                table = Table(rows, repeatRows=1, hAlign="LEFT",
                              colWidths=[(A4[0] - 40 * mm) / width] * width)
                table.setStyle(TableStyle([
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP")]))
                flow.extend([table, Spacer(1, 6)])
            table_rows = None
        elif t == "inline":
            markup = _inline(tok)
            if heading_tag:
                flow.append(Paragraph(markup, styles[heading_tag]))
                continue
            style = styles["quote"] if quote_depth else styles["body"]
            if lists:
                depth = len(lists)
                ordered, counter = lists[-1]
                bullet = (f"{counter}." if ordered else "•") if item_first_para else ""
                style = ParagraphStyle(f"li{depth}", parent=style, leftIndent=14 * depth,
                                       bulletIndent=14 * depth - 11, spaceAfter=3)
                flow.append(Paragraph(markup, style, bulletText=bullet or None))
                item_first_para = False
            else:
                flow.append(Paragraph(markup, style))
    return flow


def render_minutes_pdf(*, title: str, meta_lines: list[str], body_md: str,
                       version_note: str, footer: str) -> tuple[bytes, int]:
    """(PDF bytes, page count) of one version of the minutes."""
    _ensure_font()
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm, title=title,
                            author=footer, subject=_("会议纪要"))

    def page_decor(canvas, document):
        canvas.saveState()
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(20 * mm, 10 * mm, footer.translate(_MISSING_GLYPHS))
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm,
                               _("第 %(n)d 页", n=document.page))
        canvas.restoreState()

    story = [Paragraph(_text(title), styles["title"])]
    story += [Paragraph(_text(line), styles["meta"]) for line in meta_lines]
    if version_note:
        story.append(Paragraph(_text(version_note), styles["note"]))
    story.append(HRFlowable(width="100%", color=colors.grey, spaceBefore=6, spaceAfter=10))
    story += markdown_flowables(body_md, styles)
    doc.build(story, onFirstPage=page_decor, onLaterPages=page_decor)
    return buffer.getvalue(), doc.page
