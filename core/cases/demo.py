"""Demo cases for ``flask demo load``, modelled on the source document: the land bureau's
service hall (商品房转移登记, 房改房转让, 土地抵押登记, 更名登记, 咨询热线) and the township's
own matters (低保, 宅基地审批咨询, 12345 热线, 市长信箱, 办事代理).

Every case is made through ``core.cases.services`` as staff would make it, so its deadline,
timeline, first responder, extensions, pauses, agency records and ratings are real. The
acceptance times lie in the past (a matter registered from the paper ledger); each one is
chosen so that the case shows the colour the scenario is about — one overdue, one near its
limit, the rest within time — whatever day the demo is loaded on.

Demo cases carry ``source_type="demo"`` and a stable ``source_id``: a second run adds only
what is missing. Applicants are made up: placeholder names, 138 0000 xxxx phones and ID
numbers with the non-existent region code 000000.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from core.cases import services
from core.cases.categories import all_categories, effective_limit
from core.cases.models import Case, OfficeCategoryLimit
from core.extensions import db
from core.models import Office, User, utcnow
from core.sla import Limit, LimitUnit, compute_due

log = logging.getLogger(__name__)

SOURCE_TYPE = "demo"
LAND = "GTJ-DT"
GOVERNMENT = "SFZ-ZF"
VILLAGE = "SFZ-DQC"
COMMUNITY = "SFZ-XJSQ"
AGRI_STATION = "SFZ-NJZ"

# The land bureau's own published limits (公示), within the rulebook's caps.
OFFICE_LIMITS = [
    (
        LAND,
        "consultation",
        10,
        LimitUnit.CALENDAR_DAYS,
        "国土资源咨询热线：能当场答复的当场答复；需查阅资料或请示上级的，10 日内答复。",
    ),
    (
        LAND,
        "service",
        1,
        LimitUnit.CALENDAR_DAYS,
        "土地利用资料可查询制度：土地登记、土地利用总体规划等资料的查询当日办结，最迟次日。",
    ),
]


def applicant(n: int, name: str, with_id: bool = False) -> dict:
    """Made-up applicant details: a placeholder name, phone 138 0000 xxxx, and (for
    registrations) an ID number with the non-existent region code 000000."""
    data = {"applicant_name": name, "applicant_phone": f"1380000{n:04d}"}
    if with_id:
        data["applicant_id_number"] = f"000000{1960 + n}0101{n:03d}X"
    return data


@dataclass(frozen=True)
class DemoCase:
    """One demo matter: where and how it came in, and what has happened to it since."""

    key: str
    office: str
    category: str
    channel: str
    subject: str
    content: str
    person: dict
    responder: str  # username of the first responder (who registers it)
    days_ago: float  # roughly when it was accepted; moved until it shows ``colour``
    handler: str | None = None  # signed for at intake (None: waits to be signed for)
    steps: tuple = ()
    colour: str | None = None  # "yellow" (near the limit) or "red"; None: within time


CASES = [
    # --- 国土资源局服务大厅 (the land bureau's "822 宗报件") --------------------------------
    DemoCase(
        "gtj-01",
        LAND,
        "approval",
        "window",
        "商品房转移登记（锦绣家园 3 号楼 2 单元 501 室）",
        "买卖双方到窗口申请商品房转移登记，提交购房合同、契税完税凭证、身份证明。",
        applicant(1, "张三", True),
        "land",
        3,
        "land",
        (
            ("resolve", "已核准登记，新证已当场领取。"),
            ("rate", "very_satisfied", "一次办好，不用跑第二趟。"),
        ),
    ),
    DemoCase(
        "gtj-02",
        LAND,
        "approval",
        "window",
        "商品房转移登记（阳光小区 12 号楼 101 室）",
        "申请商品房转移登记，材料齐全，已受理审核。",
        applicant(2, "李四", True),
        "land",
        1,
        "land",
        (("note", "材料已初审，待实地核查。"),),
    ),
    DemoCase(
        "gtj-03",
        LAND,
        "approval",
        "window",
        "商品房转移登记（滨河花园 7 号楼 602 室）",
        "申请商品房转移登记；缺少契税完税凭证，已一次性告知需补正的材料。",
        applicant(3, "王五", True),
        "land",
        2,
        "land",
        (("pause", "material", "一次性告知：请补交契税完税凭证原件。"),),
    ),
    DemoCase(
        "gtj-04",
        LAND,
        "approval",
        "window",
        "房改房转让登记（粮食局家属院 2 号楼 302 室）",
        "房改房上市转让，申请转移登记。",
        applicant(4, "赵六", True),
        "land",
        4,
        "land",
        (("resolve", "已办理转移登记并发证。"), ("rate", "satisfied", "")),
    ),
    DemoCase(
        "gtj-05",
        LAND,
        "approval",
        "window",
        "土地抵押登记（农机专业合作社厂区国有建设用地使用权）",
        "合作社以厂区土地使用权向农村信用社抵押贷款，申请抵押登记；需上报市局审核。",
        applicant(5, "钱七"),
        "land",
        12,
        "land",
        (("note", "已报市局审核，尚未批复；已电话催办。"),),
        "red",
    ),
    DemoCase(
        "gtj-06",
        LAND,
        "approval",
        "window",
        "土地抵押登记（个人住宅抵押贷款）",
        "以住宅及其占用范围内的土地使用权办理抵押登记。",
        applicant(6, "孙八", True),
        "land",
        5,
        "land",
        (("note", "抵押合同已核对，待登簿。"),),
        "yellow",
    ),
    DemoCase(
        "gtj-07",
        LAND,
        "approval",
        "window",
        "个人更名登记（新街 18 号院）",
        "权利人姓名变更，申请更名登记。",
        applicant(7, "周九", True),
        "land",
        2,
        "land",
        (("resolve", "已办理更名登记。"), ("rate", "basically_satisfied", "等候时间有点长。")),
    ),
    DemoCase(
        "gtj-08",
        LAND,
        "consultation",
        "phone",
        "咨询：宅基地上自建房能否办理不动产登记",
        "群众拨打国土资源咨询热线，询问宅基地上自建房屋办理登记的条件和材料。",
        applicant(8, "吴十"),
        "land",
        1,
        "land",
        (("note", "已查阅相关规定，待与镇政府核实该户宅基地审批情况。"),),
    ),
    DemoCase(
        "gtj-09",
        LAND,
        "service",
        "visit",
        "查询本村地块在土地利用总体规划中的用途",
        "按土地利用资料可查询制度，群众来大厅查询东桥村一组地块的规划用途。",
        applicant(9, "张三丰"),
        "land",
        0.2,
        "land",
        (("resolve", "已当场查询并出具规划用途查询单。"), ("rate", "very_satisfied", "服务热情。")),
    ),
    DemoCase(
        "gtj-10",
        LAND,
        "approval",
        "online",
        "遗失补证登记（国有土地使用证遗失）",
        "网上申请补发遗失的国有土地使用证，待窗口签收。",
        applicant(10, "李小四", True),
        "land",
        0.1,
    ),
    # --- 示范镇人民政府 ------------------------------------------------------------------------
    DemoCase(
        "zf-01",
        VILLAGE,
        "approval",
        "window",
        "低保申请：家庭主要劳动力因病丧失劳动能力",
        "村民到村委会申请最低生活保障，村级初审后报镇政府审核。",
        applicant(11, "王小五", True),
        "village",
        2,
        "village",
        (
            ("note", "已入户调查，村民代表会议评议通过，村级初审同意。"),
            ("transfer", GOVERNMENT, "staff", "村级初审完成，转镇政府民政审核。"),
            ("accept", "staff", "已签收，进入镇级审核。"),
        ),
    ),
    DemoCase(
        "zf-02",
        GOVERNMENT,
        "consultation",
        "visit",
        "宅基地审批咨询：翻建旧房是否需要重新审批",
        "群众来访咨询翻建旧房的审批手续；需请示旗自然资源局。",
        applicant(12, "赵小六"),
        "staff",
        10,
        "staff",
        (("extension", 7, "需请示旗自然资源局，答复尚未收到，申请延期 7 日。"),),
    ),
    DemoCase(
        "zf-03",
        GOVERNMENT,
        "consultation",
        "phone",
        "宅基地审批咨询：分户后新申请宅基地的条件",
        "群众来电咨询分户后申请宅基地的条件和程序。",
        applicant(13, "钱小七"),
        "staff",
        8,
        "staff",
        (
            ("extension", 7, "需查阅旗里新出台的宅基地管理办法，申请延期 7 日。"),
            ("approve", "leader", "同意延期，请按期答复。"),
        ),
    ),
    DemoCase(
        "zf-04",
        GOVERNMENT,
        "service_commitment",
        "hotline_12345",
        "12345 热线：东桥村至镇区道路路灯损坏",
        "市长热线转来：东桥村至镇区道路 6 盏路灯不亮。",
        applicant(14, "孙小八"),
        "staff",
        3,
        "staff",
        (
            ("resolve", "已协调供电所更换灯具，路灯恢复照明，已电话回复群众。"),
            ("rate", "satisfied", "修得挺快。"),
        ),
    ),
    DemoCase(
        "zf-05",
        GOVERNMENT,
        "service_commitment",
        "hotline_12345",
        "12345 热线：新街社区 3 号楼冬季供暖温度不达标",
        "市长热线转来：室温只有 14 度，要求供热公司整改。",
        applicant(15, "周小九"),
        "staff",
        1,
        "staff",
        (("transfer", COMMUNITY, None, "属社区协调供热事项，转新街社区办理，首问人跟踪督促。"),),
    ),
    DemoCase(
        "zf-06",
        GOVERNMENT,
        "service_commitment",
        "mayor_mailbox",
        "市长信箱：镇区集贸市场占道经营",
        "市长信箱来信：集贸市场摊位占用道路，影响通行。涉及城管、市场监管和交警，暂无单一承办单位。",
        applicant(16, "吴小十"),
        "staff",
        2,
        "staff",
        (("escalate", "leader", "涉及多个部门，暂时无法确定承办单位，呈报分管领导协调。"),),
    ),
    DemoCase(
        "zf-07",
        GOVERNMENT,
        "service_commitment",
        "mayor_mailbox",
        "市长信箱：农村危房改造补助发放进度",
        "来信询问危房改造补助何时发放到户。",
        applicant(17, "郑十一"),
        "staff",
        6,
        "staff",
        (
            ("resolve", "已答复：补助资金待旗财政拨付，预计下月发放。"),
            ("rate", "dissatisfied", "只说等通知，没有具体时间。"),
        ),
    ),
    DemoCase(
        "zf-08",
        GOVERNMENT,
        "approval",
        "window",
        "低保复核：申请增加家庭保障人口",
        "需报旗民政局审批，当天无法办结，由接待人员代办。",
        applicant(18, "王大妈", True),
        "staff",
        3,
        "staff",
        (
            ("agency", "需报旗民政局审批，当天无法办结，由接待工作人员代办。"),
            ("deliver", "变更后的低保证和审批表已送到群众家中。"),
            ("resolve", "旗民政局已批准，增加保障人口 1 人。"),
        ),
    ),
    DemoCase(
        "zf-09",
        GOVERNMENT,
        "approval",
        "window",
        "农机购置补贴申请（玉米收获机）",
        "补贴需旗农牧局审核，由窗口工作人员代办。",
        applicant(19, "李大爷", True),
        "staff",
        4,
        "staff",
        (
            ("agency", "补贴需旗农牧局审核，由窗口工作人员代办。"),
            ("deliver", "补贴审核结果通知书已送达。"),
            ("sign_off", "leader", "代办记录属实。"),
            ("resolve", "补贴已审核通过，资金将直接打入一卡通。"),
            ("rate", "very_satisfied", "不用跑旗里，太方便了。"),
        ),
    ),
    DemoCase(
        "zf-10",
        GOVERNMENT,
        "consultation",
        "window",
        "林木采伐许可咨询：房前屋后自留树采伐",
        "群众询问采伐房前屋后自留树是否需要办理采伐许可。",
        applicant(20, "赵大哥"),
        "staff",
        0.1,
    ),
    DemoCase(
        "zf-11",
        GOVERNMENT,
        "service_commitment",
        "phone",
        "耕地地力保护补贴未到账",
        "群众来电反映今年的耕地地力保护补贴未到账。",
        applicant(21, "孙大嫂"),
        "staff",
        2,
        "staff",
        (
            (
                "notify",
                (AGRI_STATION, VILLAGE),
                "涉及农技站面积核实和村委会信息采集，知会协同办理。",
            ),
        ),
    ),
    DemoCase(
        "zf-12",
        GOVERNMENT,
        "approval",
        "visit",
        "受灾户申请临时救助",
        "暴雨致房屋部分损毁，申请临时救助。",
        applicant(22, "周大叔", True),
        "staff",
        1,
        "staff",
        (("pause", "third_party", "已请东桥村委会入户核实受灾情况，等待核实意见。"),),
    ),
    # --- 东桥村村委会 -------------------------------------------------------------------------
    DemoCase(
        "dqc-01",
        VILLAGE,
        "consultation",
        "visit",
        "宅基地审批咨询：在承包地上建房是否允许",
        "村民咨询能否在自家承包地上建房。",
        applicant(23, "吴大伯"),
        "village",
        5,
        "village",
        (
            ("resolve", "已答复：承包地属耕地，不得建房；宅基地须按程序申请审批。"),
            ("rate", "satisfied", ""),
        ),
    ),
    DemoCase(
        "dqc-02",
        VILLAGE,
        "approval",
        "window",
        "低保申请（村级初审）：独居老人",
        "独居老人申请最低生活保障，村委会入户调查中。",
        applicant(24, "郑大娘", True),
        "village",
        1,
        "village",
    ),
    DemoCase(
        "dqc-03",
        VILLAGE,
        "service",
        "hotline_12345",
        "12345 热线：村内排水沟堵塞",
        "市长热线转来：一组排水沟堵塞，雨后积水。",
        applicant(25, "王二"),
        "village",
        1,
        "village",
        (("resolve", "已组织清淤，排水恢复。"), ("rate", "very_satisfied", "")),
    ),
    DemoCase(
        "dqc-04",
        VILLAGE,
        "consultation",
        "visit",
        "果树病虫害防治技术咨询",
        "村民咨询苹果树腐烂病的防治办法，村里答复不了。",
        applicant(26, "李二"),
        "village",
        3,
        "village",
        (
            ("transfer", GOVERNMENT, "staff", "属农业技术问题，转镇政府协调农技人员答复。"),
            ("accept", "staff", None),
            ("resolve", "已请农技站技术员上门指导，并发放防治技术明白纸。"),
            ("rate", "satisfied", "技术员讲得很清楚。"),
        ),
    ),
]


def _colour_at(start: datetime, limit: Limit, now: datetime) -> str:
    due = compute_due(start, limit)
    if now > due.due_at:
        return "red"
    if now >= services.warn_moment(start, due):
        return "yellow"
    return "green"


def accepted_at_for(
    limit: Limit, days_ago: float, colours: tuple[str, ...], now: datetime
) -> datetime:
    """The acceptance time nearest to ``days_ago`` days before ``now`` at which a case with
    ``limit`` shows one of ``colours`` now (holidays and make-up days shift the answer)."""
    preferred = timedelta(days=days_ago)
    for steps in range(0, 60 * 8):  # three-hour steps, up to two months either way
        for sign in (1, -1):
            back = preferred + sign * timedelta(hours=3 * steps)
            if back < timedelta(minutes=10):
                continue
            start = now - back
            if _colour_at(start, limit, now) in colours:
                return start
    raise ValueError(f"no acceptance time gives a {colours} case with {limit}")


def _colours(demo: DemoCase) -> tuple[str, ...]:
    """The colours the case may show at intake: the scenario's own; else within time — green
    for a case still open (one day's limits are yellow from the start, so a case resolved at
    once may be yellow: it is still resolved on time)."""
    if demo.colour:
        return (demo.colour,)
    if any(step[0] == "resolve" for step in demo.steps):
        return ("green", "yellow")
    return ("green",)


# Steps naming a person: (action, position of the username).
_PERSON_AT = {"transfer": 2, "accept": 1, "approve": 1, "escalate": 1, "sign_off": 1}


def _people(demo: DemoCase) -> set[str]:
    names = {demo.responder, demo.handler}
    names |= {s[_PERSON_AT[s[0]]] for s in demo.steps if s[0] in _PERSON_AT}
    return {n for n in names if n}


def _offices(demo: DemoCase) -> set[str]:
    codes = {demo.office}
    for step in demo.steps:
        if step[0] == "transfer":
            codes.add(step[1])
        elif step[0] == "notify":
            codes.update(step[1])
    return codes


def _publish_limits(offices: dict[str, Office], created: list[str]) -> None:
    for code, category, amount, unit, note in OFFICE_LIMITS:
        office = offices.get(code)
        if office is None or category not in all_categories():
            continue
        exists = db.session.scalar(
            select(OfficeCategoryLimit.id).where(
                OfficeCategoryLimit.office_id == office.id, OfficeCategoryLimit.category == category
            )
        )
        if exists is None:
            db.session.add(
                OfficeCategoryLimit(
                    office_id=office.id,
                    category=category,
                    amount=amount,
                    unit=unit.value,
                    note=note,
                )
            )
            created.append(f"limit {code}/{category}")
    db.session.flush()


def _step_actions(case: Case, users: dict[str, User], offices: dict[str, Office]) -> dict:
    """What each demo step does, by name; its arguments come from the scenario."""
    actor = case.handler_id

    def pending_extension():
        return next(e for e in case.extensions if e.status == "requested")

    def agency(unfinished: str):
        return next(a for a in case.agencies if getattr(a, unfinished) is None)

    return {
        "note": lambda note: services.add_note(case, note=note, actor_id=actor),
        "pause": lambda reason, note: services.pause_case(
            case, reason=reason, note=note, actor_id=actor
        ),
        "transfer": lambda office_code, username, reason: services.transfer_case(
            case,
            reason=reason,
            actor_id=actor,
            to_office_id=offices[office_code].id,
            to_user_id=users[username].id if username else None,
        ),
        "accept": lambda username, note: services.accept_case(
            case, actor_id=users[username].id, note=note
        ),
        "extension": lambda amount, reason: services.request_extension(
            case, amount=amount, reason=reason, actor_id=actor
        ),
        "approve": lambda username, note: services.approve_extension(
            pending_extension(), actor_id=users[username].id, note=note
        ),
        "escalate": lambda username, reason: services.escalate_to_leader(
            case, leader_id=users[username].id, reason=reason, actor_id=actor
        ),
        "notify": lambda codes, note: services.notify_offices(
            case, office_ids=[offices[c].id for c in codes], note=note, actor_id=actor
        ),
        "agency": lambda reason: services.start_agency(case, reason=reason, actor_id=actor),
        "deliver": lambda items: services.record_delivery(
            agency("delivered_at"), delivered_at=utcnow(), items=items, actor_id=actor
        ),
        "sign_off": lambda username, note: services.sign_off_agency(
            agency("signed_off_at"), actor_id=users[username].id, note=note
        ),
        "resolve": lambda outcome: services.close_case(case, outcome=outcome, actor_id=actor),
        "rate": lambda grade, comment: services.rate_case(case, grade=grade, comment=comment),
    }


def _run_step(case: Case, step: tuple, users: dict[str, User], offices: dict[str, Office]) -> None:
    """One thing that happened to the case, done by the person who would have done it."""
    action, *args = step
    actions = _step_actions(case, users, offices)
    if action not in actions:
        raise ValueError(f"unknown demo step {action!r}")
    actions[action](*args)
    db.session.flush()


def load_demo_cases(offices: dict[str, Office]) -> list[str]:
    """Create the demo cases that are not there yet (keyed by ``source_id``); return what was
    created. Cases whose office or people are missing (renamed by an admin) are skipped."""
    created: list[str] = []
    _publish_limits(offices, created)
    existing = set(
        db.session.scalars(select(Case.source_id).where(Case.source_type == SOURCE_TYPE))
    )
    wanted = [c for c in CASES if c.key not in existing]
    if not wanted:
        return created
    usernames = {"land", "village", "staff", "leader"}
    users = {
        u.username: u
        for u in db.session.scalars(select(User).where(User.username.in_(usernames), User.active))
    }
    now = utcnow()
    for demo in wanted:
        if not (_people(demo) <= set(users) and _offices(demo) <= set(offices)):
            log.warning("demo case %s skipped: its office or staff are missing", demo.key)
            continue
        office = offices[demo.office]
        limit = effective_limit(office.id, demo.category)
        responder = users[demo.responder]
        case = services.open_case(
            office_id=office.id,
            category=demo.category,
            channel=demo.channel,
            subject=demo.subject,
            content=demo.content,
            **demo.person,
            first_responder_id=responder.id,
            handler_id=users[demo.handler].id if demo.handler else None,
            accepted_at=accepted_at_for(limit, demo.days_ago, _colours(demo), now),
            source_type=SOURCE_TYPE,
            source_id=demo.key,
            actor_id=responder.id,
        )
        db.session.flush()
        for step in demo.steps:
            _run_step(case, step, users, offices)
        created.append(f"case {demo.key}")
    return created
