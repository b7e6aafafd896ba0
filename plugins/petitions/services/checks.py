"""Checks every petition service makes before it changes anything: the acting user, texts,
dates, the stage, the petitioners' details. Each raises ``PetitionError`` (a message for the
user)."""

import re
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from core.kit import (
    User,
    db,
    format_day,
    from_local_input,
    local_day,
    normalise_id_number,
    permissions,
    utc_now,
    valid_id_number,
)
from plugins.petitions.errors import PetitionError
from plugins.petitions.models import Level, Petition, Stage

_FUTURE_SLACK = timedelta(minutes=1)


def acting_user(actor_id: int | None, office_id: int, *, mediation: bool = False) -> User | None:
    """The acting user, who must be able to change the office's petitions (or record its
    ``mediation``); None: the system."""
    if actor_id is None:
        return None
    user = db.session.get(User, int(actor_id))
    if user is None or not user.active:
        raise PetitionError(_("找不到该工作人员，或其账号已停用。"))
    if permissions.is_read_only(user):
        raise PetitionError(
            _("您的角色只能查看，不能登记调处。")
            if mediation
            else _("您的角色只能查看，不能办理信访事项。")
        )
    if not permissions.may_see_office(user, office_id):
        raise PetitionError(
            _("只能登记本单位的调处记录。") if mediation else _("只能办理本单位的信访事项。")
        )
    return user


def required_text(value: str | None, message: str, max_length: int = 5000) -> str:
    """``value`` stripped; ``message`` when empty, a length error when too long."""
    value = (value or "").strip()
    if not value:
        raise PetitionError(message)
    if len(value) > max_length:
        raise PetitionError(_("内容过长（最多 %(n)d 个字）。", n=max_length))
    return value


def parse_moment(
    value, what: str, *, not_before: datetime | None = None, not_before_label: str = ""
) -> datetime:
    """A date or time from a form or a caller as aware UTC (naive values are local time).

    Raises PetitionError when it is missing, in the future, or on a day before
    ``not_before``.
    """
    if value is None or value == "":
        raise PetitionError(_("请填写%(what)s。", what=what))
    if not isinstance(value, date):
        raise PetitionError(_("%(what)s格式不正确。", what=what))
    moment = from_local_input(value)
    if moment > utc_now() + _FUTURE_SLACK:
        raise PetitionError(_("%(what)s不能晚于当前时间。", what=what))
    if moment.year < 2000:
        raise PetitionError(_("%(what)s不正确。", what=what))
    if not_before is not None and local_day(moment) < local_day(not_before):
        raise PetitionError(
            _(
                "%(what)s不能早于%(event)s（%(day)s）。",
                what=what,
                event=not_before_label,
                day=format_day(not_before),
            )
        )
    return moment


def not_terminated(petition: Petition) -> None:
    """Refuse anything on a matter ended by its re-review."""
    if petition.stage == Stage.TERMINATED:
        raise PetitionError(_("该信访事项已经复核终结，复核意见为终结意见，不再受理。"))


def in_stage(petition: Petition, *allowed: Stage, message: str | None = None) -> None:
    """Refuse unless the petition is in one of the ``allowed`` stages."""
    not_terminated(petition)
    if petition.stage not in allowed:
        raise PetitionError(
            message
            or _("该信访事项当前处于“%(stage)s”阶段，不能进行此操作。", stage=petition.stage.label)
        )


def clean_petitioner(data: dict) -> dict:
    """Check one petitioner's fields; returns them cleaned (raises PetitionError)."""
    name = (data.get("name") or "").strip()
    if not name:
        raise PetitionError(_("请填写信访人姓名。"))
    if len(name) > 64:
        raise PetitionError(_("信访人姓名过长。"))
    phone = (data.get("phone") or "").strip() or None
    if phone is not None:
        digits = re.sub(r"\D", "", phone)
        if not re.fullmatch(r"[\d\s()+\-]+", phone) or not 7 <= len(digits) <= 20:
            raise PetitionError(_("联系电话“%(p)s”格式不正确。", p=phone[:20]))
    id_number = normalise_id_number(data.get("id_number"))
    if id_number is not None and not valid_id_number(id_number):
        raise PetitionError(_("身份证号码格式不正确（18 位，最后一位为数字或 X，校验位须正确）。"))
    address = (data.get("address") or "").strip() or None
    if address and len(address) > 200:
        raise PetitionError(_("住址过长。"))
    return {
        "name": name,
        "phone": phone,
        "id_number": id_number,
        "address": address,
        "is_representative": bool(data.get("is_representative")),
    }


def parse_enum(enum_cls, value, message: str):
    """``enum_cls(value)``, or ``message`` as a PetitionError."""
    try:
        return enum_cls(value)
    except ValueError:
        raise PetitionError(message) from None


def is_skip_level(brought_to: Level, proper: Level) -> bool:
    """越级: brought above the level with authority and the one above it (the regulations let
    a petitioner go to the competent organ or the next level up)."""
    return brought_to.rank > proper.rank + 1


def own_staff_id(actor: User | None, office_id: int) -> int | None:
    """The acting user's id when they work in the office (they then handle its case)."""
    return actor.id if actor is not None and actor.office_id == office_id else None
