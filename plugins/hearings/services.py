"""A hearing's lifecycle and its minutes: every change of status goes through here.

draft → announced → held → minutes published → results published; an announced hearing may
be postponed (then announced again with new times) or cancelled, with a reason residents see.
Each function checks the current status and the input, raises HearingError with a message
for the user when the step is not allowed (nothing changed), and leaves the commit to the
caller. After a commit, call ``after_commit`` with what the function returned so background
work (the PDF, messages to participants) starts only for saved data.
"""

from flask_babel import gettext as _

from core.kit import (
    User,
    db,
    format_local_datetime,
    next_number,
    record_event,
    render_markdown,
    suspects_in,
    utc_now,
)
from plugins.hearings.errors import HearingError
from plugins.hearings.filing import file_minutes
from plugins.hearings.minutes import MINUTES_MAX_CHARS, resident_html, search_text
from plugins.hearings.models import (
    HELD_STATUSES,
    AttendeeStatus,
    Hearing,
    HearingStatus,
    MinutesVersion,
    QuestionStatus,
)
from plugins.hearings.public_lists import public_figure_names

REASON_MAX = 500
CORRECTION_NOTE_MAX = 500


def _set_status(hearing: Hearing, status: HearingStatus, now, reason: str | None = None):
    old = hearing.status
    hearing.status = status
    hearing.status_changed_at = now
    hearing.status_reason = reason
    record_event(
        "hearing.status",
        office_id=hearing.office_id,
        target_type="hearing",
        target_id=hearing.id,
        details={"from": old.value, "to": status.value, "title": hearing.title, "reason": reason},
    )


