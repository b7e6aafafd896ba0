"""Everything that changes a petition: registration and one function per step of the procedure.

Each function checks the input, the actor and the regulations first and raises
``PetitionError`` (a Chinese message for the user) before touching anything, so a refused step
changes nothing. Callers commit (and roll back on error). ``actor_id=None`` means the system.

The stage machine (``Stage``)::

    registration ─pass_on─▶ acceptance ─decide_acceptance─▶ handling ─reply─▶ replied
         └──────────decide_acceptance──────────┘    (not accepted ▶ not_accepted)
    replied ─delivery─▶ review_window ─request_review─▶ review ─decide_review─▶ review_decided
    review_decided ─delivery─▶ rereview_window ─request_rereview─▶ rereview ─decide_rereview─▶
    terminated.   A window that lapses ▶ closed.   A repeat is registered as merged.

Each stage's deadline is carried by its core case (``stages.enter_stage``; the limits are in
``plugins.petitions.limits``) and snapshotted on the ``PetitionStep`` when the stage ends.
Modules: ``checks`` (what every service checks first), ``stages`` (the machine's moves),
``registration``, ``first_instance``, ``review`` and ``mediation`` (三级调处).
"""

from plugins.petitions.services.checks import clean_petitioner, parse_moment
from plugins.petitions.services.first_instance import (
    approve_extension,
    decide_acceptance,
    pass_on,
    record_delivery,
    refuse_extension,
    reply,
    request_extension,
)
from plugins.petitions.services.registration import (
    add_petitioner,
    refresh_flags,
    register_petition,
    set_risk,
    update_registration,
)
from plugins.petitions.services.review import (
    decide_rereview,
    decide_review,
    end_hearing,
    request_rereview,
    request_review,
    start_hearing,
)
from plugins.petitions.services.stages import close_lapsed_windows
