"""Everything that changes a case: one function per transition, grouped by concern.

- ``access``: who may see (``may_view``) and work (``may_act``) a case; ``is_leader_for``.
- ``deadlines``: the deadline, warning moment and step limits (``recompute_due``).
- ``intake``: ``open_case``, ``edit_case``, ``add_note``, ``add_attachment``.
- ``routing``: sign for, transfer, hand back, escalate, notify other offices.
- ``clock``: pauses, a leader's own deadline, extensions.
- ``agency``: 办事代理 (start, delivery, sign-off).
- ``finishing``: close and archive; residents' rating, rectification, follow-up, appeal.

Every transition raises ``CaseError`` before changing anything and adds a timeline event; the
caller commits (see ``common``).
"""

from core.cases.services.access import is_leader_for, may_act, may_view
from core.cases.services.agency import record_delivery, sign_off_agency, start_agency
from core.cases.services.clock import (
    approve_extension,
    pause_case,
    refuse_extension,
    request_extension,
    restart_clock,
    resume_case,
    set_deadline,
)
from core.cases.services.common import RESIDENT, SYSTEM, CaseError
from core.cases.services.deadlines import explain_due, recompute_due, warn_moment
from core.cases.services.finishing import (
    archive_case,
    close_case,
    complete_rectification,
    decide_appeal,
    file_appeal,
    open_rectification,
    rate_case,
    record_follow_up,
)
from core.cases.services.intake import (
    ATTACHMENT_TYPES,
    DEFAULT_ATTACHMENT_MAX_BYTES,
    add_attachment,
    add_note,
    edit_case,
    new_receipt_no,
    open_case,
)
from core.cases.services.routing import (
    accept_case,
    escalate_to_leader,
    hand_back,
    notify_offices,
    transfer_case,
)
from core.errors import STALE_MESSAGE
