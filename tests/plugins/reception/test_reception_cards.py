"""《群众预约领导办公卡》: filled while the leader is away, on the leader's list once back,
home visit then outcome; the office's limit turning the card yellow and red; a visit handed
over as a case; reminders sent once; bad input refused with nothing changed."""

from datetime import UTC, datetime, time, timedelta

import pytest
from reception_helpers import card_version, working_day_after  # noqa: F401
from sqlalchemy import func, select
from support import login, post, text_of

from core.audit import AuditEntry
from core.cases import Case, close_case
from core.extensions import db
from core.jobs import Notification
from core.sla import Limit, LimitUnit, compute_due
from core.time import LOCAL_ZONE as LOCAL_TZ
from core.time import local_today
from plugins.reception.errors import ReceptionError
from plugins.reception.models import AppointmentCard, CardStatus, ReceptionSettings
from plugins.reception.services import cards, stats


def card_input(leader_id, back_on, **fields):
    data = dict(
        leader_id=leader_id,
        name="赵桂兰",
        phone="13800004444",
        village="东桥村",
        address="东桥村三组 18 号",
        matter="宅基地边界与邻居有争议，希望镇长到现场看看。",
        expected_back_on=back_on,
        away_reason="到县里参加防汛工作会议",
    )
    data.update(fields)
    return cards.CardInput(**data)


def n_cards():
    return db.session.scalar(select(func.count()).select_from(AppointmentCard))


def test_card_return_visit_outcome_flow(app, reception_on, users):
    with app.app_context():
        back = working_day_after(3)
        card = cards.fill_card(
            reception_on["A"], card_input(users["leader"], back), actor_id=users["staff_a"]
        )
        db.session.commit()
        assert card.number == f"{local_today().year}-0001" and card.status == CardStatus.OPEN
        assert cards.card_colour(card) == "waiting"  # the leader is still away
        away = stats.agenda(users["leader"])
        assert [c.id for c, _ in away.cards_waiting] == [card.id] and not away.cards_due
        # The leader comes back early: the card is on the leader's list, the clock runs.
        cards.record_return(card, back_on=local_today())
        db.session.commit()
        assert card.leader_back_on == local_today()
        assert cards.card_colour(card) in ("green", "yellow")
        assert [c.id for c, _ in stats.agenda(users["leader"]).cards_due] == [card.id]
        with pytest.raises(ReceptionError, match="请先登记领导上门走访"):
            cards.register_outcome(
                card, outcome="已解决", satisfaction="satisfied", actor_id=users["staff_a"]
            )
        cards.record_visit(
            card,
            visited_on=local_today(),
            findings="两户宅基地界桩被移动约半米。",
            resolution="请国土所复测，按原界桩恢复。",
            visitor_id=users["leader"],
            actor_id=users["leader"],
        )
        db.session.commit()
        assert card.status == CardStatus.VISITED and cards.card_colour(card) == "closed"
        assert not cards.visited_late(card)
        assert [c.id for c, _ in stats.agenda(users["leader"]).cards_visited] == [card.id]
        cards.register_outcome(
            card,
            outcome="已复测并恢复界桩，双方签字认可。",
            satisfaction="satisfied",
            actor_id=users["staff_a"],
        )
        db.session.commit()
        assert card.status == CardStatus.DONE and card.outcome_by_id == users["staff_a"]
        agenda = stats.agenda(users["leader"])
        assert not (agenda.cards_due or agenda.cards_visited or agenda.cards_waiting)
        with pytest.raises(ReceptionError, match="已经办结"):
            cards.register_outcome(card, outcome="再登记", satisfaction=None, actor_id=None)


def test_the_offices_limit_turns_the_card_yellow_then_red(app, reception_on, users):
    with app.app_context():
        db.session.add(
            ReceptionSettings(
                office_id=reception_on["A"], card_limit_amount=10, card_limit_unit="working_days"
            )
        )
        db.session.commit()
        back = working_day_after(2)
        card = cards.fill_card(reception_on["A"], card_input(users["leader"], back), actor_id=None)
        db.session.commit()
        due = compute_due(back, Limit(10, LimitUnit.WORKING_DAYS))
        assert (card.limit_amount, card.limit_unit) == (10, "working_days")
        assert card.visit_due_at.replace(tzinfo=None) == due.due_at_utc.replace(tzinfo=None)
        start = datetime.combine(back, time(9), tzinfo=LOCAL_TZ)
        assert cards.card_colour(card, start - timedelta(days=1)) == "waiting"
        assert cards.card_colour(card, start) == "green"
        assert cards.card_colour(card, due.due_at - timedelta(hours=2)) == "yellow"
        assert cards.card_colour(card, due.due_at + timedelta(minutes=1)) == "red"
        # A visit after the last day is recorded as late.
        card.leader_back_on = local_today() - timedelta(days=30)
        card.filled_at = datetime.now(UTC) - timedelta(days=31)
        card.visit_due_at = compute_due(
            card.leader_back_on, Limit(10, LimitUnit.WORKING_DAYS)
        ).due_at_utc
        assert cards.card_colour(card) == "red"
        cards.record_visit(
            card,
            visited_on=local_today(),
            findings="情况属实",
            resolution="已协调",
            visitor_id=None,
            actor_id=users["leader"],
        )
        assert cards.visited_late(card)


