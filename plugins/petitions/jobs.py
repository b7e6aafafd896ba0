"""Periodic work of the petitions plugin (run by the core's scheduler, idempotent)."""

from core.kit import Schedule, db, offices_with
from plugins.petitions.services import close_lapsed_windows as _close


def close_lapsed_windows() -> int:
    """Close petitions whose 30-day window for asking a review or re-review ran out unused.

    Works only for offices that have the plugin switched on; setting a stage is naturally
    repeatable, so a retried run closes nothing twice. Returns how many were closed.
    """
    office_ids = offices_with("petitions")
    if not office_ids:
        return 0
    closed = _close(office_ids=set(office_ids))
    db.session.commit()
    return closed


def schedules() -> list[Schedule]:
    """Close review and re-review windows that ran out unused, hourly."""
    return [Schedule("petitions.close_lapsed_windows", f"{__name__}:close_lapsed_windows", 3600)]
