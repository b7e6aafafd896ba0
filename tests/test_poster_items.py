"""The ``poster_items`` hook of each plugin that offers items for the notice board: hearing
notices, published minutes and results; 办事指南 matters; information products; the month's
reception days. Every text is read through the publication gate: a planted phone and a known
private person's name never reach the item or its poster."""

import subprocess
from datetime import time, timedelta

import pytest

from core import posters
from core.extensions import db
from core.models import Office, Role, User
from core.modules import set_module
from core.time import local_today, utc_now

PHONE = "13912345678"
RESIDENT = "王秀英"  # an attendee's name: known to the records, masked everywhere
MONTH = local_today().replace(day=1)


def _on(offices, *plugins):
    for plugin in plugins:
        set_module(plugin, db.session.get(Office, offices["A"]), True)
    db.session.commit()


def _items(office_id, plugin):
    return [i for i in posters.collect_items([office_id], MONTH) if i.plugin == plugin]


def _assert_clean(items, tmp_path):
    assert items
    for item in items:
        assert PHONE not in item.text and RESIDENT not in item.text, item.text
    path = tmp_path / "p.pdf"
    path.write_bytes(posters.posters_pdf(items, "A4"))
    text = "".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split()
    )
    assert PHONE not in text and RESIDENT not in text
    return text


def test_hearings_offer_the_notice_minutes_and_results(app, offices, tmp_path):
    from plugins.hearings.models import (
        Attendee,
        AttendeeCategory,
        AttendeeSource,
        AttendeeStatus,
        Hearing,
        HearingStatus,
        MinutesVersion,
    )

    with app.test_request_context():
        _on(offices, "hearings")
        now = utc_now()
        hearing = Hearing(
            office_id=offices["A"],
            title="农贸市场搬迁听证会",
            issue=f"搬迁方案，联系人电话 {PHONE}",
            venue="镇政府三楼会议室",
            starts_at=now + timedelta(days=3),
            status=HearingStatus.ANNOUNCED,
            announced_at=now,
            results_summary=f"方案经修改后通过，{RESIDENT}的意见已采纳。",
            results_published_at=now,
        )
        db.session.add(hearing)
        db.session.flush()
        db.session.add(
            Attendee(
                hearing_id=hearing.id,
                office_id=offices["A"],
                name=RESIDENT,
                category=AttendeeCategory.RESIDENT_REP,
                source=AttendeeSource.REGISTERED,
                status=AttendeeStatus.CONFIRMED,
                code="K7Q2M9",
            )
        )
        db.session.add(
            MinutesVersion(
                hearing_id=hearing.id,
                office_id=offices["A"],
                number=1,
                body_md=f"## 发言\n\n{RESIDENT}提出摊位分配问题，电话 {PHONE}。",
                body_html="<p>x</p>",
                published_at=now,
            )
        )
        db.session.commit()
        items = _items(offices["A"], "hearings")
        assert sorted(i.kind for i in items) == ["会议纪要", "听证公告", "听证结果"]
        minutes = next(i for i in items if i.kind == "会议纪要")
        assert minutes.url.endswith(f"/o/A/hearings/{hearing.id}/minutes/v1")
        assert "摊位分配问题" in minutes.text and "##" not in minutes.text
        text = _assert_clean(items, tmp_path)
        assert "农贸市场搬迁听证会" in text


def test_catalogue_offers_matters_changed_in_the_month(app, offices, tmp_path):
    from plugins.catalogue.models import ServiceMatter

    with app.test_request_context():
        _on(offices, "catalogue")
        db.session.add(
            ServiceMatter(
                office_id=offices["A"],
                name="农村宅基地审批",
                category_code="none",
                documents=f"申请表\n户口簿（咨询 {PHONE}）",
                steps="申请\n审核\n批准",
            )
        )
        db.session.add(
            ServiceMatter(
                office_id=offices["A"], name="不再公布的事项", category_code="none", listed=False
            )
        )
        db.session.commit()
        items = _items(offices["A"], "catalogue")
        assert [i.title for i in items] == ["农村宅基地审批"]
        assert "所需材料" in items[0].text and "1. 申请" in items[0].text
        _assert_clean(items, tmp_path)


def test_bulletins_offer_products_released_on_the_web_in_the_month(app, offices, tmp_path):
    from plugins.bulletins import services
    from plugins.bulletins.models import CollectedItem, InfoProduct

    with app.test_request_context():
        _on(offices, "bulletins")
        today = local_today()
        product = InfoProduct(
            office_id=offices["A"],
            title="农产品市场价格月报",
            summary=f"本月价格，咨询 {PHONE}。",
            valid_until=today + timedelta(days=20),
        )
        db.session.add(product)
        db.session.flush()
        db.session.add(
            CollectedItem(
                office_id=offices["A"],
                title="今日玉米价格",
                collected_on=today,
                valid_until=today + timedelta(days=5),
                content="每斤 1.2 元。",
                product_id=product.id,
            )
        )
        services.record_release(product, released_on=today, channels=["web"])
        db.session.commit()
        items = _items(offices["A"], "bulletins")
        assert [i.title for i in items] == ["农产品市场价格月报"]
        assert "【今日玉米价格】每斤 1.2 元。" in items[0].text
        _assert_clean(items, tmp_path)


def test_reception_offers_one_poster_of_the_month_s_days(app, offices, tmp_path):
    from plugins.reception.models import DayStatus, ReceptionDay

    with app.test_request_context():
        _on(offices, "reception")
        leader = User(
            username="qian",
            display_name="钱镇长",
            role=Role.LEADER,
            office_id=offices["A"],
            password_hash="!",
            post="镇长",
        )
        db.session.add(leader)
        db.session.flush()
        for n, status in ((1, DayStatus.SCHEDULED), (2, DayStatus.CANCELLED)):
            db.session.add(
                ReceptionDay(
                    office_id=offices["A"],
                    day=MONTH + timedelta(days=n),
                    start_time=time(9),
                    end_time=time(11, 30),
                    place="镇政府接待室",
                    leader_id=leader.id,
                    status=status,
                    cancel_reason=f"临时会议，改期另行通知 {PHONE}" if n == 2 else None,
                )
            )
        db.session.commit()
        items = _items(offices["A"], "reception")
        assert len(items) == 1 and "领导接待日安排" in items[0].title
        assert items[0].text.count("钱镇长（镇长）") == 2 and "【已取消】" in items[0].text
        _assert_clean(items, tmp_path)


@pytest.mark.parametrize("plugin", ["hearings", "catalogue", "bulletins", "reception"])
def test_a_module_switched_off_offers_nothing(app, offices, plugin):
    with app.test_request_context():
        assert _items(offices["A"], plugin) == []
