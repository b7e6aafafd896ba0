"""Minutes read aloud: each published version in Mandarin, for residents who read poorly.

A job (``jobs.make_minutes_audio``, started when a version is published) reads the version's
*published view* — the text the publication gate lets residents read, phones starred and
private persons' names as 张某 — through the kit's ``speak`` (espeak-ng, numbers and dates the
Chinese way), stores the MP3 with ``get_storage`` and records it on the version. Withdrawing
the version drops the file (``publication.record_changed``); the residents' route serves it
only while the version stands, and makes it again when a name in it has since been learnt as
a private person's.
"""

import logging

from flask import abort, request, send_file
from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import (
    db,
    format_local_date,
    get_storage,
    markdown_plain_text,
    mentions_names_added_since,
    publish,
    utc_now,
    withdrawn_ids,
)
from plugins.hearings.models import MinutesVersion

log = logging.getLogger(__name__)

CATCH_UP_BATCH = 10  # versions the hourly catch-up reads aloud at most


def speech_source(version: MinutesVersion) -> str:
    """The text read aloud for a version: title, version and date, correction note and the
    minutes, all from the published (masked) view. A withdrawn version has none (ValueError)."""
    published = publish(version)
    if published.withdrawn:
        raise ValueError("withdrawn minutes are not read aloud")
    hearing = published.hearing
    parts = [
        _("%(kind)s：%(title)s，会议纪要。", kind=hearing.kind.label, title=hearing.title),
        _(
            "第 %(n)d 版，%(date)s公开。",
            n=published.number,
            date=format_local_date(published.published_at),
        ),
    ]
    if published.correction_note:
        parts.append(_("更正说明：%(note)s", note=published.correction_note))
    parts.append(markdown_plain_text(published.body_md))
    return "\n".join(parts)


def is_stale(version: MinutesVersion) -> bool:
    """Whether the audio was made before a name it may mention was learnt as private."""
    hearing = version.hearing
    return bool(version.audio_key) and mentions_names_added_since(
        version.audio_made_at, version.body_md, version.correction_note, hearing.title
    )


def drop_audio(version: MinutesVersion) -> None:
    """Delete a version's audio file and forget it (the caller commits)."""
    if version.audio_key:
        get_storage().delete(version.audio_key)
    version.audio_key = None
    version.audio_mimetype = None
    version.audio_seconds = None
    version.audio_made_at = None


def _standing(version: MinutesVersion | None) -> bool:
    return version is not None and not withdrawn_ids(MinutesVersion, [version.id])


def make_audio(minutes_id: int) -> str | None:
    """Read one published version aloud and store it once; returns its storage key (None for
    a withdrawn or missing version, or where espeak-ng is not installed: logged, not failed,
    so the hourly catch-up makes it once it is)."""
    from core.kit import speak, speech_available

    version = db.session.get(MinutesVersion, minutes_id)
    if not _standing(version):
        return None
    storage = get_storage()
    if version.audio_key and storage.path(version.audio_key) and not is_stale(version):
        return version.audio_key
    if not speech_available():
        log.warning("espeak-ng is not installed: minutes %s are not read aloud", minutes_id)
        return None
    speech = speak(speech_source(version))
    drop_audio(version)
    key = storage.save(speech.data, speech.suffix)
    if not _standing(version):  # withdrawn while it was being read
        storage.delete(key)
        return None
    version.audio_key = key
    version.audio_mimetype = speech.mimetype
    version.audio_seconds = round(speech.seconds, 1)
    version.audio_made_at = utc_now()
    db.session.commit()
    return key


def versions_without_audio(office_ids, limit: int = CATCH_UP_BATCH) -> list[int]:
    """Standing versions of offices with the module on that have no audio yet, oldest first."""
    from core.kit import withdrawn_clause

    return list(
        db.session.scalars(
            select(MinutesVersion.id)
            .where(
                MinutesVersion.audio_key.is_(None),
                MinutesVersion.office_id.in_(office_ids),
                withdrawn_clause(MinutesVersion),
            )
            .order_by(MinutesVersion.id)
            .limit(limit)
        )
    )


def audio_response(hearing, version: MinutesVersion | None):
    """The audio of a standing version (``?download=1``: as a file to keep); 404 for a
    withdrawn, unknown or not yet read version. Audio made before a name in it was learnt as
    private is dropped and made again from the published view first."""
    if version is None or publish(version).withdrawn:
        abort(404)
    if is_stale(version):
        from core.kit import enqueue

        drop_audio(version)
        db.session.commit()
        enqueue("plugins.hearings.jobs:make_minutes_audio", version.id)
        db.session.refresh(version)
    path = get_storage().path(version.audio_key) if version.audio_key else None
    if path is None:
        abort(404)
    return send_file(
        path,
        mimetype=version.audio_mimetype or "application/octet-stream",
        max_age=600,
        as_attachment=request.args.get("download") == "1",
        download_name=f"hearing-{hearing.id}-minutes-v{version.number}{path.suffix}",
    )
