"""工作日志: the daily work log of cadres sent to villages and the township's check.

A cadre on the roster (``LogCadre``) keeps one log per working day; the supervision screen
shows, per cadre and month, the working days (the core's official calendar decides; rest days
never count) before today with and without a log. A leader's check of a log is recorded.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import Office, Role, User, db, is_working_day, local_today, utc_now
from plugins.worklog.errors import WorklogError
from plugins.worklog.models import LogCadre, WorkLog

FIRST_LOG_YEAR = 2000  # the working-day calendar starts in 2000
CHECK_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN, Role.LEADER})


@dataclass
class CadreMonth:
    """One cadre's month: working days due, those with a log, the checked logs."""

    user_id: int
    person: str
    office: str
    due: list[date] = field(default_factory=list)
    logged: set[date] = field(default_factory=set)
    checked: int = 0

    @property
    def with_log(self) -> int:
        """Working days due with a log."""
        return sum(1 for d in self.due if d in self.logged)

    @property
    def missing(self) -> list[date]:
        """Working days due without a log."""
        return [d for d in self.due if d not in self.logged]


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day of ``month``'s month."""
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def working_days(start: date, end: date) -> list[date]:
    """The working days from ``start`` to ``end`` (both included) on the official calendar."""
    days, day = [], start
    while day <= end:
        if is_working_day(day)[0]:
            days.append(day)
        day += timedelta(days=1)
    return days


def check_log(log: WorkLog, today: date | None = None) -> None:
    """Refuse a log without day or content, for a future day, or a second log of a day."""
    today = today or local_today()
    if log.day is None:
        raise WorklogError(_("请填写日志日期。"))
    if log.day > today:
        raise WorklogError(_("不能填写今天以后的工作日志。"))
    if log.day.year < FIRST_LOG_YEAR:
        raise WorklogError(_("日志日期有误。"))
    if not log.content or not log.content.strip():
        raise WorklogError(_("请填写当天工作内容。"))
    query = select(WorkLog.id).where(WorkLog.user_id == log.user_id, WorkLog.day == log.day)
    if log.id is not None:
        query = query.where(WorkLog.id != log.id)
    with db.session.no_autoflush:
        if db.session.scalar(query) is not None:
            raise WorklogError(
                _("%(day)s 的工作日志已填写，请修改原日志。", day=log.day.isoformat())
            )


def check_by_leader(log: WorkLog, user, note: str | None) -> WorkLog:
    """Record a leader's check of a log (once)."""
    if user.role not in CHECK_ROLES:
        raise WorklogError(_("只有领导或单位负责人可以审阅工作日志。"))
    if log.checked_at is not None:
        raise WorklogError(_("该日志已审阅。"))
    if log.user_id == user.id:
        raise WorklogError(_("不能审阅本人的工作日志。"))
    note = (note or "").strip()
    if len(note) > 500:
        raise WorklogError(_("审阅意见不能超过 500 字。"))
    log.checked_by_id, log.checked_at, log.check_note = user.id, utc_now(), note or None
    return log


def _roster(office_ids) -> list[tuple]:
    """(user id, name, office name, starts_on, ends_on) of the roster, in one query."""
    return db.session.execute(
        select(
            LogCadre.user_id, User.display_name, Office.name, LogCadre.starts_on, LogCadre.ends_on
        )
        .join(User, User.id == LogCadre.user_id)
        .join(Office, Office.id == LogCadre.office_id)
        .where(LogCadre.office_id.in_(list(office_ids)))
        .order_by(Office.sort_order, Office.code, User.display_name)
    ).all()


def month_figures(office_ids, month: date, today: date | None = None) -> list[CadreMonth]:
    """Per cadre on the roster of ``office_ids``: the month's working days before ``today``
    (today is not over yet) within the posting, and the days among them with a log (two
    queries)."""
    today = today or local_today()
    first, last = month_bounds(month)
    last = min(last, today - timedelta(days=1))
    days = working_days(first, last) if first <= last else []
    rows: dict[int, CadreMonth] = {}
    for user_id, person, office, starts_on, ends_on in _roster(office_ids):
        until = min(last, ends_on) if ends_on else last
        row = rows.setdefault(user_id, CadreMonth(user_id, person, office))
        row.due = sorted(set(row.due) | {d for d in days if starts_on <= d <= until})
    if not rows or first > last:
        return list(rows.values())
    logs = db.session.execute(
        select(WorkLog.user_id, WorkLog.day, WorkLog.checked_at).where(
            WorkLog.user_id.in_(list(rows)), WorkLog.day >= first, WorkLog.day <= last
        )
    )
    for user_id, day, checked_at in logs:
        rows[user_id].logged.add(day)
        rows[user_id].checked += checked_at is not None
    return list(rows.values())
