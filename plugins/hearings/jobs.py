"""Background work of the hearings module. Each job takes JSON values and is idempotent."""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import as_utc, db, format_local_date, format_local_datetime, get_storage, utc_now
from plugins.hearings.models import Hearing, HearingStatus, MinutesVersion, ParticipantMessage

REMINDER_DAYS = (3, 7)
DESK_URL = "/admin/hearings-desk"  # the staff desk (plugins.hearings.admin.DeskView)


def schedules() -> list:
    """Minutes reminders to organisers (hourly), queued messages to participants, and
    minutes read aloud where their audio is missing (hourly)."""
    from core.kit import Schedule

    return [
        Schedule(
            "hearings.minutes_reminders", "plugins.hearings.jobs:remind_missing_minutes", 3600
        ),
        Schedule("hearings.deliver_messages", "plugins.hearings.jobs:deliver_all_pending", 120),
        Schedule("hearings.minutes_audio", "plugins.hearings.jobs:catch_up_minutes_audio", 3600),
    ]


def minutes_pdf_bytes(version: MinutesVersion) -> tuple[bytes, int]:
    """Render one published version of the minutes (not stored) from its published view: the
    text residents get, masked by the gate. A withdrawn version has no PDF (ValueError)."""
    from core.kit import publish
    from plugins.hearings.pdf import render_minutes_pdf

    version = publish(version)
    if version.withdrawn:
        raise ValueError("withdrawn minutes have no PDF")
    hearing = version.hearing
    meta = [
        _("%(kind)s · %(office)s", kind=hearing.kind.label, office=hearing.office.name),
        _("时间：%(start)s", start=format_local_datetime(hearing.starts_at)),
        _("地点：%(venue)s", venue=hearing.venue or ""),
    ]
    if hearing.decision_ref:
        meta.append(
            _(
                "召开依据：党委会决定（%(date)s，%(ref)s）",
                date=format_local_date(hearing.decision_date),
                ref=hearing.decision_ref,
            )
        )
    note = _(
        "第 %(n)d 版，%(date)s 公开。",
        n=version.number,
        date=format_local_date(version.published_at),
    )
    if version.correction_note:
        note += " " + _("更正说明：%(note)s", note=version.correction_note)
    return render_minutes_pdf(
        title=_("%(title)s 会议纪要", title=hearing.title),
        meta_lines=meta,
        body_md=version.body_md,
        version_note=note,
        footer=_("%(office)s · 本纪要已隐去个人电话、身份证号等信息", office=hearing.office.name),
    )


def render_minutes_pdf(minutes_id: int) -> str | None:
    """Render and store the PDF of a published version once; returns its storage key."""
    from core.kit import withdrawn_ids

    version = db.session.get(MinutesVersion, minutes_id)
    if version is None or withdrawn_ids(MinutesVersion, [version.id]):
        return None
    if version.pdf_key and get_storage().path(version.pdf_key) is not None:
        return version.pdf_key
    data, pages = minutes_pdf_bytes(version)
    version.pdf_key = get_storage().save(data, ".pdf")
    version.pdf_pages = pages
    version.pdf_rendered_at = utc_now()
    db.session.commit()
    return version.pdf_key


def deliver_messages(hearing_id: int) -> int:
    """Hand one hearing's pending participant messages to the sender."""
    from plugins.hearings.notifications import deliver_pending

    return deliver_pending(hearing_id)


def deliver_all_pending() -> int:
    """Periodic: deliver messages queued where no request followed up (e.g. case closures)."""
    from core.kit import offices_with
    from plugins.hearings.notifications import PENDING, deliver_pending

    ids = db.session.scalars(
        select(ParticipantMessage.hearing_id)
        .where(
            ParticipantMessage.status == PENDING,
            ParticipantMessage.office_id.in_(offices_with("hearings")),
        )
        .distinct()
    ).all()
    return sum(deliver_pending(i) for i in ids)


def remind_missing_minutes(now_iso: str | None = None) -> int:
    """Periodic: remind organisers 3 and 7 days after a held hearing still without minutes.

    Each reminder is sent once (the notification's dedupe key names the hearing and the day
    count), so running the job often is harmless. Returns how many reminders were due.
    """
    from datetime import datetime

    from core.kit import notify, offices_with

    now = as_utc(datetime.fromisoformat(now_iso)) if now_iso else utc_now()
    offices = offices_with("hearings")
    if not offices:
        return 0
    rows = db.session.scalars(
        select(Hearing).where(
            Hearing.status == HearingStatus.HELD,
            Hearing.office_id.in_(offices),
            Hearing.organiser_id.is_not(None),
        )
    ).all()
    due = 0
    for hearing in rows:
        held = hearing.held_at or hearing.starts_at
        if held is None:
            continue
        for days in REMINDER_DAYS:
            if now - held >= timedelta(days=days):
                notify(
                    hearing.organiser_id,
                    _("听证会纪要尚未公开"),
                    _(
                        "“%(title)s”已于 %(date)s 举行 %(days)d 天，会议纪要还没有公开，请尽快整理发布。",
                        title=hearing.title,
                        date=format_local_date(held),
                        days=days,
                    ),
                    url=f"{DESK_URL}/{hearing.id}",
                    dedupe_key=f"hearings:minutes-reminder:{hearing.id}:{days}",
                )
                due += 1
    db.session.commit()
    return due


def make_minutes_audio(minutes_id: int) -> str | None:
    """Read a published version of the minutes aloud (from its masked published view) and
    store the audio once; returns its storage key (see ``plugins.hearings.audio``)."""
    from plugins.hearings.audio import make_audio

    return make_audio(minutes_id)


def catch_up_minutes_audio() -> int:
    """Periodic: read aloud standing versions that have no audio yet (published before this
    machine had espeak-ng, or whose job failed), a few at a time. Returns how many were made."""
    from core.kit import offices_with, speech_available
    from plugins.hearings.audio import make_audio, versions_without_audio

    offices = offices_with("hearings")
    if not offices or not speech_available():
        return 0
    return sum(1 for i in versions_without_audio(offices) if make_audio(i))
