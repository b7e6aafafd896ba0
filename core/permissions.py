"""Who may see and do what: the role rules in one place."""

from core.models import Role, User

# Roles that see every office's rows (township admins manage, auditors supervise).
ALL_OFFICES_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.AUDITOR})
# Roles that may read personal data (phones, ID numbers) on a record's detail screen.
PERSONAL_DATA_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN, Role.LEADER, Role.STAFF})
# Roles that may manage staff accounts (township admins: all; office admins: their own office).
STAFF_MANAGER_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN})

# How far each role reaches, highest first. An account may be changed (password, role, active
# status) only by someone whose rank is strictly higher, and nobody may grant a role at or
# above their own; the township admin alone is exempt (someone must be able to manage the
# managers). Why this order:
# - township admin (4): manages every office and the system itself.
# - leader and auditor (3): above the office admin who keeps an office's accounts. A leader
#   heads the office (an office admin must not take over the leader's account, demote or
#   deactivate them); an auditor reads every office, so an office admin who could reset an
#   auditor's password would widen their own view beyond their office.
# - office admin (2): manages the staff of one office, but not another office admin.
# - staff (1): manages nobody.
ROLE_RANK = {
    Role.TOWNSHIP_ADMIN: 4,
    Role.LEADER: 3,
    Role.AUDITOR: 3,
    Role.OFFICE_ADMIN: 2,
    Role.STAFF: 1,
}


def sees_all_offices(user: User) -> bool:
    """True when the user's lists are not limited to their own office."""
    return user.role in ALL_OFFICES_ROLES


def is_read_only(user: User) -> bool:
    """Auditors read everything and change nothing."""
    return user.role == Role.AUDITOR


def visible_office_ids(user: User) -> set[int] | None:
    """Office ids whose rows the user may see; None means every office."""
    if sees_all_offices(user):
        return None
    return {user.office_id}


def may_see_office(user: User, office_id: int | None) -> bool:
    """True when a row of ``office_id`` is within the user's scope."""
    allowed = visible_office_ids(user)
    return allowed is None or office_id in allowed


def may_see_personal_data(user: User) -> bool:
    """True when the user's role may read private persons' phones and ID numbers."""
    return user.role in PERSONAL_DATA_ROLES


def role_rank(role) -> int:
    """The rank of ``role`` (a Role or its value) in ROLE_RANK; higher reaches further."""
    return ROLE_RANK[Role(role)]


def may_manage_account(actor: User, target_role) -> bool:
    """True when ``actor`` may change the password, role or active status of an account
    whose (current) role is ``target_role``: only of accounts ranked strictly below their
    own, except the township admin, who may change any account."""
    if actor.role == Role.TOWNSHIP_ADMIN:
        return True
    return role_rank(target_role) < role_rank(actor.role)


def may_grant_role(actor: User, role) -> bool:
    """True when ``actor`` may give an account ``role``: only roles ranked strictly below
    their own, except the township admin, who may grant any role."""
    if actor.role == Role.TOWNSHIP_ADMIN:
        return True
    return role_rank(role) < role_rank(actor.role)
