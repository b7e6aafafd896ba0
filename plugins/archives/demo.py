"""Demo data: a keeper and a catalogue per office with the module on, with loans in every
state — returned, out, overdue, waiting for a leader's approval — and a resident's request.

The land bureau's hall gets the records the source document opens to the public (土地利用资料
可查询制度: land use plan, supply plan, registration, change survey statistics).
"""

from datetime import timedelta

from sqlalchemy import select

from core.kit import Office, Role, User, db, is_enabled, utc_now
from plugins.archives.access import PLUGIN
from plugins.archives.models import ArchiveSettings, Retention, Security, Series
from plugins.archives.services import catalogue, lending

# (series code, series title, [(title, year, retention, security, location)])
CATALOGUE = [
    (
        "WS",
        "文书档案",
        [
            (
                "镇党委会议纪要（2025 年）",
                2025,
                Retention.PERMANENT,
                Security.RESTRICTED,
                "档案室 A 柜 1 层",
            ),
            (
                "政务公开栏公开事项登记簿",
                2025,
                Retention.YEARS_10,
                Security.PUBLIC,
                "档案室 A 柜 2 层",
            ),
            (
                "服务承诺事项办理台账",
                2025,
                Retention.YEARS_30,
                Security.INTERNAL,
                "档案室 A 柜 2 层",
            ),
        ],
    ),
    (
        "CJ",
        "满意服务政府创建活动档案",
        [
            (
                "满意服务政府创建活动实施方案",
                2025,
                Retention.PERMANENT,
                Security.PUBLIC,
                "档案室 B 柜 1 层",
            ),
            (
                "创建活动表格和台账卡页",
                2025,
                Retention.YEARS_30,
                Security.INTERNAL,
                "档案室 B 柜 1 层",
            ),
            (
                "干部考评和群众测评材料",
                2025,
                Retention.YEARS_30,
                Security.RESTRICTED,
                "档案室 B 柜 2 层",
            ),
        ],
    ),
]
LAND_CATALOGUE = [
    (
        "TD",
        "土地利用资料",
        [
            (
                "土地利用总体规划（2021—2035 年）",
                2023,
                Retention.PERMANENT,
                Security.PUBLIC,
                "资料室 1 号柜",
            ),
            ("2025 年度土地供应计划", 2025, Retention.PERMANENT, Security.PUBLIC, "资料室 1 号柜"),
            (
                "土地登记资料汇编（2024 年）",
                2024,
                Retention.PERMANENT,
                Security.PUBLIC,
                "资料室 2 号柜",
            ),
            (
                "土地变更调查统计资料（2024 年度）",
                2024,
                Retention.YEARS_30,
                Security.PUBLIC,
                "资料室 2 号柜",
            ),
            (
                "建设用地审批内部会签材料",
                2025,
                Retention.YEARS_30,
                Security.INTERNAL,
                "资料室 3 号柜",
            ),
        ],
    ),
]


def _staff(office: Office) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.office_id == office.id, User.active).order_by(User.id)
        )
    )


def _build_catalogue(office: Office, keeper: User | None, plan) -> list:
    fonds = catalogue.default_fonds(office)
    files = []
    for code, title, entries in plan:
        series = Series(office_id=office.id, fonds=fonds, code=code, title=title)
        db.session.add(series)
        db.session.flush()
        for name, year, retention, security, location in entries:
            files.append(
                catalogue.create_file(
                    series=series,
                    title=name,
                    year=year,
                    retention=retention,
                    security=security,
                    location=location,
                    actor_id=keeper.id if keeper else None,
                )
            )
    for file in files:
        catalogue.add_item(file, title=f"{file.title}（正文）", author=office.name, pages=12)
    return files


def _loans(
    office: Office, files: list, keeper: User, borrower: User | None, leader: User | None
) -> None:
    now = utc_now()
    by_security = {}
    for file in files:
        by_security.setdefault(file.security, []).append(file)
    public = by_security.get(Security.PUBLIC, [])
    internal = by_security.get(Security.INTERNAL, [])
    restricted = by_security.get(Security.RESTRICTED, [])
    if borrower is not None and internal:
        # Returned in good order.
        loan = lending.request_by_staff(
            internal[0],
            borrower.id,
            purpose="核对上年度服务承诺办结情况",
            period_days=5,
            now=now - timedelta(days=40),
        )
        lending.approve(loan, keeper.id, now=now - timedelta(days=40))
        lending.hand_out(loan, keeper.id, condition="完好，共 48 页", now=now - timedelta(days=39))
        lending.return_file(
            loan, keeper.id, condition="完好，页数无误", now=now - timedelta(days=34)
        )
        # Out now, within its period.
        loan = lending.request_by_staff(
            internal[-1],
            borrower.id,
            purpose="准备年度考核汇报材料",
            period_days=10,
            now=now - timedelta(days=2),
        )
        lending.approve(loan, keeper.id, now=now - timedelta(days=2))
        lending.hand_out(loan, keeper.id, condition="完好，共 60 页", now=now - timedelta(days=1))
    if borrower is not None and public:
        # Overdue.
        loan = lending.request_by_staff(
            public[0],
            borrower.id,
            purpose="政务公开检查备查",
            period_days=3,
            now=now - timedelta(days=21),
        )
        lending.approve(loan, keeper.id, now=now - timedelta(days=21))
        lending.hand_out(
            loan, keeper.id, condition="完好，封面轻微磨损", now=now - timedelta(days=20)
        )
    if borrower is not None and restricted and leader is not None:
        # Keeper approved; the leader's approval is still needed.
        loan = lending.request_by_staff(
            restricted[0],
            borrower.id,
            purpose="起草年度工作总结",
            period_days=3,
            now=now - timedelta(hours=5),
        )
        lending.approve(loan, keeper.id, now=now - timedelta(hours=4))
    if public:
        lending.request_by_resident(
            public[-1],
            name="王秀英",
            phone="13904715566",
            purpose="了解承包地所在地块的规划用途",
            period_days=1,
            now=now - timedelta(hours=3),
        )


def load_demo(offices: dict[str, Office]) -> None:
    """Create what is missing for each demo office that has the module on."""
    for office in offices.values():
        if not is_enabled(PLUGIN, office.id):
            continue
        # Already loaded when the office has a series of its own; series that other modules
        # filed into (source_type set) may exist before the demo runs.
        own_series = select(Series.id).where(
            Series.office_id == office.id, Series.source_type.is_(None)
        )
        if db.session.scalar(own_series.limit(1)) is not None:
            continue
        people = _staff(office)
        keeper = next((u for u in people if u.role == Role.STAFF), people[0] if people else None)
        leader = next((u for u in people if u.role == Role.LEADER), None)
        borrower = next(
            (u for u in people if u is not keeper and u is not leader and u.role != Role.AUDITOR),
            None,
        )
        settings = db.session.scalar(
            select(ArchiveSettings).where(ArchiveSettings.office_id == office.id)
        )
        if settings is None:
            db.session.add(
                ArchiveSettings(
                    office_id=office.id,
                    keeper_id=keeper.id if keeper else None,
                    max_loan_days=10,
                    reading_room=f"{office.name}档案室（工作日 9:00—11:30，14:00—17:00）",
                )
            )
            db.session.flush()
        land = office.code.startswith("GTJ")
        files = _build_catalogue(office, keeper, LAND_CATALOGUE if land else CATALOGUE)
        if keeper is not None:
            _loans(office, files, keeper, borrower, leader)
