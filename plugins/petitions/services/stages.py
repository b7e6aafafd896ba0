"""The stage machine's moves: enter a stage (its deadline carried by the stage's core case),
open and close the stage cases, close the petitioner's lapsed windows."""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from core.kit import (
    ACTIVE_STATUSES,
    Case,
    CaseError,
    Channel,
    Limit,
    close_case,
    db,
    explain_due,
    open_case,
    restart_clock,
    utc_now,
)
from plugins.petitions import limits
from plugins.petitions.errors import PetitionError
from plugins.petitions.filing import file_petition
from plugins.petitions.models import (
    FINAL_STAGES,
    Petition,
    PetitionChannel,
    PetitionStep,
    Stage,
)

CHANNEL_TO_CASE = {
    PetitionChannel.LETTER: Channel.LETTER,
    PetitionChannel.VISIT: Channel.VISIT,
    PetitionChannel.CALL: Channel.PHONE,
    PetitionChannel.ONLINE: Channel.ONLINE,
}


def enter_stage(
    petition: Petition,
    stage: Stage,
    *,
    start: datetime | None,
    event: str,
    actor_id: int | None,
    limit: Limit | None = None,
    restart: str | None = None,
) -> PetitionStep | None:
    """End the current step (keeping its deadline as a snapshot) and start ``stage``.

    ``limit`` is the stage's statutory limit. Its deadline is carried by the stage's core
    case: a case opened for the stage counts it from its acceptance (the category's limit);
    with ``restart`` (the reason, for the case's timeline) the case's clock restarts from
    ``start``. A petitioner's window has no case: it runs from the delivery
    (``Petition.window_due``). A final stage files the petition's file in the office's
    archive (``filing.file_petition``)."""
    moment = start or utc_now()
    _end_step(petition, moment, event)
    petition.stage = stage
    petition.stage_started_at = start
    if stage in FINAL_STAGES:
        # Every way a matter ends comes through here: its file goes to the archive.
        file_petition(petition, moment)
        return None
    step = PetitionStep(
        office_id=petition.office_id,
        stage=stage,
        started_at=moment,
        start_event=event,
        actor_id=actor_id,
    )
    if limit is not None:
        due = _stage_due(petition, start, limit, restart)
        step.limit_days = limit.amount
        step.explanation = list(due.explanation)
        step.warnings = list(due.warnings)
    petition.steps.append(step)
    return step


def _stage_due(petition: Petition, start: datetime, limit: Limit, restart: str | None):
    """The new stage's due date, from the one place that carries it."""
    case = petition.stage_case
    if case is None:
        return petition.window_due()
    if restart is None:
        return explain_due(case)
    try:
        return restart_clock(case, start=start, limit=limit, reason=restart)
    except CaseError as exc:
        raise PetitionError(str(exc)) from exc


def _end_step(petition: Petition, moment: datetime, event: str) -> None:
    """Close the open step with a snapshot of the stage's deadline as it stood."""
    current = current_step(petition)
    if current is None:
        return
    current.ended_at = moment
    current.end_event = event
    if current.limit_days:
        current.due_at = petition.due_at
        current.last_day = petition.last_day
    current.overdue = current.due_at is not None and moment > current.due_at


def current_step(petition: Petition) -> PetitionStep | None:
    """The step that is running (None once the matter ended)."""
    open_steps = [s for s in petition.steps if s.ended_at is None]
    return open_steps[-1] if open_steps else None


def close_stage_case(case: Case | None, outcome: str, actor_id: int | None) -> None:
    """Close a stage's core case with the stage's written result (if still open)."""
    if case is None or case.status not in ACTIVE_STATUSES:
        return
    try:
        close_case(case, outcome=outcome, actor_id=actor_id)
    except CaseError as exc:
        raise PetitionError(str(exc)) from exc


def open_stage_case(
    petition: Petition,
    category: str,
    accepted_at: datetime,
    subject: str,
    actor_id: int | None,
    handler_id: int | None,
) -> Case:
    """Open the core case of a petition, its review or its re-review (``category``): it
    carries the stage's deadline from ``accepted_at``."""
    first = petition.first_petitioner
    try:
        return open_case(
            office_id=petition.office_id,
            category=category,
            channel=CHANNEL_TO_CASE[petition.channel].value,
            subject=subject[:200],
            content=petition.demands or petition.content or "",
            applicant_name=first.name if first else None,
            applicant_phone=first.phone if first else None,
            applicant_id_number=first.id_number if first else None,
            handler_id=handler_id,
            accepted_at=accepted_at,
            source_type=limits.SOURCE_TYPES[category],
            source_id=str(petition.id),
            actor_id=actor_id,
        )
    except CaseError as exc:
        raise PetitionError(str(exc)) from exc


def close_lapsed_windows(moment: datetime | None = None, office_ids: set[int] | None = None) -> int:
    """Close petitions (of ``office_ids``, default all) whose window for asking a review or
    re-review has passed unused; returns how many (the petitions job runs it)."""
    moment = moment or utc_now()
    # A window is at least its limit long: only petitions delivered before that can have lapsed.
    query = select(Petition).where(
        or_(
            and_(
                Petition.stage == Stage.REVIEW_WINDOW,
                Petition.reply_delivered_at < moment - timedelta(days=limits.REVIEW_REQUEST.amount),
            ),
            and_(
                Petition.stage == Stage.REREVIEW_WINDOW,
                Petition.review_delivered_at
                < moment - timedelta(days=limits.REREVIEW_REQUEST.amount),
            ),
        )
    )
    if office_ids is not None:
        query = query.where(Petition.office_id.in_(sorted(office_ids)))
    lapsed = [p for p in db.session.scalars(query) if p.due_at < moment]
    for petition in lapsed:
        due = petition.due_at
        enter_stage(
            petition,
            Stage.CLOSED,
            start=due,
            event=_("申请期届满，未申请复查或复核"),
            actor_id=None,
        )
        petition.closed_at = due
    return len(lapsed)
