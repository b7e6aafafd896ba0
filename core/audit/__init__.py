"""The audit log: every change, login, export and module switch, recorded by the core.

- Row changes of every mapped model are captured automatically (``core.audit.capture``).
- ``record_event`` records what is not a row change (logins, exports, module switches…).
- ``acting_as("job:…")`` / ``acting_as("resident")`` names the actor outside a staff login.
- Entries are append-only and hash-chained (``core.audit.chain``); ``flask audit verify``
  checks the chain, ``flask audit archive`` moves entries older than 180 days to a file.
"""

from core.audit.capture import AuditCaptureError, AuditLogImmutableError
from core.audit.context import (
    acting_as,
    capture_suspended_for_benchmark,
    current_actor,
    request_origin,
)
from core.audit.models import AuditArchive, AuditChainHead, AuditEntry
from core.extensions import db


def record_event(
    action: str,
    *,
    office_id=None,
    target_type=None,
    target_id=None,
    details: dict | None = None,
    actor_name: str | None = None,
) -> AuditEntry:
    """Record a non-row event (login, export, module switch…) in the current transaction.

    ``actor_name`` names the actor when nobody is logged in (the name tried at a failed
    login); ``acting_as`` still wins over it. The caller commits; the entry gets its id and
    hash in that commit, under the chain lock.
    """
    if not action or len(action) > 40:
        raise ValueError(f"audit action names are 1-40 characters: {action!r}")
    actor = current_actor(actor_name)
    ip_address, request_id = request_origin()
    entry = AuditEntry(
        action=action,
        office_id=office_id,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id)[:64],
        details=details,
        actor_id=actor.id,
        actor_name=actor.name,
        ip_address=ip_address,
        request_id=request_id,
    )
    db.session.add(entry)
    return entry
