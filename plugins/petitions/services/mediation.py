"""Three-level mediation (三级调处): village → township station → township.

A dispute starts at the level of the office that takes it (a village committee: village; a
station: station; otherwise township). Each level's session records when and where it was
held, who mediated, which parties came, what it came to, and — when settled — the signed
agreement (an uploaded scan or a recorded signature). Passing a dispute up creates the next
level's record, at the office chosen for it. "Not settled" ends the mediation (the parties are
pointed to arbitration or the courts); the township level cannot pass it further.
"""

from pathlib import PurePath

from flask import current_app
from flask_babel import gettext as _

from core.kit import Office, OfficeKind, db, is_enabled, utc_now
from plugins.petitions.errors import PetitionError
from plugins.petitions.models import (
    Dispute,
    DisputeStatus,
    MediationLevel,
    MediationOutcome,
    MediationSession,
    Petition,
)
from plugins.petitions.services.checks import acting_user

PLUGIN = "petitions"
AGREEMENT_TYPES = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}
DEFAULT_AGREEMENT_MAX_BYTES = 10 * 1024 * 1024


def level_for_office(office: Office) -> MediationLevel:
    """The level an office mediates at: villages and communities first, then stations."""
    if office.kind in (OfficeKind.VILLAGE, OfficeKind.COMMUNITY):
        return MediationLevel.VILLAGE
    if office.kind == OfficeKind.STATION:
        return MediationLevel.STATION
    return MediationLevel.TOWNSHIP


def open_dispute(
    *,
    office_id: int,
    title: str,
    parties: str,
    facts: str = "",
    petition_id: int | None = None,
    actor_id: int | None,
) -> Dispute:
    """Register a dispute and the first level's (pending) mediation record."""
    acting_user(actor_id, office_id, mediation=True)
    office = db.session.get(Office, int(office_id))
    if office is None or not is_enabled(PLUGIN, office.id):
        raise PetitionError(_("该单位未启用信访模块。"))
    title = (title or "").strip()
    parties = (parties or "").strip()
    if not title:
        raise PetitionError(_("请填写纠纷事由。"))
    if not parties:
        raise PetitionError(_("请填写纠纷当事人。"))
    if len(title) > 200:
        raise PetitionError(_("纠纷事由过长（最多 200 字）。"))
    petition = None
    if petition_id not in (None, ""):
        petition = db.session.get(Petition, int(petition_id))
        if petition is None or petition.office_id != office.id:
            raise PetitionError(_("找不到关联的信访事项。"))
    level = level_for_office(office)
    dispute = Dispute(
        office_id=office.id,
        title=title,
        parties=parties,
        facts=(facts or "").strip(),
        petition=petition,
        current_level=level,
        status=DisputeStatus.OPEN,
        opened_by_id=actor_id,
    )
    dispute.sessions.append(
        MediationSession(office_id=office.id, level=level, outcome=MediationOutcome.PENDING)
    )
    db.session.add(dispute)
    return dispute


def _check_agreement(filename: str, data: bytes) -> tuple[str, str]:
    name = PurePath((filename or "").replace("\\", "/")).name.strip()
    suffix = PurePath(name).suffix.lower()
    if suffix not in AGREEMENT_TYPES:
        raise PetitionError(_("调解协议只能上传 PDF、JPG 或 PNG 文件。"))
    content_type, signature = AGREEMENT_TYPES[suffix]
    if not data.startswith(signature):
        raise PetitionError(_("文件内容与扩展名 %(s)s 不符，请上传真实的协议扫描件。", s=suffix))
    limit = int(
        current_app.config.get("PETITIONS_AGREEMENT_MAX_BYTES", DEFAULT_AGREEMENT_MAX_BYTES)
    )
    if len(data) > limit:
        raise PetitionError(_("文件过大（最大 %(mb).1f MB）。", mb=limit / 1024 / 1024))
    return name[:200], content_type


def record_session(  # noqa: C901
    session: MediationSession,
    *,
    outcome: str,
    held_at,
    summary: str,
    place: str = "",
    mediators: str = "",
    parties_present: str = "",
    agreement: tuple[str, bytes] | None = None,
    signature_record: str | None = None,
    next_office_id: int | None = None,
    actor_id: int | None,
) -> MediationSession | None:
    """Record one level's mediation; returns the next level's record when passed up."""
    from core.kit import get_storage
    from plugins.petitions.services import parse_moment

    acting_user(actor_id, session.office_id, mediation=True)
    dispute = session.dispute
    if session.outcome != MediationOutcome.PENDING:
        raise PetitionError(_("该级调处已经登记了结果。"))
    try:
        result = MediationOutcome(outcome)
    except ValueError:
        raise PetitionError(_("请选择调处结果。")) from None
    if result == MediationOutcome.PENDING:
        raise PetitionError(_("请选择调处结果。"))
    moment = parse_moment(held_at, _("调处日期"))
    summary = (summary or "").strip()
    if not summary:
        raise PetitionError(_("请填写调处经过。"))
    mediators = (mediators or "").strip()
    if not mediators:
        raise PetitionError(_("请填写调解人员。"))
    signature_record = (signature_record or "").strip() or None
    stored = None
    if agreement is not None and agreement[1]:
        stored = _check_agreement(*agreement)
    if result == MediationOutcome.SETTLED and stored is None and signature_record is None:
        raise PetitionError(
            _("调解成功须有双方签字的调解协议：请上传协议扫描件，或记录当场签字情况。")
        )
    next_office = None
    if result == MediationOutcome.PASSED_UP:
        next_level = session.level.next
        if next_level is None:
            raise PetitionError(
                _(
                    "乡镇调处是最后一级，不能再移交；调解不成的，请选择“调解不成”并引导当事人"
                    "申请仲裁或提起诉讼。"
                )
            )
        target = next_office_id if next_office_id not in (None, "") else session.office_id
        next_office = db.session.get(Office, int(target))
        if next_office is None or not is_enabled(PLUGIN, next_office.id):
            raise PetitionError(_("请选择已启用信访模块的上一级调处单位。"))

    session.held_at = moment
    session.place = (place or "").strip() or None
    session.mediators = mediators
    session.parties_present = (parties_present or "").strip() or None
    session.summary = summary
    session.outcome = result
    session.recorded_by_id = actor_id
    session.recorded_at = utc_now()
    if result == MediationOutcome.SETTLED:
        if stored is not None:
            session.agreement_filename, session.agreement_content_type = stored
            session.agreement_key = get_storage().save(
                agreement[1], PurePath(stored[0]).suffix.lower()
            )
        session.signature_record = signature_record
        session.signed_at = moment
        dispute.status = DisputeStatus.SETTLED
        return None
    if result == MediationOutcome.NOT_SETTLED:
        dispute.status = DisputeStatus.NOT_SETTLED
        return None
    following = MediationSession(
        office_id=next_office.id, level=session.level.next, outcome=MediationOutcome.PENDING
    )
    dispute.sessions.append(following)
    dispute.current_level = following.level
    return following


def pending_session(dispute: Dispute) -> MediationSession | None:
    """The level's record still waiting for a result, if any."""
    pending = [s for s in dispute.sessions if s.outcome == MediationOutcome.PENDING]
    return pending[-1] if pending else None
