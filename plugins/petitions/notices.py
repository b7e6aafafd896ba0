"""Written notices (书面告知): generated from templates, frozen when issued, printed, delivered.

The body is rendered once from ``templates/petitions/admin/notices/<kind>.html`` (autoescaped) and
stored, so a printed notice never changes afterwards. It names the petitioners (the notice is
addressed to them) but never a phone or ID number. A PDF of the same text is made with
reportlab's built-in Chinese font.
"""

import io
import re
from datetime import datetime
from html import unescape

from flask import render_template
from sqlalchemy import extract

from core.kit import Office, count_rows, db, format_day, local_day, utc_now
from plugins.petitions.models import NoticeKind, Petition, PetitionNotice

# Abbreviations in notice numbers: 〔受〕 acceptance, 〔处〕 reply ...
NUMBER_MARKS = {
    NoticeKind.ACCEPTANCE: "受",
    NoticeKind.NON_ACCEPTANCE: "不受",
    NoticeKind.EXTENSION: "延",
    NoticeKind.REPLY: "处",
    NoticeKind.REVIEW: "复查",
    NoticeKind.REREVIEW: "复核",
}


def next_number(office: Office, kind: NoticeKind, moment: datetime) -> str:
    """``SFZ-ZF信受〔2026〕3号``: office code, kind, year, running number in that year."""
    year = local_day(moment).year
    count = count_rows(
        PetitionNotice,
        PetitionNotice.office_id == office.id,
        PetitionNotice.kind == kind,
        extract("year", PetitionNotice.issued_at) == year,
    )
    return f"{office.code}信{NUMBER_MARKS[kind]}〔{year}〕{count + 1}号"


def recipient_of(petition: Petition) -> str:
    """The petitioners' names as the notice is addressed (representatives first)."""
    people = sorted(petition.petitioners, key=lambda p: (not p.is_representative, p.id))
    names = "、".join(p.name for p in people[:5])
    if petition.people_count > len(people[:5]) and people:
        from flask_babel import gettext as _

        names = _("%(names)s等 %(n)d 人", names=names, n=petition.people_count)
    return names


def issue_notice(
    petition: Petition,
    kind: NoticeKind,
    *,
    actor_id: int | None,
    moment: datetime | None = None,
    **context,
) -> PetitionNotice:
    """Render and store a notice of ``kind`` for the petition (the caller commits)."""
    office = db.session.get(Office, petition.office_id)
    moment = moment or utc_now()
    notice = PetitionNotice(
        office_id=petition.office_id,
        kind=kind,
        number=next_number(office, kind, moment),
        recipient=recipient_of(petition),
        issued_at=moment,
        issued_by_id=actor_id,
        body_html="",
    )
    notice.body_html = render_template(
        f"petitions/admin/notices/{kind.value}.html",
        petition=petition,
        office=office,
        notice=notice,
        issued_day=format_day(moment),
        day=format_day,
        **context,
    )
    petition.notices.append(notice)
    db.session.add(notice)
    return notice


def notice_paragraphs(notice: PetitionNotice) -> list[str]:
    """The notice's text as paragraphs (for the PDF), from its stored HTML."""
    html = re.sub(r"(?i)<br\s*/?>", "\n", notice.body_html)
    blocks = re.split(r"(?i)</(?:p|h1|h2|div|li)>", html)
    paragraphs = []
    for block in blocks:
        text = unescape(re.sub(r"<[^>]+>", "", block)).strip()
        text = re.sub(r"[ \t]+", " ", text)
        if text:
            paragraphs.append(text)
    return paragraphs


def notice_pdf(notice: PetitionNotice) -> bytes:
    """An A4 PDF of the notice (reportlab; STSong-Light is built in, no font file needed)."""
    from xml.sax.saxutils import escape

    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle(
        "body", fontName="STSong-Light", fontSize=14, leading=26, firstLineIndent=28, wordWrap="CJK"
    )
    title = ParagraphStyle(
        "title", parent=body, fontSize=20, leading=30, alignment=TA_CENTER, firstLineIndent=0
    )
    plain = ParagraphStyle("plain", parent=body, firstLineIndent=0)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT, firstLineIndent=0)
    paragraphs = notice_paragraphs(notice)
    story = []
    for index, text in enumerate(paragraphs):
        safe = escape(text).replace("\n", "<br/>")
        if index == 0:
            story += [Paragraph(safe, title), Spacer(1, 4 * mm)]
        elif index == 1:
            story.append(
                Paragraph(safe, ParagraphStyle("number", parent=plain, alignment=TA_CENTER))
            )
        elif index == 2:
            story.append(Paragraph(safe, plain))
        elif index >= len(paragraphs) - 2:
            story.append(Paragraph(safe, right))
        else:
            story.append(Paragraph(safe, body))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=37 * mm,
        bottomMargin=35 * mm,
        title=notice.number,
    )
    doc.build(story)
    return buffer.getvalue()
