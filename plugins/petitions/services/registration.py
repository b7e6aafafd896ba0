"""Registering a petition (a new matter opens a core case; a repeat is merged into the
original), its petitioners, corrections, and the hidden-risk level."""

from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import Office, Role, User, add_note, db, format_day, is_enabled, permissions, utc_now
from plugins.petitions import limits
from plugins.petitions.errors import PetitionError
from plugins.petitions.models import (
    Level,
    Petition,
    PetitionChannel,
    Petitioner,
    RiskLevel,
    Stage,
)
from plugins.petitions.repeats import fill_hashes, index_petition
from plugins.petitions.services.checks import (
    acting_user,
    clean_petitioner,
    is_skip_level,
    own_staff_id,
    parse_enum,
    parse_moment,
    required_text,
)
from plugins.petitions.services.stages import enter_stage, open_stage_case

PLUGIN = "petitions"
COLLECTIVE_THRESHOLD = 5  # 集体访: five or more people


def register_petition(
    *,
    office_id: int,
    channel: str,
    received_at,
    subject: str,
    demands: str = "",
    content: str = "",
    people_count: int = 1,
    petitioners: list[dict],
    level_brought_to: str = Level.TOWNSHIP.value,
    proper_level: str = Level.TOWNSHIP.value,
    hidden_risk: str = RiskLevel.NONE.value,
    risk_note: str | None = None,
    repeat_of_id: int | None = None,
    actor_id: int | None,
) -> Petition:
    """Register a letter, visit, call or online petition.

    A new matter opens a core case (receipt number, 15-day limit from receipt) and enters the
    registration stage; a repeat (``repeat_of_id``: an earlier petition of the same matter the
    staff member confirmed) is linked to the original, merged, and opens nothing new.
    """
    actor = acting_user(actor_id, office_id)
    office = db.session.get(Office, int(office_id)) if office_id is not None else None
    if office is None:
        raise PetitionError(_("找不到该单位。"))
    if not is_enabled(PLUGIN, office.id):
        raise PetitionError(_("该单位未启用信访模块。"))
    subject, demands, content = _matter(subject, demands, content)
    channel_value = parse_enum(
        PetitionChannel, channel, _("请选择信访形式（来信、来访、来电或网上信访）。")
    )
    brought = parse_enum(Level, level_brought_to, _("请选择信访人到达的层级。"))
    proper = parse_enum(Level, proper_level, _("请选择有权处理的层级。"))
    risk = parse_enum(RiskLevel, hidden_risk or RiskLevel.NONE.value, _("请选择隐患等级。"))
    received = parse_moment(received_at, _("收到日期"))
    people, count = _people(petitioners, people_count)
    original = _original(repeat_of_id, actor, office.id)

    petition = Petition(
        office_id=office.id,
        channel=channel_value,
        received_at=received,
        subject=subject,
        demands=demands,
        content=content,
        people_count=count,
        collective=count >= COLLECTIVE_THRESHOLD,
        level_brought_to=brought,
        proper_level=proper,
        skip_level=is_skip_level(brought, proper),
        hidden_risk=risk,
        risk_note=(risk_note or "").strip() or None,
        risk_set_at=utc_now() if risk != RiskLevel.NONE else None,
        risk_set_by_id=actor_id if risk != RiskLevel.NONE else None,
        registered_by_id=actor_id,
        handler_id=own_staff_id(actor, office.id),
        stage=Stage.REGISTRATION,
    )
    for person in people:
        petitioner = Petitioner(office_id=office.id, **person)
        fill_hashes(petitioner)
        petition.petitioners.append(petitioner)
    db.session.add(petition)

    if original is not None:
        _merge(petition, original)
    else:
        db.session.flush()
        case = open_stage_case(
            petition, limits.CATEGORY_PETITION, received, subject, actor_id, petition.handler_id
        )
        petition.case = case
        petition.receipt_no = case.receipt_no
        enter_stage(
            petition,
            Stage.REGISTRATION,
            start=received,
            event=_("收到信访事项"),
            actor_id=actor_id,
            limit=limits.REGISTER,
        )
        db.session.flush()
        index_petition(petition)
    if risk == RiskLevel.HIGH:
        _alert_risk(petition)
    return petition


def _matter(subject: str | None, demands: str | None, content: str | None):
    """The subject, demands and content, checked: a subject and one of the other two."""
    subject, demands, content = ((v or "").strip() for v in (subject, demands, content))
    if not subject and not demands and not content:
        raise PetitionError(_("信访事项为空：请填写事由和诉求。"))
    subject = required_text(subject, _("请填写信访事由。"), 200)
    if not demands and not content:
        raise PetitionError(_("请填写信访诉求或主要内容。"))
    if len(demands) > 5000 or len(content) > 20000:
        raise PetitionError(_("诉求或内容过长。"))
    return subject, demands, content


def _people(petitioners: list[dict] | None, people_count) -> tuple[list[dict], int]:
    """The petitioners filled in (at least one) and the number of people (not fewer)."""
    people = [
        clean_petitioner(p)
        for p in petitioners or []
        if any((p.get(k) or "").strip() for k in ("name", "phone", "id_number", "address"))
    ]
    if not people:
        raise PetitionError(_("请至少填写一名信访人。"))
    try:
        count = int(people_count)
    except (TypeError, ValueError):
        raise PetitionError(_("信访人数必须是整数。")) from None
    if count < len(people):
        raise PetitionError(
            _("信访人数（%(n)d）不能少于登记的信访人（%(m)d 人）。", n=count, m=len(people))
        )
    if count > 100000:
        raise PetitionError(_("信访人数不正确。"))
    return people, count


