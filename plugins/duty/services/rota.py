"""The rota: rest days on the core's official calendar, assignments built from the rule,
swaps recorded, and gaps (a rest day with nobody on duty).

A rest day is any day the official calendar (``core.kit.is_working_day``) marks as not
working: weekends and statutory holidays, but not the make-up working days (调休上班日).
"""

import re
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import User, db, is_working_day
from plugins.duty.errors import DutyError
from plugins.duty.models import DutyAssignment, DutyRule, DutySwap


def is_rest_day(day: date) -> bool:
    """True when the official calendar marks ``day`` as a day off."""
    return not is_working_day(day)[0]


def rest_days(start: date, end: date) -> list[date]:
    """Every rest day from ``start`` to ``end`` inclusive."""
    days, day = [], start
    while day <= end:
        if is_rest_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def is_mobile(phone: str | None) -> bool:
    """True when ``phone`` is a mainland mobile number (a private person's, never published)."""
    digits = re.sub(r"\D", "", phone or "")
    return bool(re.fullmatch(r"(86)?1[3-9]\d{9}", digits))


def rule_for(office_id: int) -> DutyRule | None:
    """The office's rota rule, if it has one."""
    return db.session.scalar(select(DutyRule).where(DutyRule.office_id == office_id))


def save_rule(
    office_id: int,
    *,
    member_ids: list[int],
    days_per_turn: int,
    starts_on: date,
    duty_phone: str | None,
    hours_start,
    hours_end,
) -> DutyRule:
    """Create or change the office's rule; members must be active staff of the office."""
    if not member_ids:
        raise DutyError(_("请至少选择一名轮值人员。"))
    if days_per_turn < 1 or days_per_turn > 31:
        raise DutyError(_("每人连续值班天数应在 1 到 31 之间。"))
    if hours_start >= hours_end:
        raise DutyError(_("上班时间应早于下班时间。"))
    for user_id in member_ids:
        user = db.session.get(User, user_id)
        if user is None or user.office_id != office_id or not user.active:
            raise DutyError(_("轮值人员必须是本单位在岗的工作人员。"))
    if is_mobile(duty_phone):
        raise DutyError(_("值班电话应为单位固定电话，不得填写个人手机号码。"))
    rule = rule_for(office_id) or DutyRule(office_id=office_id)
    rule.member_ids = ",".join(str(i) for i in member_ids)
    rule.days_per_turn, rule.starts_on = days_per_turn, starts_on
    rule.duty_phone = (duty_phone or "").strip() or None
    rule.hours_start, rule.hours_end = hours_start, hours_end
    db.session.add(rule)
    return rule


def generate(office_id: int, start: date, end: date) -> list[DutyAssignment]:
    """Assign every rest day from ``start`` to ``end`` that has no assignment yet, rotating the
    rule's members (``days_per_turn`` rest days each, counted from the rule's first day).
    Existing assignments — swaps among them — are kept. Returns the new assignments."""
    rule = rule_for(office_id)
    if rule is None or not rule.members:
        raise DutyError(_("请先设置值班轮换规则。"))
    existing = set(
        db.session.scalars(
            select(DutyAssignment.day).where(
                DutyAssignment.office_id == office_id,
                DutyAssignment.day >= start,
                DutyAssignment.day <= end,
            )
        )
    )
    members, created = rule.members, []
    first = max(start, rule.starts_on)
    turn = (
        len(rest_days(rule.starts_on, first - timedelta(days=1))) if first > rule.starts_on else 0
    )
    for day in rest_days(first, end):
        if day not in existing:
            who = members[(turn // rule.days_per_turn) % len(members)]
            created.append(DutyAssignment(office_id=office_id, day=day, user_id=who))
        turn += 1
    db.session.add_all(created)
    return created


def on_duty(office_id: int, day: date) -> User | None:
    """The person on duty at the office on ``day`` (None on a working day or in a gap)."""
    return db.session.scalar(
        select(User)
        .join(DutyAssignment, DutyAssignment.user_id == User.id)
        .where(DutyAssignment.office_id == office_id, DutyAssignment.day == day)
    )


def assignments(office_ids, start: date, end: date) -> dict[tuple[int, date], DutyAssignment]:
    """The assignments of the offices in the period, by (office id, day)."""
    rows = db.session.scalars(
        select(DutyAssignment).where(
            DutyAssignment.office_id.in_(list(office_ids)),
            DutyAssignment.day >= start,
            DutyAssignment.day <= end,
        )
    )
    return {(a.office_id, a.day): a for a in rows}


def gaps(office_ids, start: date, end: date) -> list[tuple[int, date]]:
    """Every (office id, rest day) in the period with nobody on duty, by day."""
    staffed = {key for key, a in assignments(office_ids, start, end).items() if a.user_id}
    days = rest_days(start, end)
    return [(o, d) for d in days for o in sorted(office_ids) if (o, d) not in staffed]


def swap(
    assignment: DutyAssignment, *, to_user_id: int | None, reason: str, actor_id: int | None
) -> DutySwap:
    """Put another person of the office on duty that day (or nobody), recorded with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DutyError(_("请填写调班原因。"))
    if to_user_id:
        user = db.session.get(User, to_user_id)
        if user is None or user.office_id != assignment.office_id or not user.active:
            raise DutyError(_("接班人员必须是本单位在岗的工作人员。"))
    if to_user_id == assignment.user_id:
        raise DutyError(_("接班人员与原值班人员相同。"))
    record = DutySwap(
        office_id=assignment.office_id,
        day=assignment.day,
        from_user_id=assignment.user_id,
        to_user_id=to_user_id or None,
        reason=reason[:500],
        actor_id=actor_id,
    )
    assignment.user_id = to_user_id or None
    db.session.add(record)
    return record
