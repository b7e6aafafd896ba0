"""Demo data: the government office's rest-day rota (the window clerk and the office head
alternating), eight weeks ahead and four back, with one swap that leaves a gap next week, and
the clerk's last duty reported (earlier reports left overdue)."""

from datetime import time, timedelta

from sqlalchemy import select

from core.kit import User, db, local_today
from plugins.duty.services import handover, rota

DUTY_PHONE = "0471-5550199"


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def load_demo(offices) -> None:
    """Create the demo rota once (nothing when the office has a rule already)."""
    government = offices.get("SFZ-ZF")
    staff, head = _user("staff"), _user("officeadmin")
    if government is None or staff is None or head is None or rota.rule_for(government.id):
        return
    today = local_today()
    rota.save_rule(
        government.id,
        member_ids=[staff.id, head.id],
        days_per_turn=1,
        starts_on=today - timedelta(days=28),
        duty_phone=DUTY_PHONE,
        hours_start=time(8, 30),
        hours_end=time(17, 30),
    )
    db.session.flush()
    created = rota.generate(government.id, today - timedelta(days=28), today + timedelta(weeks=8))
    db.session.flush()
    coming = [a for a in created if today < a.day <= today + timedelta(days=7)]
    if coming:
        rota.swap(coming[-1], to_user_id=None, reason="值班人员病假，待安排接班", actor_id=head.id)
    # The clerk's last past duty: pledge and a filed report; earlier ones are left overdue.
    past = [a for a in created if a.day < today and a.user_id == staff.id]
    if past:
        handover.pledge(past[-1], staff.id)
        handover.add_item(
            past[-1],
            staff.id,
            kind="call",
            summary="来电咨询新农合缴费时间，已当场答复",
            receipt_no=None,
        )
        handover.file_report(past[-1], staff.id)