def _original(repeat_of_id, actor: User | None, office_id: int) -> Petition | None:
    """The first petition of the matter a repeat is linked to (same office), or None."""
    if repeat_of_id in (None, ""):
        return None
    original = db.session.get(Petition, int(repeat_of_id))
    if (
        original is None
        or (actor is not None and not permissions.may_see_office(actor, original.office_id))
        or original.office_id != office_id
    ):
        raise PetitionError(_("找不到要关联的原信访事项。"))
    while original.repeat_of is not None:
        original = original.repeat_of
    return original


def _merge(petition: Petition, original: Petition) -> None:
    """A repeat: merged into the original, which opens nothing new; its case notes it."""
    petition.repeat_of_id = original.id
    petition.repeat_of = original
    petition.stage = Stage.MERGED
    petition.closed_at = petition.received_at
    petition.receipt_no = original.receipt_no
    db.session.flush()
    if original.case is not None:
        add_note(
            original.case,
            note=_(
                "同一事项再次信访（%(channel)s，%(day)s），已并案。",
                channel=petition.channel.label,
                day=format_day(petition.received_at),
            ),
            actor_id=None,
        )


def add_petitioner(petition: Petition, data: dict, *, actor_id: int | None) -> Petitioner:
    """Add one more petitioner (e.g. a collective petition's further members)."""
    acting_user(actor_id, petition.office_id)
    person = clean_petitioner(data)
    if len(petition.petitioners) + 1 > petition.people_count:
        petition.people_count = len(petition.petitioners) + 1
        petition.collective = petition.people_count >= COLLECTIVE_THRESHOLD
    petitioner = Petitioner(office_id=petition.office_id, **person)
    fill_hashes(petitioner)
    petition.petitioners.append(petitioner)
    return petitioner


def update_registration(petition: Petition, *, actor_id: int | None, **fields) -> None:
    """Correct registration details (subject, demands, content, number of people, levels);
    the flags and the repeat index follow."""
    acting_user(actor_id, petition.office_id)
    if "subject" in fields:
        fields["subject"] = required_text(fields["subject"], _("请填写信访事由。"), 200)
    if "people_count" in fields:
        try:
            fields["people_count"] = int(fields["people_count"])
        except (TypeError, ValueError):
            raise PetitionError(_("信访人数必须是整数。")) from None
        if fields["people_count"] < max(1, len(petition.petitioners)):
            raise PetitionError(_("信访人数不能少于登记的信访人。"))
    for name in ("level_brought_to", "proper_level"):
        if name in fields:
            fields[name] = parse_enum(Level, fields[name], _("请选择层级。"))
    for name, value in fields.items():
        setattr(petition, name, value)
    refresh_flags(petition)
    if "subject" in fields:
        index_petition(petition)


def refresh_flags(petition: Petition) -> None:
    """Recompute the collective and skip-level flags from the stored values."""
    petition.collective = (petition.people_count or 0) >= COLLECTIVE_THRESHOLD
    petition.skip_level = is_skip_level(
        Level(petition.level_brought_to), Level(petition.proper_level)
    )


def set_risk(petition: Petition, *, level: str, note: str | None, actor_id: int | None) -> None:
    """排查信访隐患: staff set the hidden-risk level; a high risk alerts the leaders."""
    acting_user(actor_id, petition.office_id)
    risk = parse_enum(RiskLevel, level, _("请选择隐患等级。"))
    note = (note or "").strip() or None
    if risk in (RiskLevel.MEDIUM, RiskLevel.HIGH) and not note:
        raise PetitionError(_("中、高隐患请写明隐患情况。"))
    previous = petition.hidden_risk
    petition.hidden_risk = risk
    petition.risk_note = note
    petition.risk_set_at = utc_now()
    petition.risk_set_by_id = actor_id
    if risk == RiskLevel.HIGH and previous != RiskLevel.HIGH:
        _alert_risk(petition)


def _alert_risk(petition: Petition) -> None:
    _notify(
        [u.id for u in _leaders(petition.office_id)],
        _("信访隐患（高）：%(s)s", s=petition.subject[:60]),
        petition.risk_note or "",
        dedupe_key=f"petition:{petition.id}:risk-high:{petition.risk_set_at:%Y%m%d%H%M%S}"
        if petition.risk_set_at
        else f"petition:{petition.id}:risk-high",
    )


def _leaders(office_id: int) -> list[User]:
    office = db.session.get(Office, office_id)
    ids = [office_id] + ([a.id for a in office.ancestors()] if office else [])
    return list(
        db.session.scalars(
            select(User)
            .where(User.office_id.in_(ids), User.active, User.role == Role.LEADER)
            .order_by(User.id)
        )
    )


def _notify(user_ids, title: str, body: str, dedupe_key: str) -> None:
    from core.kit import notify

    for user_id in sorted(set(user_ids)):
        notify(user_id, title, body, url=None, dedupe_key=f"{dedupe_key}:{user_id}")
