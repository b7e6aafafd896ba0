"""Checks on what staff enter; each failure raises TrainingError with a Chinese message.

The admin screens call these before anything is written, so bad input changes nothing.
"""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.kit import Office, OfficeKind, db
from plugins.training.errors import TrainingError
from plugins.training.models import (
    AttendanceStatus,
    Group,
    LengthUnit,
    SelfStudyLog,
    SessionKind,
    Technique,
)
from plugins.training.rules import HOURS_STEP, MAX_HOURS_PER_DAY

VILLAGE_KINDS = (OfficeKind.VILLAGE, OfficeKind.COMMUNITY)
MAX_SESSION_DAYS = 31
EARLIEST_DATE = date(2000, 1, 1)


def _is_step(value: float) -> bool:
    return abs(value / HOURS_STEP - round(value / HOURS_STEP)) < 1e-9


def check_hours(hours: float | None) -> None:
    """Self-study class hours for one entry: more than 0, at most 24, in steps of 0.5."""
    if hours is None:
        raise TrainingError(_("请填写学时。"))
    if hours <= 0:
        raise TrainingError(_("学时必须大于 0（填写的是 %(h)s）。", h=hours))
    if hours > MAX_HOURS_PER_DAY:
        raise TrainingError(
            _("一天最多 24 学时，%(h)s 学时不可能在一天内完成，请分日登记。", h=hours)
        )
    if not _is_step(hours):
        raise TrainingError(_("学时以 0.5 为单位填写（例如 1.5、2）。"))


def check_day_total(person_id: int, day: date, hours: float, exclude_id: int | None = None) -> None:
    """The person's self-study on ``day``, this entry included, stays within 24 hours."""
    with db.session.no_autoflush:
        query = select(func.coalesce(func.sum(SelfStudyLog.hours), 0.0)).where(
            SelfStudyLog.person_id == person_id, SelfStudyLog.studied_on == day
        )
        if exclude_id is not None:
            query = query.where(SelfStudyLog.id != exclude_id)
        logged = float(db.session.scalar(query) or 0)
    if logged + hours > MAX_HOURS_PER_DAY:
        raise TrainingError(
            _(
                "%(day)s 已登记 %(done)s 学时，再加 %(h)s 学时将超过一天 24 小时，未保存。",
                day=day.isoformat(),
                done=logged,
                h=hours,
            )
        )


def check_past_date(day: date | None, today: date, what: str) -> None:
    """A date of something already done: present, not in the future, not absurdly old."""
    if day is None:
        raise TrainingError(_("请填写%(what)s日期。", what=what))
    if day > today:
        raise TrainingError(
            _("%(what)s日期 %(day)s 在今天之后，不能预先登记。", what=what, day=day.isoformat())
        )
    if day < EARLIEST_DATE:
        raise TrainingError(
            _("%(what)s日期 %(day)s 过早，请检查。", what=what, day=day.isoformat())
        )


def check_session(
    kind: SessionKind | str | None,
    office: Office | None,
    length_value: float | None,
    unit: LengthUnit | str | None,
    groups: list[str],
) -> None:
    """A session's kind fits its office, its length is sensible, and someone is required."""
    if not kind or not unit:
        raise TrainingError(_("请选择类型和时长单位。"))
    kind, unit = SessionKind(kind), LengthUnit(unit)
    if office is not None:
        _check_kind_fits(kind, office)
    _check_length(length_value, unit)
    if not groups:
        raise TrainingError(_("请至少选择一类应参加人员。"))
    for group in groups:
        Group(group)


def _check_kind_fits(kind: SessionKind, office: Office) -> None:
    """Village study is held by villages (communities), township training above them."""
    in_village = OfficeKind(office.kind) in VILLAGE_KINDS
    if kind == SessionKind.VILLAGE_STUDY and not in_village:
        raise TrainingError(_("村集中学习只能由村（社区）单位组织。"))
    if kind == SessionKind.TOWNSHIP_TRAINING and in_village:
        raise TrainingError(_("镇集中培训应由乡镇或镇直单位组织，村（社区）请登记为村集中学习。"))


def _check_length(length_value: float | None, unit: LengthUnit) -> None:
    """More than 0, in halves; at most 24 class hours or 31 days."""
    if length_value is None or length_value <= 0:
        raise TrainingError(_("时长必须大于 0。"))
    if not _is_step(length_value):
        raise TrainingError(_("时长以 0.5 为单位填写。"))
    if unit == LengthUnit.HOURS and length_value > MAX_HOURS_PER_DAY:
        raise TrainingError(_("按课时填写时不能超过 24 课时，多日培训请按天数填写。"))
    if unit == LengthUnit.DAYS and length_value > MAX_SESSION_DAYS:
        raise TrainingError(_("一次培训不能超过 %(n)d 天。", n=MAX_SESSION_DAYS))


def check_attendance(
    held_on: date, status: AttendanceStatus | str, reason: str | None, today: date
) -> None:
    """An attendance mark: nothing but 未登记 before the session is held; a reason for 请假."""
    status = AttendanceStatus(status)
    if held_on > today and status != AttendanceStatus.PENDING:
        raise TrainingError(
            _(
                "该培训定于 %(day)s 举行，尚未举行，不能登记出席、请假或缺席。",
                day=held_on.isoformat(),
            )
        )
    if status == AttendanceStatus.EXCUSED and not (reason or "").strip():
        raise TrainingError(_("请假须填写请假事由。"))


def check_technique_unique(person_id: int, name: str, exclude_id: int | None = None) -> None:
    """A person lists each technique once."""
    with db.session.no_autoflush:
        query = select(Technique.id).where(
            Technique.person_id == person_id, Technique.name == name.strip()
        )
        if exclude_id is not None:
            query = query.where(Technique.id != exclude_id)
        exists = db.session.scalar(query)
    if exists is not None:
        raise TrainingError(_("该人员已登记过实用技术“%(name)s”，不能重复登记。", name=name))
