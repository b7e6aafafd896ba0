"""What of the duty module residents may see, declared for the core's publication gate.

Today's assignment names the person on duty — a member of the office's staff acting in a
public role, so by name and post like the staff directory (the core's ``User`` declaration;
their own phone is never rendered). The rule publishes only the office's duty phone (as office
text: a landline stays, a mobile is masked) and the office hours; who rotates is withheld.
"""

from core.kit import PUBLIC, WITHHELD, declare, office_text
from plugins.duty.models import AfterHoursCase, DutyAssignment, DutyRule, DutySwap


def declarations():
    """The published fields of an assignment and of the office's rule."""
    return [
        declare(
            DutyAssignment,
            {
                "id": PUBLIC,
                "office_id": PUBLIC,
                "office": PUBLIC,
                "day": PUBLIC,
                "user_id": PUBLIC,
                "user": PUBLIC,
                "created_at": WITHHELD,
                "updated_at": WITHHELD,
            },
        ),
        declare(
            DutyRule,
            {
                "id": PUBLIC,
                "office_id": PUBLIC,
                "office": PUBLIC,
                "duty_phone": office_text(),
                "hours_start": PUBLIC,
                "hours_end": PUBLIC,
                "member_ids": WITHHELD,
                "members": WITHHELD,
                "days_per_turn": WITHHELD,
                "starts_on": WITHHELD,
            },
        ),
        declare(
            DutySwap,
            {
                "id": PUBLIC,
                "reason": WITHHELD,
                "from_user_id": WITHHELD,
                "to_user_id": WITHHELD,
                "actor_id": WITHHELD,
            },
        ),
        declare(AfterHoursCase, {"id": PUBLIC, "case_id": WITHHELD, "user_id": WITHHELD}),
    ]
