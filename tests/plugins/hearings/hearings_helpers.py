"""Helpers of the hearings plugin's tests: the module on for office A, hearings in any state.

Plain functions the test modules import; the fixtures are in this folder's conftest.py."""

from datetime import timedelta

from core.extensions import db
from core.kit import utc_now
from plugins.hearings import services
from plugins.hearings.models import Hearing


def new_hearing(
    office_id: int,
    *,
    capacity: int = 10,
    waitlist: int = 5,
    starts_in: timedelta = timedelta(days=7),
    announce: bool = True,
    title: str = "西河村村道硬化听证会",
    organiser_id: int | None = None,
) -> Hearing:
    """A hearing with every fact an announcement needs (inside an app context; committed)."""
    now = utc_now()
    hearing = Hearing(
        office_id=office_id,
        title=title,
        issue="村道硬化的招标、质量和占地补偿。",
        decision_date=(now - timedelta(days=3)).date(),
        decision_ref="镇党委会议纪要〔2026〕1号",
        venue="西河村村委会会议室",
        starts_at=now + starts_in,
        ends_at=now + starts_in + timedelta(hours=2),
        capacity=capacity,
        waitlist_size=waitlist,
        organiser_id=organiser_id,
    )
    db.session.add(hearing)
    db.session.flush()
    if announce:
        services.announce(hearing)
    db.session.commit()
    return hearing


def hold(hearing: Hearing, *, hours_ago: int = 3) -> Hearing:
    """Move an announced hearing's times into the past and record it as held (committed)."""
    now = utc_now()
    hearing.starts_at = now - timedelta(hours=hours_ago)
    hearing.ends_at = now - timedelta(hours=hours_ago - 1)
    services.mark_held(hearing)
    db.session.commit()
    return hearing


def mask_every_suspect(app, hearing_id: int, text: str, note: str | None = None) -> dict:
    """The review answers of the minutes editor that mask every suspected name in ``text``
    (what a careful staff member does), to add to a publishing POST."""
    from plugins.hearings.services import minutes_suspects

    with app.app_context():
        suspects = minutes_suspects(db.session.get(Hearing, hearing_id), text, note)
    form = {}
    for i, name in enumerate(suspects):
        form[f"review_name_{i}"] = name
        form[f"review_{i}"] = "mask"
    return form


def versioned(app, hearing_id: int, data: dict | None = None) -> dict:
    """``data`` with the hearing's current version, as a desk form rendered now carries it."""
    with app.app_context():
        return {**(data or {}), "version": str(db.session.get(Hearing, hearing_id).version)}
