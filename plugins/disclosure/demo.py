"""Demo data: the township government's board — the 2026 farmland subsidy standard, the
homestead approval guide with conditions, procedure, time limit and fees, and who answers
for it — one answered and one open topic; a village's finance statement. Only what is
missing is created (an office that has any item is left alone)."""

from sqlalchemy import select

from core.kit import Office, OfficeKind, Role, User, db, is_enabled
from plugins.disclosure import services
from plugins.disclosure.models import DisclosureItem, DisclosureTopic, ItemCategory, Stage
from plugins.disclosure.services import PLUGIN

SUBSIDY = (
    "2026 年耕地地力保护补贴发放标准",
    ItemCategory.VILLAGE_AFFAIRS,
    Stage.BEFORE,
    """\
**补贴对象**：拥有耕地承包权的种地农民。

**补贴标准**：每亩 105 元，按二轮承包面积计算。

**发放方式**：通过“一卡通”直接发放到户，6 月 30 日前发放完毕。

**公示**：补贴面积和金额在各村公开栏公示 7 天，有异议的向村委会或镇农业技术推广站反映。""",
)

HOMESTEAD = (
    "农村宅基地审批办事指南",
    ItemCategory.PROCEDURE,
    None,
    """\
**申请条件**：本村集体经济组织成员，一户只能拥有一处宅基地，面积不超过规定标准。

**办理程序**：
1. 农户向村民小组提出书面申请；
2. 村民小组会议讨论，结果在本小组公示 5 天；
3. 村委会审查后报镇政府；
4. 镇政府组织审核，符合条件的予以批准，发放《农村宅基地批准书》。

**办理时限**：镇政府受理后 20 个工作日内办结。

**收费标准**：不收取任何费用。

**承办人员**：镇政府综合服务窗口李干事，办公电话 0471-5550102。""",
)

LIABILITY = (
    "承办人员与违诺责任",
    ItemCategory.STAFF_LIABILITY,
    None,
    """\
承办人员未按承诺时限办结、推诿扯皮的，由镇纪委按《服务承诺制度》追究责任：\
第一次诫勉谈话，第二次通报批评，第三次调离工作岗位。群众可向镇纪委（电话 0471-5550103）投诉。""",
)

VILLAGE_FINANCE = (
    "2026 年第三季度村级财务收支明细",
    ItemCategory.FINANCE,
    Stage.AFTER,
    """\
| 项目 | 金额（元） |
|---|---|
| 上级转移支付收入 | 120,000 |
| 集体土地发包收入 | 46,500 |
| 村干部报酬支出 | 54,000 |
| 道路维修支出 | 38,200 |""",
)


def _staff_of(office: Office) -> User | None:
    return db.session.scalar(
        select(User)
        .where(User.office_id == office.id, User.active, User.role != Role.AUDITOR)
        .order_by(User.id)
    )


def _publish(office: Office, entry, actor) -> DisclosureItem:
    title, category, stage, body = entry
    item = services.create_item(
        office.id, category=category, stage=stage, title=title, body=body, actor_id=None
    )
    item.created_by_id = actor.id if actor else None
    db.session.flush()
    services.publish_item(item, actor_id=None)
    return item


def load_demo(offices: dict[str, Office]) -> None:
    """Create what is missing for each demo office that has the module on."""
    for office in offices.values():
        if not is_enabled(PLUGIN, office.id):
            continue
        if (
            db.session.scalar(
                select(DisclosureItem.id).where(DisclosureItem.office_id == office.id).limit(1)
            )
            is not None
        ):
            continue
        actor = _staff_of(office)
        if office.kind == OfficeKind.GOVERNMENT:
            _publish(office, SUBSIDY, actor)
            _publish(office, HOMESTEAD, actor)
            _publish(office, LIABILITY, actor)
            _topics(office)
        elif office.kind in (OfficeKind.VILLAGE, OfficeKind.COMMUNITY):
            _publish(office, VILLAGE_FINANCE, actor)


def _topics(office: Office) -> None:
    """One topic answered with a new item, one still open."""
    if (
        db.session.scalar(
            select(DisclosureTopic.id).where(DisclosureTopic.office_id == office.id).limit(1)
        )
        is not None
    ):
        return
    services.request_topic(
        office,
        topic="今年村村通道路硬化工程的资金来源和施工单位",
        details="想知道工程预算、资金来源、施工单位和完工时间。",
        name="王秀英",
        phone="13904715566",
    )
    db.session.flush()
    answered = db.session.scalar(
        select(DisclosureTopic)
        .where(DisclosureTopic.office_id == office.id)
        .order_by(DisclosureTopic.id.desc())
    )
    services.answer_topic(
        answered,
        actor_id=None,
        category=ItemCategory.RESULTS,
        stage=Stage.DURING,
        title="2026 年村村通道路硬化工程进展情况",
        body="工程总投资 180 万元，其中省级补助 120 万元、县级配套 60 万元；施工单位经公开招标确定；"
        "目前已完成 6.5 公里，计划 11 月底完工。",
    )
    services.request_topic(
        office,
        topic="2026 年农村低保名单和保障标准",
        details=None,
        name="赵德明",
        phone="13604710022",
    )