def test_a_visit_handed_over_as_a_case_registers_the_outcome_when_it_closes(
    app, reception_on, users
):
    with app.app_context():
        card = cards.fill_card(
            reception_on["A"], card_input(users["leader"], local_today()), actor_id=users["staff_a"]
        )
        cards.record_visit(
            card,
            visited_on=local_today(),
            findings="老房后墙开裂，屋顶漏雨。",
            resolution="列入危房改造计划。",
            visitor_id=users["leader"],
            actor_id=users["leader"],
            responsible_office_id=reception_on["B"],
        )
        db.session.commit()
        case = db.session.get(Case, card.case_id)
        assert case.office_id == reception_on["B"] and case.source_type == "reception_card"
        assert case.category == "reception_matter" and card.number in case.subject
        with pytest.raises(ReceptionError, match="办结后结果会自动登记"):
            cards.register_outcome(card, outcome="提前登记", satisfaction=None, actor_id=None)
        close_case(case, outcome="危房改造补助已发放，房屋已修缮。", actor_id=users["staff_b"])
        db.session.commit()
        db.session.refresh(card)
        assert card.status == CardStatus.DONE and card.outcome == "危房改造补助已发放，房屋已修缮。"


def test_bad_card_input_is_refused_and_nothing_is_kept(app, reception_on, users):
    with app.app_context():
        today = local_today()
        bad = [
            (card_input(users["leader"], today - timedelta(days=1)), "不能早于今天"),
            (card_input(users["leader"], today + timedelta(days=200)), "不能晚于"),
            (card_input(users["leader"], None), "预计返回的日期"),
            (card_input(users["staff_a"], today), "领导"),
            (card_input(users["leader"], today, address=" "), "请填写家庭住址"),
            (card_input(users["leader"], today, phone="1380000"), "请填写正确的手机号码"),
        ]
        for data, message in bad:
            with pytest.raises(ReceptionError, match=message):
                cards.fill_card(reception_on["A"], data, actor_id=None)
            db.session.rollback()
        assert n_cards() == 0
        card = cards.fill_card(reception_on["A"], card_input(users["leader"], today), actor_id=None)
        db.session.commit()
        with pytest.raises(ReceptionError, match="走访日期不能晚于今天"):
            cards.record_visit(
                card,
                visited_on=today + timedelta(days=1),
                findings="x",
                resolution="y",
                visitor_id=None,
                actor_id=None,
            )
        with pytest.raises(ReceptionError, match="请填写了解的情况"):
            cards.record_visit(
                card, visited_on=today, findings="", resolution="y", visitor_id=None, actor_id=None
            )
        db.session.rollback()
        assert card.status == CardStatus.OPEN and card.visited_on is None
        with pytest.raises(ReceptionError, match="最长 30 日"):
            cards.check_limit(31, "calendar_days")
        assert cards.check_limit(5, "working_days") == Limit(5, LimitUnit.WORKING_DAYS)


def test_card_numbers_count_up_per_office_and_year(app, reception_on, users):
    with app.app_context():
        numbers = [
            cards.fill_card(
                reception_on["A"], card_input(users["leader"], local_today()), actor_id=None
            ).number
            for _ in range(3)
        ]
        db.session.commit()
        year = local_today().year
        assert numbers == [f"{year}-0001", f"{year}-0002", f"{year}-0003"]


