"""The periodic deadline sweep: colours, reminders, deadlines the calendar now covers.

Runs as the ``core.case_sweep`` schedule (``core.jobs.schedule``). Idempotent: everything it
decides is recomputed from the stored deadlines, reminders carry dedupe keys made of the cases
they are about, and colours are written in the same transaction as the reminders — a sweep
killed half-way and retried neither misses nor repeats a reminder.
"""

import hashlib
import logging
from collections import defaultdict

from sqlalchemy import select, update

from core.audit.context import acting_as
from core.cases.models import Case, CaseEvent, Rectification, is_active_sql
from core.cases.queries import colour_expr, month_starts, month_stats
from core.cases.receipts import display
from core.extensions import db
from core.models import Role, User, utcnow
from core.sla.text import _ as t  # translated in a request, Chinese in the sweep job
from core.time import LOCAL_ZONE

log = logging.getLogger(__name__)
CHUNK = 500
RECOMPUTE_CHUNK = 200  # deadlines recomputed per transaction (each well under a second)
SHOWN_IN_REMINDER = 10


def _chunks(items, size=CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _recipients(
    office_id: int, handler_id: int | None, staff_by_office, heads_by_office, colour: str
) -> set[int]:
    """Who hears about a case: its handler (or, without one, its office's staff); for an
    overdue case also the office head and the office's leaders (督办)."""
    people = {handler_id} if handler_id else set(staff_by_office.get(office_id, ()))
    if colour == "red":
        people |= set(heads_by_office.get(office_id, ()))
    return {p for p in people if p}


def _office_people():
    staff, heads = defaultdict(list), defaultdict(list)
    rows = db.session.execute(select(User.id, User.office_id, User.role).where(User.active))
    for user_id, office_id, role in rows:
        if role in (Role.STAFF, Role.OFFICE_ADMIN):
            staff[office_id].append(user_id)
        if role in (Role.OFFICE_ADMIN, Role.LEADER):
            heads[office_id].append(user_id)
    return staff, heads


def _refresh_uncovered(now) -> int:
    """Recompute deadlines that fell back to weekends-only: an admin may have entered the
    year's holidays since. Returns how many deadlines moved."""
    from core.cases.services import recompute_due

    moved = 0
    ids = db.session.scalars(
        select(Case.id)
        .where(is_active_sql(), Case.due_uncovered.is_(True), Case.paused_since.is_(None))
        .order_by(Case.id)
    ).all()
    # Committed a chunk at a time: on SQLite one long write transaction would lock residents
    # out for its whole length. A sweep stopped half-way and run again finds the deadlines it
    # already moved in place, and moves only the rest.
    for chunk in _chunks(ids, RECOMPUTE_CHUNK):
        for case in db.session.scalars(select(Case).where(Case.id.in_(chunk))):
            old_due = case.due_at
            due = recompute_due(case)
            if case.due_at != old_due:
                moved += 1
                db.session.add(
                    CaseEvent(
                        case_id=case.id,
                        kind="deadline_recalculated",
                        at=now,
                        actor_name=t("系统"),
                        note=t(
                            "节假日安排已更新，期限重新计算为 %(d)s", d=due.last_day.isoformat()
                        ),
                        data={"old_due_at": old_due.isoformat(), "due_at": case.due_at.isoformat()},
                    )
                )
        db.session.commit()
    return moved


def run_sweep() -> dict:
    """Update every active case's supervision colour and remind the people concerned.

    Returns counts: {"checked", "changed", "yellow", "red", "notified", "steps",
    "rectifications", "recalculated"}.
    """
    with acting_as("job:case_sweep"):
        return _sweep()


def _colour_changes(now, staff_by_office, heads_by_office):
    """(rows checked, case ids by new colour, receipts by (person, colour) to tell them)."""
    colour = colour_expr(now).label("colour")
    rows = db.session.execute(
        select(
            Case.id, Case.receipt_no, Case.office_id, Case.handler_id, Case.swept_colour, colour
        ).where(is_active_sql())
    ).all()
    changed: dict[str, list[int]] = defaultdict(list)
    digest: dict[tuple[int, str], list[str]] = defaultdict(list)
    for case_id, receipt, office_id, handler_id, old, new in rows:
        if old == new:
            continue
        changed[new].append(case_id)
        if new in ("yellow", "red"):
            for user_id in _recipients(
                office_id, handler_id, staff_by_office, heads_by_office, new
            ):
                digest[(user_id, new)].append(receipt)
    return len(rows), changed, digest


def _send_digests(digest) -> int:
    """One reminder per person and colour, listing the receipts (deduplicated by content)."""
    from core.jobs import notify

    for (user_id, new), receipts in sorted(digest.items()):
        receipts.sort()
        fingerprint = hashlib.sha256(",".join(receipts).encode()).hexdigest()[:24]
        title = (
            t("%(n)d 件案件已超期，请督办", n=len(receipts))
            if new == "red"
            else t("%(n)d 件案件临近办理期限", n=len(receipts))
        )
        body = "、".join(display(r) for r in receipts[:SHOWN_IN_REMINDER]) + (
            "…" if len(receipts) > SHOWN_IN_REMINDER else ""
        )
        notify(
            user_id,
            title,
            body,
            url=f"/admin/cases/?status=active&colour={new}",
            dedupe_key=f"case-sweep:{new}:{fingerprint}",
        )
    return len(digest)


def _remind_late_steps(now, staff_by_office) -> int:
    """Transfers and hand-backs not signed for within their step limit."""
    from core.jobs import notify

    steps = 0
    for case_id, receipt, handler_id, office_id, started in db.session.execute(
        select(
            Case.id, Case.receipt_no, Case.handler_id, Case.office_id, Case.step_started_at
        ).where(is_active_sql(), Case.step_due_at < now)
    ):
        people = {handler_id} if handler_id else set(staff_by_office.get(office_id, ()))
        for user_id in people:
            notify(
                user_id,
                t("转办案件超时未签收：%(r)s", r=display(receipt)),
                "",
                url=f"/admin/cases/details/?id={case_id}",
                dedupe_key=f"case-step:{case_id}:{started.isoformat()}",
            )
            steps += 1
    return steps


def _remind_late_rectifications(now, heads_by_office) -> int:
    from core.jobs import notify

    late = 0
    for item in db.session.scalars(
        select(Rectification).where(Rectification.status == "open", Rectification.due_at < now)
    ):
        people = (
            {item.assignee_id} if item.assignee_id else set(heads_by_office.get(item.office_id, ()))
        )
        for user_id in people:
            notify(
                user_id,
                t("差评整改已超期"),
                "",
                url=f"/admin/cases/details/?id={item.case_id}",
                dedupe_key=f"case-rectification-late:{item.id}",
            )
            late += 1
    return late


def _sweep() -> dict:
    now = utcnow()
    recalculated = _refresh_uncovered(now)
    staff_by_office, heads_by_office = _office_people()
    checked, changed, digest = _colour_changes(now, staff_by_office, heads_by_office)
    notified = _send_digests(digest)
    steps = _remind_late_steps(now, staff_by_office)
    late_rectifications = _remind_late_rectifications(now, heads_by_office)
    # Bulk writes of a derived column: no version bump, so nobody's open form goes stale.
    for new, ids in changed.items():
        for chunk in _chunks(ids):
            db.session.execute(
                update(Case)
                .where(Case.id.in_(chunk))
                .values(swept_colour=new)
                .execution_options(synchronize_session=False)
            )
    db.session.commit()
    # A new month: freeze the figures of the months just finished for the supervision chart.
    month_stats(month_starts(now.astimezone(LOCAL_ZONE).date(), 7)[:-1])
    result = {
        "checked": checked,
        "changed": sum(len(v) for v in changed.values()),
        "yellow": len(changed.get("yellow", ())),
        "red": len(changed.get("red", ())),
        "notified": notified,
        "steps": steps,
        "rectifications": late_rectifications,
        "recalculated": recalculated,
    }
    log.info("case sweep: %s", result)
    return result
