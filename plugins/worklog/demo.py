"""Demo data: the government office's feedback stages (one ended, one open) with the villages'
activity items — 新街社区 short at the ended stage — memo items (one past its limit), and two
cadres' work logs of the last working days, one checked by the township head."""

from datetime import time, timedelta

from sqlalchemy import select

from core.kit import User, db, local_datetime, local_today
from plugins.worklog.models import FeedbackReport, FeedbackStage, LogCadre, MemoItem, WorkLog
from plugins.worklog.services import logs, memo

ITEMS = {
    "SFZ-DQC": ["组织种植大户参加温室大棚技术培训", "开展秋季防火巡查", "帮助三户办理新农合缴费"],
    "SFZ-XJSQ": ["社区志愿者入户走访独居老人", "开展垃圾分类宣传"],
}
MEMOS = [
    ("service", "落实东桥村饮水安全工程收尾工作", 10),
    ("city", "向市农业局报送秋粮产量统计表", 3),
    ("province", "上报省里乡村振兴示范点申报材料", 15),
]
LOG_TEXT = ["走访农户，了解春耕备耕情况", "协助村委会整理低保申报材料", "参加村两委会议"]


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def load_demo(offices) -> None:
    """Create the demo rows once (nothing when a stage exists already)."""
    government = offices.get("SFZ-ZF")
    if government is None or db.session.scalar(select(FeedbackStage.id).limit(1)):
        return
    today = local_today()
    past = FeedbackStage(
        office_id=government.id,
        title="第一阶段：秋收秋种",
        starts_on=today - timedelta(days=60),
        ends_on=today - timedelta(days=31),
    )
    current = FeedbackStage(
        office_id=government.id,
        title="第二阶段：冬季服务",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=5),
    )
    db.session.add_all([past, current])
    _reports(offices, past, current)
    _memos(government)
    _logs(offices, today)


def _reports(offices, past, current) -> None:
    author = _user("village")  # 东桥村's secretary; the community has no demo user
    for code, titles in ITEMS.items():
        office = offices.get(code)
        if office is None:
            continue
        for stage in (past, current):
            for n, title in enumerate(titles[: 3 if stage is past else 2]):
                day = stage.starts_on + timedelta(days=3 + n * 5)
                db.session.add(
                    FeedbackReport(
                        office_id=office.id,
                        stage=stage,
                        title=title,
                        content=f"{title}，群众反映良好。",
                        author_id=author.id if author and code == "SFZ-DQC" else None,
                        reported_at=local_datetime(day, time(10, 0)),
                    )
                )


def _memos(government) -> None:
    staff = _user("staff")
    today = local_today()
    for n, (kind, content, days) in enumerate(MEMOS):
        assigned = today - timedelta(days=[20, 2, 5][n])
        item = MemoItem(
            office_id=government.id,
            kind=kind,
            content=content,
            responsible_id=staff.id if staff else None,
            assigned_on=assigned,
            limit_amount=days,
            limit_unit="working_days",
        )
        item.due_at = memo.due_for(assigned, days, "working_days")
        db.session.add(item)


def _logs(offices, today) -> None:
    village, leader = _user("village"), _user("leader")
    office = offices.get("SFZ-DQC")
    if village is None or office is None:
        return
    db.session.add(
        LogCadre(office_id=office.id, user_id=village.id, starts_on=today - timedelta(days=40))
    )
    days = logs.working_days(today - timedelta(days=20), today - timedelta(days=1))
    for n, day in enumerate(days):
        if n % 6 == 5:
            continue  # a few days without a log, for the supervision screen
        entry = WorkLog(
            office_id=office.id,
            user_id=village.id,
            day=day,
            place="东桥村",
            content=LOG_TEXT[n % len(LOG_TEXT)],
            case_ref=None,
        )
        if leader is not None and n == 0:
            logs.check_by_leader(entry, leader, "情况属实")
        db.session.add(entry)