def test_reminders_reach_the_leader_once(app, reception_on, users):
    from plugins.reception.jobs import card_reminders

    with app.app_context():
        card = cards.fill_card(
            reception_on["A"], card_input(users["leader"], local_today()), actor_id=None
        )
        later = cards.fill_card(
            reception_on["A"], card_input(users["leader"], working_day_after(5)), actor_id=None
        )
        db.session.commit()
        card_reminders()
        card_reminders()  # a retried run notifies nobody twice
        titles = db.session.scalars(
            select(Notification.title).where(Notification.user_id == users["leader"])
        ).all()
        assert titles == ["群众预约领导办公卡"]
        card.visit_due_at = datetime.now(UTC) - timedelta(hours=1)
        db.session.commit()
        card_reminders()
        card_reminders()
        titles = db.session.scalars(
            select(Notification.title)
            .where(Notification.user_id == users["leader"])
            .order_by(Notification.id)
        ).all()
        assert titles.count("预约卡走访已超期") == 1
        assert later.id  # the card whose leader is still away was not announced
        bodies = " ".join(db.session.scalars(select(Notification.body)))
        assert later.number not in bodies and "赵某" in bodies and "13800004444" not in bodies


def test_desk_card_screens(app, client, reception_on, users, login_as):
    login_as("staff_a")
    today = local_today()
    form = {
        "office_id": str(reception_on["A"]),
        "leader_id": str(users["leader"]),
        "away_reason": "到市里汇报工作",
        "expected_back_on": (today - timedelta(days=2)).isoformat(),
        "name": "钱玉山",
        "phone": "13800005555",
        "village": "西河村",
        "address": "西河村一组 6 号",
        "matter": "老房漏雨，申请危房改造补助。",
    }
    refused = post(client, "/admin/reception-desk/cards/new", form)
    assert refused.status_code == 200 and "不能早于今天" in text_of(refused)
    with app.app_context():
        assert n_cards() == 0
    made = post(
        client, "/admin/reception-desk/cards/new", {**form, "expected_back_on": today.isoformat()}
    )
    assert made.status_code == 302
    card_url = made.headers["Location"]
    page = text_of(client.get(card_url))
    assert "群众预约领导办公卡" in page and "领导未返回" not in page and "登记上门走访" in page
    assert "西河村一组 6 号" in page and "13800005555" in page  # in full on the card, audited
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(
                    AuditEntry.action == "personal_data.view",
                    AuditEntry.target_type == "reception_card",
                )
            )
            == 1
        )
    listing = client.get("/admin/reception_cards/").get_data(as_text=True)
    assert "138****5555" in listing and "13800005555" not in listing  # masked in the list
    card_id = int(card_url.rstrip("/").rsplit("/", 1)[1])
    visit = post(
        client,
        f"/admin/reception-desk/card/{card_id}/visit",
        {
            "visited_on": today.isoformat(),
            "visitor_id": str(users["leader"]),
            "findings": "后墙开裂",
            "resolution": "列入危改计划",
            "responsible_office_id": "0",
            "version": card_version(app, card_id),
        },
        follow_redirects=True,
    )
    assert "已登记上门走访情况" in text_of(visit)
    outcome = post(
        client,
        f"/admin/reception-desk/card/{card_id}/outcome",
        {
            "outcome": "补助已到位，房屋已修缮。",
            "satisfaction": "satisfied",
            "version": card_version(app, card_id),
        },
        follow_redirects=True,
    )
    assert "办理结果已登记" in text_of(outcome) and "补助已到位" in text_of(outcome)
    with app.app_context():
        assert db.session.get(AppointmentCard, card_id).status == CardStatus.DONE
    # The leader sees it on the agenda while open; B's staff cannot open A's card.
    other = app.test_client()
    login(other, "staff_b")
    assert other.get(f"/admin/reception-desk/card/{card_id}").status_code == 403


def test_leader_agenda_lists_cards_days_and_open_matters(
    app, client, reception_on, users, login_as
):
    from reception_helpers import make_day

    from plugins.reception.services.matters import MatterInput, register_matter

    with app.app_context():
        card = cards.fill_card(
            reception_on["A"], card_input(users["leader"], local_today()), actor_id=None
        )
        day = make_day(
            reception_on["A"], users["leader"], local_today(), start=time(0, 0), end=time(23, 30)
        )
        register_matter(
            day,
            MatterInput(
                channel="visit",
                name="孙德明",
                subject="机井水泵损坏",
                instruction="请农技站查看",
                responsible_office_id=reception_on["B"],
            ),
            office_id=reception_on["A"],
            actor_id=users["staff_a"],
        )
        db.session.commit()
        number = card.number
    login_as("leader")
    page = text_of(client.get("/admin/reception-agenda/"))
    assert "我的接待日程" in page and number in page and "机井水泵损坏" in page and "乙村" in page
    other = app.test_client()
    login(other, "staff_a")
    assert number in text_of(other.get(f"/admin/reception-agenda/?leader={users['leader']}"))
    assert other.get(f"/admin/reception-agenda/?leader={users['staff_b']}").status_code == 404
