"""Demo data: the government office's plan for this year (monthly, market prices and farming
techniques), collected items made into products, the releases made so far (the latest
planned one left unreleased, so it shows red), and one village product on a blackboard."""

from datetime import timedelta

from sqlalchemy import select

from core.kit import db, local_today
from plugins.bulletins import services
from plugins.bulletins.models import CollectedItem, InfoProduct, Kind, Medium, ReleasePlan

ITEMS = [
    (
        Kind.MARKET,
        "本周生猪、玉米收购价格",
        Medium.INTERNET,
        "全国农产品批发市场价格信息网",
        "外三元生猪出栏价每公斤 15.6 元，较上周上涨 0.4 元；玉米（14% 水分）收购价每公斤 2.32 元。",
        14,
    ),
    (
        Kind.MARKET,
        "县城蔬菜批发市场行情",
        Medium.RADIO,
        "县人民广播电台《三农热线》",
        "大白菜每公斤 1.1 元，土豆每公斤 2.0 元，西红柿每公斤 4.5 元，需求平稳。",
        10,
    ),
    (
        Kind.TECHNIQUE,
        "冬季大棚蔬菜防冻保温要点",
        Medium.TELEVISION,
        "中央电视台农业农村频道",
        "夜间加盖保温被，棚内温度不低于 8 摄氏度；雪后及时清除棚膜积雪；晴天中午适当通风排湿。",
        60,
    ),
    (
        Kind.JOBS,
        "县人社局春季就业援助月招聘信息",
        Medium.NEWSPAPER,
        "《县报》第 3 版",
        "县工业园区 12 家企业招聘普工、电焊工、叉车司机共 320 人，包食宿，月薪 4000 至 6500 元。",
        45,
    ),
]


def _item(office_id, kind, title, medium, source, content, days, product, today):
    db.session.add(
        CollectedItem(
            office_id=office_id,
            title=title,
            kind=kind,
            medium=medium,
            source=source,
            content=content,
            collected_on=today - timedelta(days=2),
            valid_until=today + timedelta(days=days),
            product=product,
        )
    )


def _product(office_id, kind, title, summary, days, today) -> InfoProduct:
    product = InfoProduct(
        office_id=office_id,
        title=title,
        kind=kind,
        summary=summary,
        valid_until=today + timedelta(days=days),
    )
    db.session.add(product)
    return product


def _government(office, today) -> None:
    plan = ReleasePlan(
        office_id=office.id,
        year=today.year,
        release_day=10,
        notes="本镇以生猪养殖和设施蔬菜为主，按月发布市场价格和种养技术信息。",
    )
    db.session.add(plan)
    db.session.flush()
    for kind in (Kind.MARKET, Kind.TECHNIQUE):
        services.generate_entries(plan, kind)
    products = {
        Kind.MARKET: _product(
            office.id, Kind.MARKET, "农产品市场价格月报", "本月生猪、粮食和蔬菜价格。", 20, today
        ),
        Kind.TECHNIQUE: _product(
            office.id, Kind.TECHNIQUE, "冬季种养技术要点", "设施蔬菜越冬管理。", 60, today
        ),
        Kind.JOBS: _product(
            office.id, Kind.JOBS, "春季务工招聘信息", "县内企业招聘汇总。", 45, today
        ),
    }
    for kind, title, medium, source, content, days in ITEMS:
        _item(office.id, kind, title, medium, source, content, days, products[kind], today)
    db.session.flush()
    past = [e for e in plan.entries if e.planned_on < today]
    for entry in past[:-1]:  # the latest planned release is left undone: red on the desk
        services.record_release(
            products[entry.kind],
            released_on=entry.planned_on,
            channels=["meeting", "blackboard", "web"],
            audience="全镇种养殖户",
            entry=entry,
        )
    services.record_release(
        products[Kind.JOBS], released_on=today, channels=["leaflet", "web"], audience="外出务工人员"
    )


def _village(office, today) -> None:
    product = _product(
        office.id, Kind.MARKET, "本村苹果收购行情", "村部黑板报同步发布。", 15, today
    )
    _item(
        office.id,
        Kind.MARKET,
        "苹果收购价格",
        Medium.INTERNET,
        "中国苹果产业信息网",
        "富士苹果 80 毫米以上一级果每公斤 6.2 元，果商已在村部设点收购。",
        15,
        product,
        today,
    )
    db.session.flush()
    services.record_release(
        product, released_on=today, channels=["blackboard", "web"], audience="本村果农"
    )


def load_demo(offices) -> None:
    """Create the demo data once (nothing for an office that has a plan or products)."""
    today = local_today()
    government, village = offices.get("SFZ-ZF"), offices.get("SFZ-DQC")
    if government is not None and not db.session.scalar(
        select(ReleasePlan.id).where(ReleasePlan.office_id == government.id)
    ):
        _government(government, today)
    if village is not None and not db.session.scalar(
        select(InfoProduct.id).where(InfoProduct.office_id == village.id)
    ):
        _village(village, today)