def _require_reason(reason: str | None, missing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise HearingError(missing)
    if len(reason) > REASON_MAX:
        raise HearingError(_("原因不能超过 %(n)d 个字。", n=REASON_MAX))
    return reason


def check_schedule(hearing: Hearing, now) -> None:
    """The facts residents need before a hearing can be announced."""
    missing = []
    if not hearing.decision_date or not (hearing.decision_ref or "").strip():
        missing.append(_("党委会决定（日期和文号）"))
    if not (hearing.venue or "").strip():
        missing.append(_("地点"))
    if hearing.starts_at is None or hearing.ends_at is None:
        missing.append(_("开始和结束时间"))
    if not hearing.capacity or hearing.capacity < 1:
        missing.append(_("容纳人数"))
    if missing:
        raise HearingError(_("公告前请先填写：%(items)s。", items="、".join(missing)))
    starts, ends = hearing.starts_at, hearing.ends_at
    if ends <= starts:
        raise HearingError(_("结束时间必须晚于开始时间。"))
    if starts <= now:
        raise HearingError(_("开始时间已过，请先修改为将来的时间再公告。"))
    closes = hearing.registration_closes_at
    if closes is not None and closes > starts:
        raise HearingError(_("报名截止时间不能晚于开始时间。"))
    if hearing.decision_date > starts.date():
        raise HearingError(_("党委会决定日期不能晚于听证会开始时间。"))


def announce(hearing: Hearing, *, now=None) -> dict:
    """Publish a draft (or a postponed hearing with its new times) with the registration form."""
    now = now or utc_now()
    if hearing.status not in (HearingStatus.DRAFT, HearingStatus.POSTPONED):
        raise HearingError(
            _("只有草稿或已延期的听证会可以公告。当前状态：%(s)s。", s=hearing.status.label)
        )
    check_schedule(hearing, now)
    was_postponed = hearing.status == HearingStatus.POSTPONED
    _set_status(hearing, HearingStatus.ANNOUNCED, now)
    hearing.announced_at = hearing.announced_at or now
    if was_postponed:
        from plugins.hearings.notifications import message_participants

        message_participants(
            hearing,
            _(
                "“%(title)s”改期举行：%(time)s，地点：%(venue)s。您的报名继续有效。",
                title=hearing.title,
                time=format_local_datetime(hearing.starts_at),
                venue=hearing.venue,
            ),
            key=f"reannounced:{hearing.id}:{int(hearing.starts_at.timestamp())}",
        )
        from plugins.hearings.registration import promote_waiting

        promote_waiting(hearing, now=now)
    return {"hearing_id": hearing.id, "deliver": was_postponed}


def postpone(hearing: Hearing, reason: str, *, now=None) -> dict:
    """Postpone an announced hearing; registrations stay, residents see the reason."""
    now = now or utc_now()
    if hearing.status != HearingStatus.ANNOUNCED:
        raise HearingError(_("只有已公告、尚未举行的听证会可以延期。"))
    reason = _require_reason(reason, _("请填写延期的原因，群众会在公开页面上看到它。"))
    _set_status(hearing, HearingStatus.POSTPONED, now, reason)
    from plugins.hearings.notifications import message_participants

    message_participants(
        hearing,
        _(
            "“%(title)s”延期举行，原因：%(reason)s。新的时间将另行通知。",
            title=hearing.title,
            reason=reason,
        ),
        key=f"postponed:{hearing.id}:{now.timestamp():.0f}",
    )
    return {"hearing_id": hearing.id, "deliver": True}


def cancel(hearing: Hearing, reason: str, *, now=None) -> dict:
    """Cancel a hearing that has not taken place; residents see the reason."""
    now = now or utc_now()
    if hearing.status not in (
        HearingStatus.DRAFT,
        HearingStatus.ANNOUNCED,
        HearingStatus.POSTPONED,
    ):
        raise HearingError(_("已经举行的听证会不能取消。"))
    reason = _require_reason(reason, _("请填写取消的原因，群众会在公开页面上看到它。"))
    was_public = hearing.status != HearingStatus.DRAFT
    _set_status(hearing, HearingStatus.CANCELLED, now, reason)
    if was_public:
        from plugins.hearings.notifications import message_participants

        message_participants(
            hearing,
            _("“%(title)s”已取消，原因：%(reason)s。", title=hearing.title, reason=reason),
            key=f"cancelled:{hearing.id}",
        )
    return {"hearing_id": hearing.id, "deliver": was_public}


def mark_held(hearing: Hearing, *, now=None) -> dict:
    """Record that the hearing took place (from its start time on)."""
    now = now or utc_now()
    if hearing.status != HearingStatus.ANNOUNCED:
        raise HearingError(
            _("只有已公告的听证会可以标记为已举行。当前状态：%(s)s。", s=hearing.status.label)
        )
    if hearing.starts_at > now:
        raise HearingError(
            _(
                "听证会尚未开始（%(time)s），不能标记为已举行。",
                time=format_local_datetime(hearing.starts_at),
            )
        )
    _set_status(hearing, HearingStatus.HELD, now)
    hearing.held_at = now
    # Places held by people still on the waiting list are moot now.
    for a in hearing.attendees:
        if a.status == AttendeeStatus.WAITING:
            a.status = AttendeeStatus.WITHDRAWN
            a.withdrawn_at = now
            a.phone_hash = None
    return {"hearing_id": hearing.id, "deliver": False}


# --- minutes ---------------------------------------------------------------------------------


def check_minutes_text(text: str) -> str:
    """The draft as it will be kept; over-long text is refused (the editor keeps it shown)."""
    text = (text or "").replace("\r\n", "\n")
    if len(text) > MINUTES_MAX_CHARS:
        raise HearingError(
            _(
                "纪要过长：%(n)d 字，最多 %(max)d 字。请分段精简后再保存，您输入的内容仍保留在编辑框中。",
                n=len(text),
                max=MINUTES_MAX_CHARS,
            )
        )
    return text


def save_minutes_draft(hearing: Hearing, text: str, *, now=None) -> None:
    """Keep the minutes draft (staff-only; published versions never change)."""
    hearing.minutes_draft = check_minutes_text(text)
    hearing.minutes_draft_updated_at = now or utc_now()


def preview_minutes(hearing: Hearing, text: str, allowed=frozenset()) -> str:
    """The HTML residents would see if ``text`` were published now (masked, sanitised)."""
    return resident_html(check_minutes_text(text), allowed=allowed)


def publish_minutes(
    hearing: Hearing,
    *,
    correction_note: str | None = None,
    actor_id: int | None = None,
    now=None,
    allowed=frozenset(),
) -> dict:
    """Publish the current draft as a new version of the minutes.

    Refused before the hearing took place and for an empty draft. A second or later version
    is a correction and needs a note residents see. The text is kept as staff wrote it;
    residents get it only through the publication gate, which stars numbers and turns
    private persons' names into 张某. ``allowed`` are the suspected names staff confirmed as
    public figures' on the review screen; with the names of the public figures staff put on
    this hearing's lists they are recorded with the version, and every other suspect is
    masked. Each publication offers the minutes to the office's archive (``filing.file_minutes``: one
    archive file per hearing, a correction keeps its number); ``catalogue_no`` in the result
    is its number, or None where no archive is kept.
    """
    now = now or utc_now()
    if hearing.status not in HELD_STATUSES:
        raise HearingError(_("听证会尚未举行，不能发布纪要。请在会后先将其标记为“已举行”。"))
    text = check_minutes_text(hearing.minutes_draft)
    if not text.strip():
        raise HearingError(_("纪要草稿为空，请先填写并保存纪要。"))
    number = next_number(MinutesVersion.number, MinutesVersion.hearing_id == hearing.id)
    note = (correction_note or "").strip()
    if number > 1 and not note:
        raise HearingError(_("这是对已公开纪要的更正，请填写更正说明，群众会看到它。"))
    if len(note) > CORRECTION_NOTE_MAX:
        raise HearingError(_("更正说明不能超过 %(n)d 个字。", n=CORRECTION_NOTE_MAX))
    if number > 1:
        latest = hearing.latest_minutes
        if latest and text == latest.body_md:
            raise HearingError(_("草稿与已公开的最新版本相同，无需发布更正。"))
    allowed = frozenset(allowed) | public_figure_names(hearing)
    actor = db.session.get(User, actor_id) if actor_id else None
    version = MinutesVersion(
        hearing_id=hearing.id,
        office_id=hearing.office_id,
        number=number,
        body_md=text,
        body_html=render_markdown(text),
        search_text=search_text(text, allowed=allowed),
        correction_note=note or None,
        published_at=now,
        published_by_id=actor_id,
        published_by_name=actor.display_name if actor is not None else None,
    )
    db.session.add(version)
    hearing.minutes.append(version)
    if hearing.status == HearingStatus.HELD:
        _set_status(hearing, HearingStatus.MINUTES_PUBLISHED, now)
    db.session.flush()
    if allowed:
        from core.kit import record_decisions

        record_decisions(MinutesVersion, version.id, set(allowed), actor_id)
    catalogue_no = file_minutes(hearing)
    if number == 1:
        from plugins.hearings.notifications import message_participants

        message_participants(
            hearing,
            _("“%(title)s”的会议纪要已公开，可在便民服务网站查看。", title=hearing.title),
            key=f"minutes:{hearing.id}",
        )
    return {
        "hearing_id": hearing.id,
        "minutes_id": version.id,
        "deliver": number == 1,
        "catalogue_no": catalogue_no,
    }


# --- results -------------------------------------------------------------------------------


def open_followups(hearing: Hearing) -> int:
    """Deferred questions whose follow-up has no published outcome yet."""
    return sum(
        1 for q in hearing.questions if q.status == QuestionStatus.DEFERRED and q.outcome_at is None
    )


def publish_results(hearing: Hearing, summary: str | None = None, *, now=None) -> dict:
    """Mark the results published (all follow-ups concluded), with an optional summary."""
    now = now or utc_now()
    if hearing.status not in (HearingStatus.MINUTES_PUBLISHED, HearingStatus.RESULTS_PUBLISHED):
        raise HearingError(_("请先发布会议纪要，再公开办理结果。"))
    pending = open_followups(hearing)
    if pending:
        raise HearingError(
            _("还有 %(n)d 个会后答复事项尚未办结，办结后结果会自动公开。", n=pending)
        )
    summary = (summary or "").strip()
    if len(summary) > MINUTES_MAX_CHARS:
        raise HearingError(_("结果说明过长。"))
    if summary:
        hearing.results_summary = summary  # masked on the way out (TEXT)
    if hearing.status != HearingStatus.RESULTS_PUBLISHED:
        _set_status(hearing, HearingStatus.RESULTS_PUBLISHED, now)
        hearing.results_published_at = now
        from plugins.hearings.notifications import message_participants

        message_participants(
            hearing,
            _("“%(title)s”提出的问题已全部办结，办理结果已公开。", title=hearing.title),
            key=f"results:{hearing.id}",
        )
        return {"hearing_id": hearing.id, "deliver": True}
    return {"hearing_id": hearing.id, "deliver": False}


def minutes_suspects(hearing: Hearing, text: str, note: str | None) -> list[str]:
    """The suspected names in a minutes draft and its correction note that staff must decide
    on before publishing (the public figures staff put on this hearing's lists stand)."""
    standing = public_figure_names(hearing)
    return [n for n in suspects_in(text or "", note or "") if n not in standing]


def after_commit(result: dict) -> None:
    """Start the background work of a committed change: PDF rendering, the minutes read
    aloud, messages."""
    from core.kit import enqueue

    if result.get("minutes_id"):
        enqueue("plugins.hearings.jobs:render_minutes_pdf", result["minutes_id"])
        enqueue("plugins.hearings.jobs:make_minutes_audio", result["minutes_id"])
    if result.get("deliver"):
        enqueue("plugins.hearings.jobs:deliver_messages", result["hearing_id"])
