"""Who may see and do what: the role rules in one place."""

from core.models import Role, User

# Roles that see every office's rows (township admins manage, auditors supervise).
ALL_OFFICES_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.AUDITOR})
# Roles that may read personal data (phones, ID numbers) on a record's detail screen.
PERSONAL_DATA_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN, Role.LEADER, Role.STAFF})
# Roles that may manage staff accounts (township admins: all; office admins: their own office).
STAFF_MANAGER_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN})


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
