"""What every case transition shares: the error it raises, loading and checking its input,
the timeline event it adds and the notifications it sends.

Each transition checks its input and the actor's right first and raises ``CaseError`` (with a
Chinese message for the user) before touching anything, so a refused action changes nothing.
Every change adds a ``CaseEvent`` (who, when, what, why). Callers commit. ``actor_id=None``
means the system (a plugin or a job) and skips the role checks.

Functions that act on a form loaded earlier take ``expected_version``: the version the user
saw. A different version means someone else saved meanwhile, and the action is refused.
"""

from datetime import timedelta

from sqlalchemy import select

from core.cases.models import Case, CaseEvent
from core.errors import STALE_MESSAGE, UserError
from core.extensions import db
from core.models import Office, Role, User, utcnow
from core.sla.text import _ as t  # translated during a request, Chinese in jobs

# Residents rate through the public page; their name is never stored with the event.
RESIDENT = "群众"
SYSTEM = "系统"
# Clocks of two machines may differ a little; a minute's slack is not "in the future".
_FUTURE_SLACK = timedelta(minutes=1)


class CaseError(UserError):
    """A case action that cannot be done; ``str(error)`` is the message for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)

    def __str__(self) -> str:
        return self.message


def _config(key: str, default):
    from flask import current_app

    return current_app.config.get(key, default)


def _user(user_id: int | None, *, required: bool = False) -> User | None:
    if user_id is None:
        if required:
            raise CaseError(t("请先登录。"))
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active:
        raise CaseError(t("找不到该工作人员，或其账号已停用。"))
    return user


def _office(office_id: int | None) -> Office:
    office = db.session.get(Office, int(office_id)) if office_id is not None else None
    if office is None:
        raise CaseError(t("找不到该单位。"))
    return office


def _text(value: str | None, message: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise CaseError(message)
    if max_length and len(value) > max_length:
        raise CaseError(t("内容过长（最多 %(n)d 个字）。", n=max_length))
    return value


def _check_version(case: Case, expected_version) -> None:
    if expected_version in (None, ""):
        return
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise CaseError(STALE_MESSAGE) from None
    if expected != case.version:
        raise CaseError(STALE_MESSAGE)


def _event(
    case: Case,
    kind: str,
    actor: User | None,
    note: str | None = None,
    *,
    actor_name: str | None = None,
    **fields,
) -> CaseEvent:
    event = CaseEvent(
        case=case,
        kind=kind,
        at=utcnow(),
        note=note,
        actor_id=actor.id if actor else None,
        actor_name=actor.display_name if actor else (actor_name or SYSTEM),
        **fields,
    )
    db.session.add(event)
    return event


def _notify(
    user_ids, title: str, body: str = "", url: str | None = None, dedupe_key: str | None = None
) -> None:
    """In-app notification through ``core.jobs.notify`` for each distinct user."""
    from core.jobs import notify

    for user_id in sorted({u for u in user_ids if u}):
        notify(
            user_id,
            title,
            body,
            url=url,
            dedupe_key=f"{dedupe_key}:{user_id}" if dedupe_key else None,
        )


def _case_url(case: Case) -> str:
    return f"/admin/cases/details/?id={case.id}"


def _office_staff(office_id: int, roles: tuple[Role, ...]) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.office_id == office_id, User.active, User.role.in_(roles))
            .order_by(User.id)
        )
    )


def _leaders_for(office_id: int) -> list[User]:
    office = db.session.get(Office, office_id)
    ids = [office_id] + [a.id for a in office.ancestors()] if office else [office_id]
    return list(
        db.session.scalars(
            select(User)
            .where(User.office_id.in_(ids), User.active, User.role == Role.LEADER)
            .order_by(User.id)
        )
    )
