"""The case's clock: its deadline, warning moment and step limits, computed by ``core.sla``."""

from datetime import datetime, time, timedelta

from core.cases.categories import get_category
from core.cases.models import Case
from core.cases.services.common import _config
from core.models import utcnow
from core.sla import DueDate, Limit, LimitUnit, compute_due, is_working_day
from core.time import as_utc, local_datetime


def warn_moment(start: datetime, due: DueDate) -> datetime:
    """When a case turns yellow, by the supervision rule of ``core.sla.colour``: at most 20 %
    of its time left, or at most one working day left (from the start of the working day
    before its last day), whichever comes first."""
    due_at = due.due_at
    by_share = due_at - (due_at - start) * 0.2
    day = due.last_day - timedelta(days=1)
    for _step in range(60):  # the longest run of rest days is far shorter
        if is_working_day(day)[0]:
            break
        day -= timedelta(days=1)
    day_before = local_datetime(day, time.min)
    return min(by_share, day_before)


def _closed_pauses(case: Case) -> list[tuple[datetime, datetime]]:
    return [(p.started_at, p.ended_at) for p in case.pauses if p.ended_at]


def _due_for(case: Case, *, extra_amount: int | None = None, limit: Limit | None = None) -> DueDate:
    extra = case.extra_amount if extra_amount is None else extra_amount
    unit = LimitUnit(case.limit_unit)
    return compute_due(
        case.accepted_at,
        limit or case.limit,
        pauses=_closed_pauses(case),
        extra=Limit(extra, unit) if extra else None,
    )


def _apply_due(case: Case, due: DueDate) -> None:
    start = case.accepted_at
    case.due_at = as_utc(due.due_at)
    case.warn_at = as_utc(warn_moment(start, due))
    case.due_warnings = list(due.warnings) or None
    case.due_uncovered = bool(due.uncovered)


def recompute_due(case: Case) -> DueDate:
    """Compute and store the case's deadline from its limit, extensions and closed pauses."""
    due = _due_for(case)
    _apply_due(case, due)
    return due


def explain_due(case: Case) -> DueDate:
    """The case's deadline computed afresh (for its explanation, in the reader's language)."""
    return _due_for(case)


def _cap_due(case: Case) -> DueDate | None:
    spec = get_category(case.category)
    if spec is None or spec.max_limit is None:
        return None
    return compute_due(case.accepted_at, spec.max_limit, pauses=_closed_pauses(case))


def _start_step(case: Case, kind: str) -> None:
    """A transfer or hand-back must be signed for within its own limit."""
    now = utcnow()
    days = int(_config("CASE_STEP_WORKING_DAYS", 1))
    case.step_kind = kind
    case.step_started_at = now
    case.step_due_at = as_utc(compute_due(now, Limit(days, LimitUnit.WORKING_DAYS)).due_at)


def _clear_step(case: Case) -> None:
    case.step_kind = case.step_started_at = case.step_due_at = None
