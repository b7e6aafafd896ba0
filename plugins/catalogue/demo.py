"""Demo data: the government's matters (a free one at the hall, a county matter handled on the
resident's behalf, one with a published fee) and a village's matters at its convenience room
and at home. Only offices without any matter get them."""

from sqlalchemy import select

from core.kit import Office, OfficeKind, Role, User, db, is_enabled
from plugins.catalogue import services
from plugins.catalogue.models import LiaisonOfficer, LiaisonRole, Place, ServiceMatter, ServicePlace
from plugins.catalogue.services import PLUGIN

GOVERNMENT = [
    dict(
        name="农村最低生活保障申请",
        category_code="approval",
        place=Place.HALL,
        handled_by="便民服务大厅民政窗口",
        legal_basis="《社会救助暂行办法》第十一条",
        documents="户口簿\n身份证\n家庭收入和财产状况说明\n村委会入户调查意见",
        steps="向村委会或便民服务大厅提出申请\n入户调查并在村公开栏公示 7 天\n乡镇审核后报县民政局审批",
    ),
    dict(
        name="城乡居民医疗保险参保登记",
        category_code="service",
        place=Place.HALL,
        handled_by="便民服务大厅医保窗口",
        legal_basis="《中华人民共和国社会保险法》第二十五条",
        documents="户口簿\n身份证",
        steps="窗口填写参保登记表\n当场登记并告知缴费方式",
    ),
    dict(
        name="残疾人证办理（县残联代办）",
        category_code="service_commitment",
        place=Place.COUNTY,
        handled_by="便民服务大厅代办窗口",
        legal_basis="《中华人民共和国残疾人保障法》",
        documents="身份证\n户口簿\n近期免冠照片 2 张\n县级以上医院诊断证明",
        steps="大厅代办窗口受理并核对材料\n乡镇代为报送县残联评定\n证件办好后通知本人领取",
    ),
    dict(
        name="农村建房规划许可证工本费",
        category_code="approval",
        place=Place.HALL,
        handled_by="便民服务大厅规划窗口",
        legal_basis="《中华人民共和国城乡规划法》第四十一条",
        documents="宅基地批准书\n建房设计图",
        fee="10.00",
        fee_basis="省物价局、财政厅规划许可证工本费收费标准文件",
        steps="提交申请和材料\n现场踏勘\n核发乡村建设规划许可证",
    ),
]
VILLAGE = [
    dict(
        name="村级证明出具",
        category_code="service",
        place=Place.VILLAGE,
        handled_by="村便民服务室",
        legal_basis="《中华人民共和国村民委员会组织法》",
        documents="身份证",
        steps="说明所需证明的用途\n村委会核实后当场出具",
    ),
    dict(
        name="高龄补贴资格认证（上门办）",
        category_code="service",
        place=Place.HOME,
        handled_by="村妇女主任",
        legal_basis="县高龄老人生活补贴实施办法",
        documents="身份证",
        steps="电话预约\n村联络员上门认证",
    ),
]


HOURS = "周一至周五 8:30–12:00、14:30–17:30；周六、周日轮流值班"


def _places(office: Office) -> None:
    """The government's service hall, or a village's convenience room with its liaison
    officers (the first two staff of the village, as women's director and bookkeeper)."""
    if db.session.scalar(select(ServicePlace.id).where(ServicePlace.office_id == office.id)):
        return
    if office.kind == OfficeKind.GOVERNMENT:
        services.create_place(
            office.id,
            kind=Place.HALL,
            name="镇便民服务大厅",
            address=office.address or "镇政府一楼",
            opening_hours=HOURS,
            phone=office.public_phone or "",
        )
        return
    services.create_place(
        office.id,
        kind=Place.VILLAGE,
        name=f"{office.name}便民服务室",
        address=office.address or "村委会一楼",
        opening_hours="周一至周五 9:00–12:00、15:00–17:00",
        phone=office.public_phone or "",
    )
    staff = db.session.scalars(
        select(User)
        .where(User.office_id == office.id, User.active, User.role != Role.AUDITOR)
        .order_by(User.id)
        .limit(2)
    ).all()
    for user, role in zip(
        staff, (LiaisonRole.WOMEN_DIRECTOR, LiaisonRole.BOOKKEEPER), strict=False
    ):
        if not db.session.scalar(
            select(LiaisonOfficer.id).where(LiaisonOfficer.user_id == user.id)
        ):
            services.add_liaison(office.id, user, role)


def load_demo(offices: dict[str, Office]) -> None:
    """Create the places and matters of each demo office that has the module on and none
    yet."""
    for office in offices.values():
        if is_enabled(PLUGIN, office.id) and office.kind in (
            OfficeKind.GOVERNMENT,
            OfficeKind.VILLAGE,
            OfficeKind.COMMUNITY,
        ):
            _places(office)
        if not is_enabled(PLUGIN, office.id) or db.session.scalar(
            select(ServiceMatter.id).where(ServiceMatter.office_id == office.id).limit(1)
        ):
            continue
        if office.kind == OfficeKind.GOVERNMENT:
            entries = GOVERNMENT
        elif office.kind in (OfficeKind.VILLAGE, OfficeKind.COMMUNITY):
            entries = VILLAGE
        else:
            continue
        for entry in entries:
            services.create_matter(office.id, **entry)
