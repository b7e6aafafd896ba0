"""Cases of a matter: registration from the office's list (不越权; a county matter becomes an
agency case at once), closing with the fee charged (限费), and the core's case hooks.

A case of a matter is a core case with ``source_type`` "catalogue_matter" and the matter's id:
its category, and so its time limit, are the matter's.
"""

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import (
    Case,
    Role,
    User,
    close_case,
    db,
    is_enabled,
    open_case,
    permissions,
    start_agency,
    utc_now,
)
from plugins.catalogue.errors import CatalogueError
from plugins.catalogue.models import CaseFee, ServiceMatter
from plugins.catalogue.services import PLUGIN, clean_fee

SOURCE_TYPE = "catalogue_matter"
# 咨询 is answered whatever the office's list says (限时服务制度: every question is answered).
ALWAYS_ACCEPTED = frozenset({"consultation"})


def matter_of(case) -> ServiceMatter | None:
    """The matter a case was registered for, or None for cases of other origins."""
    if getattr(case, "source_type", None) != SOURCE_TYPE or not case.source_id:
        return None
    try:
        return db.session.get(ServiceMatter, int(case.source_id))
    except ValueError:
        return None


def registration_refusal(office_id: int, category: str, source_type, source_id) -> str | None:
    """不越权: the refusal of a case the office's list does not cover, else None.

    A case registered for a matter must name a listed matter of that office. A case registered
    on the core's case screen must be of a category some listed matter of the office opens,
    once the office has published its list (an office with no list yet is not held to one);
    questions (咨询) are always accepted. Cases other plugins open are theirs to judge."""
    if source_type == SOURCE_TYPE:
        matter = db.session.get(ServiceMatter, int(source_id)) if str(source_id).isdigit() else None
        if matter is None or matter.office_id != office_id or not matter.listed:
            return _("该事项不在本单位的服务事项清单中，不能越权受理。")
        return None
    if source_type is not None or category in ALWAYS_ACCEPTED:
        return None
    codes = set(
        db.session.scalars(
            select(ServiceMatter.category_code).where(
                ServiceMatter.office_id == office_id, ServiceMatter.listed.is_(True)
            )
        )
    )
    if codes and category not in codes:
        return _(
            "本单位的服务事项清单中没有这类事项，不能越权受理；请按清单登记，或告知群众到有权办理的单位。"
        )
    return None


def register_case(
    matter: ServiceMatter,
    *,
    actor_id: int | None,
    subject: str = "",
    content: str = "",
    applicant_name: str | None = None,
    applicant_phone: str | None = None,
    channel: str = "window",
) -> Case:
    """Register a case of a listed matter (its category and time limit); a matter that must go
    to the county is handed to the registering staff member as an agency case (办事代理) at
    once. The caller commits."""
    if not is_enabled(PLUGIN, matter.office_id):
        raise CatalogueError(_("本单位未启用服务四限。"))
    case = open_case(
        office_id=matter.office_id,
        category=matter.category_code,
        channel=channel,
        subject=(subject or "").strip() or matter.name,
        content=content,
        applicant_name=applicant_name,
        applicant_phone=applicant_phone,
        source_type=SOURCE_TYPE,
        source_id=str(matter.id),
        actor_id=actor_id,
    )
    db.session.flush()
    if matter.goes_to_county:
        start_agency(
            case,
            actor_id=actor_id,
            reason=_(
                "需县级部门办理，由乡镇代为办理（服务四限·限地）：%(matter)s", matter=matter.name
            ),
        )
    return case


def standard_text(matter: ServiceMatter) -> str:
    """The published standard as a message names it: 免费 or "10.00 元"."""
    return _("免费") if matter.is_free else _("%(fee)s 元", fee=matter.fee)


def may_approve(user: User | None, office_id: int) -> bool:
    """A fee reduction is approved by an active leader who oversees the office."""
    return (
        user is not None
        and user.active
        and user.role == Role.LEADER
        and permissions.may_see_office(user, office_id)
    )


def check_fee(matter: ServiceMatter, amount, *, approver: User | None, reason: str) -> Decimal:
    """The fee to record, or a refusal naming the standard: nothing on a free matter, never
    above the standard; below it (a reduction or waiver) only with a leader's approval and
    the reason."""
    fee = clean_fee(amount) or Decimal("0")
    standard = matter.fee or Decimal("0")
    if matter.is_free and fee > 0:
        raise CatalogueError(
            _(
                "本事项公布为免费，不得收费（收费标准：%(standard)s）。",
                standard=standard_text(matter),
            )
        )
    if fee > standard:
        raise CatalogueError(
            _(
                "收费 %(fee)s 元超过公布的收费标准 %(standard)s，不得收取。",
                fee=fee,
                standard=standard_text(matter),
            )
        )
    if fee < standard:
        if not may_approve(approver, matter.office_id):
            raise CatalogueError(
                _(
                    "低于收费标准（%(standard)s）的减免须经领导批准：请选择批准的领导。",
                    standard=standard_text(matter),
                )
            )
        if not (reason or "").strip():
            raise CatalogueError(_("请写明减免收费的理由。"))
    return fee


def close_with_fee(
    case: Case,
    *,
    outcome: str,
    amount,
    actor_id: int | None,
    approver_id: int | None = None,
    reason: str = "",
) -> CaseFee:
    """办结 a case of a matter and record the fee charged, after ``check_fee``: a refused fee
    leaves the case open and records nothing. The caller commits."""
    matter = matter_of(case)
    if matter is None:
        raise CatalogueError(_("该案件不是服务事项的办件。"))
    approver = db.session.get(User, approver_id) if approver_id else None
    fee = check_fee(matter, amount, approver=approver, reason=reason)
    record = CaseFee(
        office_id=case.office_id,
        case_id=case.id,
        matter_id=matter.id,
        standard=matter.fee,
        amount=fee,
        approved_by_id=approver.id if approver and fee < (matter.fee or 0) else None,
        reason=(reason or "").strip(),
        recorded_by_id=actor_id,
        recorded_at=utc_now(),
    )
    db.session.add(record)
    db.session.flush()
    close_case(case, outcome=outcome, actor_id=actor_id)
    return record


def on_case_closed(case) -> CaseFee | None:
    """A case of a matter closed on the core's case screen: no fee was entered. A free matter
    records its nothing charged; a matter with a fee is recorded as unrecorded (shown among
    the overrides on 督办). Returns the record, or None for other cases or one already
    recorded."""
    matter = matter_of(case)
    if (
        matter is None
        or db.session.scalar(select(CaseFee.id).where(CaseFee.case_id == case.id)) is not None
    ):
        return None
    record = CaseFee(
        office_id=case.office_id,
        case_id=case.id,
        matter_id=matter.id,
        standard=matter.fee,
        amount=Decimal("0"),
        unrecorded=not matter.is_free,
        reason="",
        recorded_by_id=case.handler_id,
        recorded_at=utc_now(),
    )
    db.session.add(record)
    return record
