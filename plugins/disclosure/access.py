"""Who may change an office's disclosures, on top of the core's office scoping.

Staff, leaders and office admins write for their own office, township admins for every
office; auditors read everything and change nothing. Only offices with the module on count
(``scoped_office_ids(user, PLUGIN)``).
"""

from core.kit import in_scope, permissions

PLUGIN = "disclosure"


def may_act_in(user, office_id: int | None) -> bool:
    """The office is in the user's scope with the module on, and the user may write."""
    return (user is not None and not permissions.is_read_only(user)
            and in_scope(office_id, user, PLUGIN))
