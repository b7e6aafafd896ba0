"""Who may do what in an office's archive, on top of the core's office scoping.

- Every role sees the catalogue and loans of the offices it may see that have the module on;
  staff of another office see nothing, residents only public files (``public``/``api``).
- The designated keeper (档案管理员, a per-office setting) approves requests, hands files out
  and takes them back; a leader of the office gives the second approval for restricted files.
  The keeper's own requests are approved in the keeper's stead by the named deputy keeper
  (another per-office setting) or by a leader of the office.
- The keeper, office admins and township admins keep the catalogue.
- Staff of the office request loans for themselves; auditors read and change nothing.
"""

from sqlalchemy import select

from core.kit import Office, Role, User, db, enabled_office_ids, in_scope, permissions
from plugins.archives.models import DEFAULT_MAX_LOAN_DAYS, ArchiveSettings

PLUGIN = "archives"
DESK_URL = "/admin/archives-desk"  # the lending desk (plugins.archives.admin.desk.DeskView)
CATALOGUE_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN})
SETTINGS_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN, Role.AUDITOR})


def settings_for(office_id: int) -> ArchiveSettings | None:
    """The office's archive settings row, or None when nobody has set them yet."""
    return db.session.scalar(select(ArchiveSettings).where(ArchiveSettings.office_id == office_id))


def keeper_of(office_id: int) -> User | None:
    """The office's designated keeper, if one is set and the account is active."""
    row = settings_for(office_id)
    if row is None or row.keeper is None or not row.keeper.active:
        return None
    return row.keeper


def deputy_keeper_of(office_id: int) -> User | None:
    """The office's named deputy keeper, if one is set and the account is active."""
    row = settings_for(office_id)
    if row is None or row.deputy_keeper is None or not row.deputy_keeper.active:
        return None
    return row.deputy_keeper


def approves_for_keeper(user, loan) -> bool:
    """True when ``user`` gives the keeper's approval of ``loan``: the keeper, or — for the
    keeper's own request, which the keeper may not approve — the deputy keeper or a leader of
    the office."""
    if is_keeper(user, loan.office_id):
        return True
    keeper = keeper_of(loan.office_id)
    if keeper is None or loan.borrower_id != keeper.id or user is None:
        return False
    deputy = deputy_keeper_of(loan.office_id)
    return (deputy is not None and deputy.id == user.id) or is_leader_of(user, loan.office_id)


def archive_for_residents(office: Office) -> Office | None:
    """Where residents of ``office`` may ask to consult records when the office has no keeper:
    the nearest office above it (the township's archive) with the module on and a keeper, or
    None."""
    on = enabled_office_ids(PLUGIN)
    for above in reversed(office.ancestors()):
        if above.id in on and keeper_of(above.id) is not None:
            return above
    return None


def max_loan_days(office_id: int) -> int:
    """The longest loan the office allows, in working days."""
    row = settings_for(office_id)
    return row.max_loan_days if row is not None and row.max_loan_days else DEFAULT_MAX_LOAN_DAYS


def is_keeper(user, office_id: int) -> bool:
    """True when ``user`` is the office's designated keeper."""
    keeper = keeper_of(office_id)
    return keeper is not None and user is not None and keeper.id == user.id


def is_leader_of(user, office_id: int) -> bool:
    """True when ``user`` is an active leader of the office (second approval, loss reports)."""
    return (
        user is not None
        and user.role == Role.LEADER
        and user.office_id == office_id
        and user.active
    )


def person(user_id: int | None) -> User | None:
    """The acting user of a service call, reloaded from ``actor_id`` (None: nobody)."""
    return db.session.get(User, user_id) if user_id else None


def may_act_in(user, office_id: int) -> bool:
    """The office is in the user's scope with the module on, and the user may write."""
    return (
        user is not None
        and not permissions.is_read_only(user)
        and in_scope(office_id, user, PLUGIN)
    )


def may_manage_catalogue(user, office_id: int) -> bool:
    """Keeper, office admin (own office) or township admin may catalogue files there."""
    if not may_act_in(user, office_id):
        return False
    return user.role in CATALOGUE_ROLES or is_keeper(user, office_id)


def may_report_loss(user, office_id: int) -> bool:
    """Keeper, leaders and admins of the office may report a file lost."""
    if not may_act_in(user, office_id):
        return False
    return (
        user.role in CATALOGUE_ROLES or is_keeper(user, office_id) or is_leader_of(user, office_id)
    )


def leaders_of(office_id: int) -> list[User]:
    """Active leaders of the office (notified of restricted requests and losses)."""
    return list(
        db.session.scalars(
            select(User).where(User.office_id == office_id, User.role == Role.LEADER, User.active)
        )
    )
