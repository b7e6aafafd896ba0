"""Registering a matter (统一接件) and adding to its file: edits, progress notes, attachments."""

import hashlib
from datetime import datetime

from sqlalchemy import select

from core import permissions
from core.cases import receipts
from core.cases.categories import all_categories, effective_limit
from core.cases.models import Case, CaseAttachment, CaseEvent, CaseStatus, Channel
from core.cases.services.access import _require_act, may_view
from core.cases.services.common import (
    _FUTURE_SLACK,
    CaseError,
    _check_version,
    _config,
    _event,
    _office,
    _text,
    _user,
    t,
)
from core.cases.services.deadlines import _apply_due
from core.extensions import db
from core.models import Office, Role, User, utcnow
from core.sla import compute_due
from core.time import as_utc

# Attachments: what a case file may hold, recognised by content as well as by name.
ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".ofd": ("application/ofd", (b"PK\x03\x04",)),
}
DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def new_receipt_no() -> str:
    """A random receipt number not yet used."""
    for _attempt in range(20):
        candidate = receipts.new_receipt()
        if db.session.scalar(select(Case.id).where(Case.receipt_no == candidate)) is None:
            if all(getattr(o, "receipt_no", None) != candidate for o in db.session.new):
                return candidate
    raise RuntimeError("could not draw an unused receipt number")


# --- intake ------------------------------------------------------------------------------


def _channel(value) -> Channel:
    try:
        return Channel(value)
    except ValueError:
        raise CaseError(t("未知的受理渠道：%(channel)s", channel=value)) from None


def _check_registrar(actor: User | None, office: Office) -> None:
    """Staff register matters for their own office (township admins for any)."""
    if actor is None:
        return
    if permissions.is_read_only(actor):
        raise CaseError(t("您的角色只能查看，不能登记案件。"))
    if actor.role != Role.TOWNSHIP_ADMIN and actor.office_id != office.id:
        raise CaseError(t("只能为本单位登记案件。"))


def _check_applicant(name: str | None, phone: str | None, id_number: str | None) -> None:
    for value, longest in ((phone, 32), (id_number, 32), (name, 64)):
        if value and len(value.strip()) > longest:
            raise CaseError(t("申请人信息过长。"))


def _accepted_moment(accepted_at: datetime | None, now: datetime) -> datetime:
    accepted = as_utc(accepted_at) if accepted_at is not None else now
    if accepted > now + _FUTURE_SLACK:
        raise CaseError(t("受理时间不能晚于当前时间。"))
    return accepted


def _check_registration(office: Office, category: str, source_type, source_id) -> None:
    """Ask the plugins switched on at the office whether they refuse this registration (the
    ``case_registration_refusal`` hook); the first refusal is raised as a ``CaseError``."""
    from core.modules import enabled_plugins
    from core.plugins import get_registry

    names = enabled_plugins(office.id)
    if not names:
        return
    for _plugin, refusal in get_registry().call_for(
        "case_registration_refusal",
        names,
        office_id=office.id,
        category=category,
        source_type=source_type,
        source_id=None if source_id is None else str(source_id),
    ):
        raise CaseError(str(refusal))


def open_case(
    *,
    office_id: int,
    category: str,
    channel: str,
    subject: str,
    content: str = "",
    applicant_name: str | None = None,
    applicant_phone: str | None = None,
    applicant_id_number: str | None = None,
    first_responder_id: int | None = None,
    handler_id: int | None = None,
    accepted_at: datetime | None = None,
    source_type: str | None = None,
    source_id: str | None = None,
    actor_id: int | None = None,
) -> Case:
    """Register a matter (统一接件): compute its deadline with ``core.sla``, give it a receipt
    number, record the first responder (for life) and the first timeline event.

    The first responder defaults to the acting user. Asks the ``case_registration_refusal``
    hook first and calls the ``case_opened`` hook. The caller commits.
    """
    from core.plugins import get_registry

    actor = _user(actor_id)
    office = _office(office_id)
    _check_registrar(actor, office)
    if category not in all_categories():
        raise CaseError(t("未知的事项类别：%(code)s", code=category))
    _check_registration(office, category, source_type, source_id)
    channel_value = _channel(channel)
    subject = _text(subject, t("请填写事由。"), 200)
    now = utcnow()
    accepted = _accepted_moment(accepted_at, now)
    responder = _user(first_responder_id) if first_responder_id else actor
    handler = _user(handler_id)
    if handler is not None and handler.office_id != office.id and handler.role != Role.LEADER:
        raise CaseError(t("承办人必须是本单位的工作人员。"))
    _check_applicant(applicant_name, applicant_phone, applicant_id_number)
    try:
        limit = effective_limit(office.id, category)
    except ValueError as exc:
        raise CaseError(str(exc)) from None

    case = Case(
        receipt_no=new_receipt_no(),
        office_id=office.id,
        first_office_id=office.id,
        category=category,
        channel=channel_value,
        subject=subject,
        content=(content or "").strip(),
        applicant_name=(applicant_name or "").strip() or None,
        applicant_phone=(applicant_phone or "").strip() or None,
        applicant_id_number=(applicant_id_number or "").strip().upper() or None,
        status=CaseStatus.IN_PROGRESS if handler else CaseStatus.OPEN,
        accepted_at=accepted,
        limit_amount=limit.amount,
        limit_unit=limit.unit.value,
        extra_amount=0,
        handler_id=handler.id if handler else None,
        first_responder_id=responder.id if responder else None,
        source_type=source_type,
        source_id=None if source_id is None else str(source_id),
    )
    _apply_due(case, compute_due(accepted, limit))
    case.swept_colour = case.colour(now).value
    db.session.add(case)
    _event(
        case,
        "opened",
        actor,
        t("受理：%(limit)s，%(channel)s", limit=limit.describe(), channel=channel_value.label),
        to_office_id=office.id,
        to_user_id=case.handler_id,
        data={"first_responder_id": case.first_responder_id},
    )
    get_registry().call_each("case_opened", case=case)
    return case


