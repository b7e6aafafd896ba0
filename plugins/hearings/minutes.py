"""Minutes: Markdown rendered to sanitised HTML; what residents get of it passes the gate."""

from functools import lru_cache

from flask_babel import gettext as _

from core.kit import (
    format_local_date,
    format_local_datetime,
    markdown_plain_text,
    mask_text,
    render_markdown,
)
from plugins.hearings.models import AttendeeCategory, AttendeeStatus, QuestionStatus

MINUTES_MAX_CHARS = 100_000


@lru_cache(maxsize=64)
def published_html(masked_markdown: str) -> str:
    """The HTML residents get of minutes already masked by the gate (``MARKDOWN`` class: the
    stars of a masked number are escaped, so ``139****5678`` is shown, not read as emphasis)."""
    return render_markdown(masked_markdown)


def resident_html(markdown_text: str, *, allowed=frozenset()) -> str:
    """The HTML residents would get of ``markdown_text`` (the editor's preview)."""
    return published_html(mask_text(markdown_text, allowed=frozenset(allowed), markdown=True))


def search_text(markdown_text: str, *, allowed=frozenset()) -> str:
    """The words residents may search: the plain text as published (masked), so a search is
    never an oracle on what the gate hides."""
    return mask_text(markdown_plain_text(markdown_text), allowed=frozenset(allowed))


def draft_minutes(hearing) -> str:
    """A first draft of the minutes (Markdown) from what the desk recorded: the facts, the
    attendance (checked in, or confirmed when nobody was checked in) and the questions with
    their answers. Private persons are counted, not named; public figures are named in full.
    Staff edit it before publishing, and the gate still masks what residents get."""
    lines = [
        f"# {hearing.kind.label}：{hearing.title}",
        "",
        *_facts(hearing),
        "",
        _("## 参加人员"),
        "",
        *_attendance(hearing),
        "",
        _("## 提问与答复"),
        "",
        *_questions(hearing),
        "",
        _("## 会议结论"),
        "",
        _("（请填写会议形成的意见和下一步工作。）"),
        "",
    ]
    return "\n".join(lines)


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _facts(hearing) -> list[str]:
    when = format_local_datetime(hearing.starts_at)
    if hearing.ends_at:
        when += " — " + format_local_datetime(hearing.ends_at, False)
    lines = [_("- 时间：%(when)s", when=when), _("- 地点：%(venue)s", venue=hearing.venue or "")]
    if hearing.decision_ref:
        lines.append(
            _(
                "- 召开依据：党委会决定（%(date)s，%(ref)s）",
                date=format_local_date(hearing.decision_date),
                ref=hearing.decision_ref,
            )
        )
    if hearing.issue:
        lines.append(_("- 议题：%(issue)s", issue=_one_line(hearing.issue)))
    return lines


def _attendance(hearing) -> list[str]:
    confirmed = [a for a in hearing.attendees if a.status == AttendeeStatus.CONFIRMED]
    present = [a for a in confirmed if a.checked_in_at]
    people = present or confirmed
    counts = {c: sum(1 for a in people if a.category == c) for c in AttendeeCategory}
    summary = _("、").join(_("%(cat)s %(n)d 人", cat=c.label, n=n) for c, n in counts.items() if n)
    if present:
        lines = [_("按签到记录，实到 %(n)d 人：%(counts)s。", n=len(people), counts=summary)]
    elif people:
        lines = [_("未记录签到。已确认参加 %(n)d 人：%(counts)s。", n=len(people), counts=summary)]
    else:
        lines = [_("未记录参加人员。")]
    order = list(AttendeeCategory)
    named = sorted(
        (a for a in people if a.named_in_full), key=lambda a: (order.index(a.category), a.id)
    )
    if named:
        lines.append("")
        lines += [
            f"- {a.name}（{a.category.label}{f'，{a.affiliation}' if a.affiliation else ''}）"
            for a in named
        ]
    if len(people) > len(named):
        lines += ["", _("另有群众 %(n)d 人参加。", n=len(people) - len(named))]
    return lines


def _questions(hearing) -> list[str]:
    if not hearing.questions:
        return [_("未记录提问。")]
    lines = []
    for q in hearing.questions:
        asker = q.asker_name if q.asker_named_in_full else _("一位群众")
        lines.append(
            f"{q.number}. "
            + _(
                "%(asker)s（%(cat)s）提问：%(text)s",
                asker=asker,
                cat=q.asker_category.label,
                text=_one_line(q.text),
            )
        )
        lines.append("   " + _answer(q))
    return lines


def _answer(q) -> str:
    if q.status == QuestionStatus.ANSWERED:
        by = f"（{q.answered_by}）" if q.answered_by else ""
        return _("答复%(by)s：%(answer)s", by=by, answer=_one_line(q.answer))
    if q.status == QuestionStatus.DEFERRED:
        return _(
            "会后限期答复：%(reason)s（责任人：%(who)s，答复期限：%(due)s）",
            reason=_one_line(q.deferred_reason),
            who=q.responsible.display_name if q.responsible else "",
            due=format_local_date(q.due_at),
        )
    return _("（待答复）")
