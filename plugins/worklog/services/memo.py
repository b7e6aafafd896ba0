"""工作备忘: important service matters and reports to the city bureau or the province, each
with its responsible person, assigned day and time limit.

The limit is counted by the core's deadline engine from the assigned day (that day not
counted; working days on the official calendar), and the item takes the supervision colour
every screen uses: green, yellow near the end, red once the limit has passed, closed when
done. Progress notes come from anyone working on it, supervision notes from the leaders.
"""

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.kit import Limit, Role, colour, compute_due, db, local_today, utc_now
from plugins.worklog.errors import WorklogError
from plugins.worklog.models import MemoItem, MemoNote

KINDS = {
    "service": _l("重要服务事项"),
    "city": _l("上报市局"),
    "province": _l("上报省里"),
}
UNITS = {"working_days": _l("个工作日"), "calendar_days": _l("日"), "months": _l("个月")}
NOTE_KINDS = {"progress": _l("进展"), "supervision": _l("督办")}
SUPERVISOR_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN, Role.LEADER})
MAX_NOTE = 2000


def limit_of(amount, unit) -> Limit:
    """The item's limit, refused with a Chinese message when it is not a valid one."""
    if unit not in UNITS:
        raise WorklogError(_("请选择期限单位。"))
    try:
        return Limit(int(amount), unit)
    except (TypeError, ValueError) as exc:
        raise WorklogError(_("请填写有效的办理时限：%(why)s", why=str(exc))) from None


def due_for(assigned_on: date, amount, unit) -> datetime:
    """When an item assigned on ``assigned_on`` with this limit is due (UTC)."""
    if assigned_on is None:
        raise WorklogError(_("请填写交办日期。"))
    try:
        return compute_due(assigned_on, limit_of(amount, unit)).due_at_utc
    except ValueError as exc:  # a date outside the calendar's range
        raise WorklogError(str(exc)) from None


def check_item(item: MemoItem) -> None:
    """Refuse an item without content or kind, or done before it was assigned; set its due
    moment from the limit."""
    if not item.content or not item.content.strip():
        raise WorklogError(_("请填写备忘事项内容。"))
    if item.kind not in KINDS:
        raise WorklogError(_("请选择备忘事项类别。"))
    if item.done_on is not None and item.assigned_on and item.done_on < item.assigned_on:
        raise WorklogError(_("办结日期不能早于交办日期。"))
    if item.done_on is not None and item.done_on > local_today():
        raise WorklogError(_("办结日期不能晚于今天。"))
    item.due_at = due_for(item.assigned_on, item.limit_amount, item.limit_unit)


def item_colour(item: MemoItem, now: datetime | None = None) -> str:
    """ "closed" once done, else the supervision colour of the limit (``item``: a memo item,
    or any row with its ``assigned_on``, ``due_at`` and ``done_on``)."""
    if item.done_on is not None:
        return "closed"
    if item.due_at is None:
        return "green"
    return colour(now or utc_now(), item.assigned_on, item.due_at).value


def add_note(item: MemoItem, user, kind: str, body: str) -> MemoNote:
    """Add a progress or (by a leader, office head or township admin) supervision note."""
    if kind not in NOTE_KINDS:
        raise WorklogError(_("请选择记录类别。"))
    if kind == "supervision" and user.role not in SUPERVISOR_ROLES:
        raise WorklogError(_("督办意见只能由领导或单位负责人填写。"))
    body = (body or "").strip()
    if not body:
        raise WorklogError(_("请填写记录内容。"))
    if len(body) > MAX_NOTE:
        raise WorklogError(_("记录内容不能超过 2000 字。"))
    note = MemoNote(memo=item, kind=kind, body=body, author_id=user.id)
    db.session.add(note)
    return note


def finish(item: MemoItem, done_on: date | None = None) -> MemoItem:
    """Mark the item done (today by default)."""
    if item.done_on is not None:
        raise WorklogError(_("该事项已办结。"))
    day = done_on or local_today()
    if day < item.assigned_on:
        raise WorklogError(_("办结日期不能早于交办日期。"))
    item.done_on = day
    return item


def office_items(office_id: int) -> list[MemoItem]:
    """The office's memo items for the printed sheet: open ones first, by due moment."""
    items = db.session.scalars(
        select(MemoItem)
        .where(MemoItem.office_id == office_id)
        .order_by(MemoItem.done_on.is_not(None), MemoItem.due_at, MemoItem.id)
    )
    return list(items)
