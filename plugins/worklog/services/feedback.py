"""信息反馈: stages of the activity office and the villages' activity items per stage.

A village (an office of kind village or community with the module on) reports instructive
activity items while a stage is open; each report is one item, with its author and moment.
At a stage's end a village with fewer items than the stage's minimum (three by default) is
listed short; from ``remind_days`` working days before the end such a village is reminded.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.kit import (
    Office,
    OfficeKind,
    Role,
    User,
    db,
    local_datetime,
    local_today,
    utc_now,
    working_days_between,
)
from plugins.worklog.errors import WorklogError
from plugins.worklog.models import FeedbackReport, FeedbackStage

VILLAGE_KINDS = (OfficeKind.VILLAGE, OfficeKind.COMMUNITY)
END_OF_DAY = time(23, 59, 59, 999999)
MAX_MIN_ITEMS = 50
MAX_REMIND_DAYS = 30
FIRST_YEAR, LAST_YEAR = 2000, 2099  # inside the working-day calendar's range (2000–2100)


@dataclass
class VillageCount:
    """One village's activity items in one stage against the stage's minimum."""

    office_id: int
    office: str
    count: int
    minimum: int

    @property
    def short(self) -> bool:
        """True when the village reported fewer items than the minimum."""
        return self.count < self.minimum


def stage_end(stage: FeedbackStage) -> datetime:
    """The last moment of the stage: 24:00 of its last day, Beijing time."""
    return local_datetime(stage.ends_on, END_OF_DAY)


def check_stage(title, starts_on, ends_on, min_items, remind_days) -> None:
    """Refuse a stage without title or dates, ending before it starts, or with a minimum or a
    reminder lead outside sensible bounds."""
    if not title or not str(title).strip():
        raise WorklogError(_("请填写阶段名称。"))
    if starts_on is None or ends_on is None:
        raise WorklogError(_("请填写阶段的起止日期。"))
    if ends_on < starts_on:
        raise WorklogError(_("阶段结束日期不能早于开始日期。"))
    if starts_on.year < FIRST_YEAR or ends_on.year > LAST_YEAR:
        raise WorklogError(_("阶段日期应在 2000 年至 2099 年之间。"))
    if not isinstance(min_items, int) or not 1 <= min_items <= MAX_MIN_ITEMS:
        raise WorklogError(_("每村最少反馈条数应在 1 到 50 之间。"))
    if not isinstance(remind_days, int) or not 0 <= remind_days <= MAX_REMIND_DAYS:
        raise WorklogError(_("提前提醒的工作日数应在 0 到 30 之间。"))


def is_village(office_id: int | None) -> bool:
    """True for an office of kind village or community."""
    office = db.session.get(Office, office_id) if office_id else None
    return office is not None and office.kind in VILLAGE_KINDS


def check_report(stage: FeedbackStage | None, office_id, title, now: datetime | None = None):
    """Refuse a report without stage or title, from an office that is not a village, or
    outside the stage's dates (feedback is timely: nothing after the stage's end)."""
    if stage is None:
        raise WorklogError(_("请选择反馈阶段。"))
    if not title or not str(title).strip():
        raise WorklogError(_("请填写活动事项标题。"))
    if not is_village(office_id):
        raise WorklogError(_("信息反馈由各村（社区）填报，请选择村委会或社区。"))
    today = local_today(now)
    if today < stage.starts_on:
        raise WorklogError(_("该阶段尚未开始，不能反馈。"))
    if today > stage.ends_on:
        raise WorklogError(
            _("该阶段已于 %(day)s 结束，不能再反馈。", day=stage.ends_on.isoformat())
        )


def add_report(stage, office_id, author_id, title, content="", now=None) -> FeedbackReport:
    """Record one activity item of a village for a stage (the caller commits)."""
    check_report(stage, office_id, title, now)
    report = FeedbackReport(
        office_id=office_id,
        stage_id=stage.id,
        title=title.strip(),
        content=content or "",
        author_id=author_id,
        reported_at=now or utc_now(),
    )
    db.session.add(report)
    return report


def villages(office_ids) -> list[Office]:
    """The villages and communities among ``office_ids``, in the township's order."""
    return list(
        db.session.scalars(
            select(Office)
            .where(Office.id.in_(list(office_ids)), Office.kind.in_(VILLAGE_KINDS))
            .order_by(Office.sort_order, Office.code)
        )
    )


def counts(stage_ids, office_ids) -> dict[tuple[int, int], int]:
    """Activity items per (stage, village), one grouped query."""
    rows = db.session.execute(
        select(FeedbackReport.stage_id, FeedbackReport.office_id, func.count(FeedbackReport.id))
        .where(
            FeedbackReport.stage_id.in_(list(stage_ids)),
            FeedbackReport.office_id.in_(list(office_ids)),
        )
        .group_by(FeedbackReport.stage_id, FeedbackReport.office_id)
    )
    return {(s, o): n for s, o, n in rows}


def stage_rows(stage: FeedbackStage, office_ids) -> list[VillageCount]:
    """Every village in ``office_ids`` with its items in the stage."""
    places = villages(office_ids)
    got = counts([stage.id], [o.id for o in places])
    return [
        VillageCount(o.id, o.name, got.get((stage.id, o.id), 0), stage.min_items) for o in places
    ]


def short_villages(stage: FeedbackStage, office_ids) -> list[VillageCount]:
    """The villages below the stage's minimum."""
    return [row for row in stage_rows(stage, office_ids) if row.short]


def stages(limit: int | None = None) -> list[FeedbackStage]:
    """Stages, newest end first."""
    query = select(FeedbackStage).order_by(FeedbackStage.ends_on.desc(), FeedbackStage.id.desc())
    return list(db.session.scalars(query.limit(limit) if limit else query))


def in_reminder_window(stage: FeedbackStage, today: date) -> bool:
    """True from ``remind_days`` working days before the stage's end up to its last day."""
    if not stage.starts_on <= today <= stage.ends_on:
        return False
    try:
        return working_days_between(today, stage.ends_on) <= stage.remind_days
    except ValueError:  # an end beyond the calendar's years: far from its end
        return False


def open_stages(today: date) -> list[FeedbackStage]:
    """Stages open on ``today``."""
    return list(
        db.session.scalars(
            select(FeedbackStage).where(
                FeedbackStage.starts_on <= today, FeedbackStage.ends_on >= today
            )
        )
    )


def office_contacts(office_id: int) -> list[int]:
    """Who is reminded for a village: its office admins, else its active staff."""
    users = db.session.execute(
        select(User.id, User.role).where(User.office_id == office_id, User.active.is_(True))
    ).all()
    heads = [uid for uid, role in users if role == Role.OFFICE_ADMIN]
    return heads or [uid for uid, _role in users]