def edit_case(case: Case, *, actor_id: int | None, expected_version=None, **fields) -> list[str]:
    """Change the registration details (subject, content, channel, applicant); returns the
    names of the fields that changed. Category, office, dates and people change only through
    their own transitions."""
    actor = _user(actor_id)
    _check_version(case, expected_version)
    _require_act(actor, case)
    allowed = {
        "subject",
        "content",
        "channel",
        "applicant_name",
        "applicant_phone",
        "applicant_id_number",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise CaseError(t("这些字段不能在此修改：%(f)s", f="、".join(sorted(unknown))))
    values = {}
    for name, value in fields.items():
        if name == "subject":
            value = _text(value, t("请填写事由。"), 200)
        elif name == "channel":
            value = _channel(value)
        else:
            value = (value or "").strip() or (None if name.startswith("applicant") else "")
            if name.startswith("applicant") and value and len(value) > 64:
                raise CaseError(t("申请人信息过长。"))
        values[name] = value
    changed = [n for n, v in values.items() if getattr(case, n) != v]
    if not changed:
        return []
    for name in changed:
        setattr(case, name, values[name])
    _event(case, "edited", actor, t("修改登记信息"), data={"fields": changed})
    return changed


def add_note(case: Case, *, note: str, actor_id: int | None) -> CaseEvent:
    """A progress note on the timeline; the first responder may add one too (跟踪督促)."""
    actor = _user(actor_id)
    if actor is not None and (permissions.is_read_only(actor) or not may_view(actor, case)):
        raise CaseError(t("您不能在该案件上记录进展。"))
    return _event(case, "note", actor, _text(note, t("请填写进展说明。"), 2000))


def add_attachment(
    case: Case, *, filename: str, data: bytes, actor_id: int | None
) -> CaseAttachment:
    """Attach a file after checking its type (by name and content) and size."""
    from pathlib import PurePath

    from core.storage import get_storage

    actor = _user(actor_id)
    if actor is not None and (permissions.is_read_only(actor) or not may_view(actor, case)):
        raise CaseError(t("您不能为该案件上传附件。"))
    name = PurePath((filename or "").replace("\\", "/")).name.strip()
    if not name or not data:
        raise CaseError(t("请选择要上传的文件。"))
    suffix = PurePath(name).suffix.lower()
    allowed = ", ".join(sorted({s.lstrip(".") for s in ATTACHMENT_TYPES}))
    if suffix not in ATTACHMENT_TYPES:
        raise CaseError(
            t("不支持该文件类型（%(s)s）。可上传：%(allowed)s。", s=suffix or name, allowed=allowed)
        )
    content_type, signatures = ATTACHMENT_TYPES[suffix]
    if not data.startswith(signatures):
        raise CaseError(t("文件内容与扩展名 %(s)s 不符，请上传真实的文件。", s=suffix))
    limit = int(_config("CASE_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES))
    if len(data) > limit:
        raise CaseError(t("文件过大（最大 %(mb).1f MB）。", mb=limit / 1024 / 1024))
    key = get_storage().save(data, suffix)
    attachment = CaseAttachment(
        case_id=case.id,
        filename=name[:200],
        storage_key=key,
        content_type=content_type,
        size=len(data),
        uploaded_by_id=actor.id if actor else None,
        uploaded_at=utcnow(),
    )
    case.attachments.append(attachment)
    _event(
        case,
        "attachment_added",
        actor,
        name[:200],
        data={"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)},
    )
    return attachment
