"""Who may do what with an office's disclosures, on top of the core's office scoping.

Staff, leaders and office admins write for their own office, township admins for every
office; auditors read everything and change nothing. Only offices with the module on count.
"""

from flask_login import current_user

from core.kit import enabled_office_ids, permissions

PLUGIN = "disclosure"


def office_ids(user=None) -> set[int]:
    """Offices whose disclosures ``user`` (default: the current user) may see."""
    user = user or current_user
    on = enabled_office_ids(PLUGIN)
    visible = permissions.visible_office_ids(user)
    return on if visible is None else on & visible


def may_act_in(user, office_id: int | None) -> bool:
    """The office is in the user's scope with the module on, and the user may write."""
    return (user is not None and office_id is not None and not permissions.is_read_only(user)
            and office_id in office_ids(user))
