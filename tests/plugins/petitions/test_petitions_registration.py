"""Registration: collective and skip-level flags, bad input refused with nothing changed,
repeat petitions found on differently worded Chinese subjects and by the same person, and a
repeat linked to its original instead of counted as new."""

import pytest
from petitions_helpers import (
    ID_LI,
    ID_WANG,
    at,
    register,
)
from sqlalchemy import func, select

from core.cases import Case
from core.extensions import db
from plugins.petitions import services, stats
from plugins.petitions.errors import PetitionError
from plugins.petitions.models import Petition, Petitioner, PetitionGram, Stage
from plugins.petitions.repeats import find_repeats, normalise_phone
from plugins.petitions.similarity import dice, grams


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _people(n):
    return [{"name": f"村民{i}", "phone": f"1390000{i:04d}"} for i in range(n)]


@pytest.mark.parametrize(("count", "collective"), [(1, False), (4, False), (5, True), (30, True)])
def test_collective_flag_at_five_people(app, petitions_on, count, collective):
    with app.app_context():
        petition = register(
            petitions_on["A"], people_count=count, petitioners=_people(min(count, 3))
        )
        assert petition.collective is collective


@pytest.mark.parametrize(
    ("brought", "proper", "skip"),
    [
        ("township", "township", False),
        ("county", "township", False),  # the next level up is allowed
        ("city", "township", True),
        ("national", "county", True),
        ("county", "village", True),
    ],
)
def test_skip_level_flag(app, petitions_on, brought, proper, skip):
    with app.app_context():
        petition = register(petitions_on["A"], level_brought_to=brought, proper_level=proper)
        assert petition.skip_level is skip


def test_flags_follow_corrections(app, petitions_on):
    with app.app_context():
        petition = register(petitions_on["A"])
        services.update_registration(
            petition, people_count=6, level_brought_to="province", actor_id=None
        )
        assert petition.collective and petition.skip_level


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"subject": "", "demands": "", "content": ""}, "信访事项为空"),
        ({"subject": "   ", "demands": "要求处理"}, "请填写信访事由"),
        ({"demands": "", "content": ""}, "诉求"),
        ({"petitioners": []}, "至少填写一名信访人"),
        ({"petitioners": [{"name": "", "phone": "13800000000"}]}, "姓名"),
        ({"petitioners": [{"name": "王五", "id_number": "110101199003070012"}]}, "身份证号码"),
        ({"petitioners": [{"name": "王五", "phone": "电话号码"}]}, "联系电话"),
        ({"people_count": 1, "petitioners": [{"name": "甲"}, {"name": "乙"}]}, "不能少于"),
        ({"channel": "fax"}, "信访形式"),
        ({"received_at": at(2099, 1, 1)}, "不能晚于当前时间"),
    ],
)
def test_bad_registration_is_refused_and_changes_nothing(app, petitions_on, fields, message):
    with app.app_context():
        before = (_count(Petition), _count(Petitioner), _count(Case), _count(PetitionGram))
        with pytest.raises(PetitionError, match=message):
            register(petitions_on["A"], **fields)
        db.session.rollback()
        assert (_count(Petition), _count(Petitioner), _count(Case), _count(PetitionGram)) == before


def test_registration_needs_the_module_on_and_the_actors_office(app, petitions_on, users):
    from core.models import Office
    from core.modules import set_module

    with app.app_context():
        with pytest.raises(PetitionError, match="本单位"):
            register(petitions_on["A"], actor_id=users["staff_b"])
        with pytest.raises(PetitionError, match="只能查看"):
            register(petitions_on["A"], actor_id=users["auditor"])
        set_module("petitions", db.session.get(Office, petitions_on["B"]), False)
        db.session.commit()
        with pytest.raises(PetitionError, match="未启用"):
            register(petitions_on["B"], actor_id=users["staff_b"])


def test_similarity_of_differently_worded_subjects():
    original = grams("王家村修路占用我家承包地未给补偿")
    same = [
        "反映王家村修建道路占用其承包地至今未给补偿的问题",
        "关于王家村修路占了承包地没有补偿的信访",
        "要求解决王家村修路占用承包地补偿问题",
    ]
    different = ["王家村低保评定不公平", "李庄村小学校舍漏雨", "拖欠农民工工资"]
    for text in same:
        assert dice(original, grams(text)) >= 0.35, text
    for text in different:
        assert dice(original, grams(text)) < 0.35, text


def test_repeat_found_by_subject_and_person_and_linked(app, petitions_on, users):
    with app.app_context():
        office = petitions_on["A"]
        original = register(office, actor_id=users["staff_a"])
        register(
            office,
            subject="李庄村小学校舍漏雨存在安全隐患",
            petitioners=[{"name": "李四", "id_number": ID_LI}],
        )
        db.session.commit()
        # Differently worded subject, nobody's number given: found by subject.
        matches = find_repeats(
            subject="反映王家村修建道路占用其承包地至今未给补偿的问题", office_ids={office}
        )
        assert [m.petition.id for m in matches] == [original.id]
        assert matches[0].score >= 0.35 and not matches[0].same_person
        # Same person, phone typed differently, different subject: found by person.
        matches = find_repeats(
            subject="家里老人养老保险未到账", phones=["+86 138-1234-5678"], office_ids={office}
        )
        assert matches[0].petition.id == original.id and matches[0].same_person
        # Same ID number (lower-case x is the same number).
        matches = find_repeats(subject="", id_numbers=[ID_LI.lower()], office_ids={office})
        assert len(matches) == 1 and matches[0].petition.subject.startswith("李庄村")
        # Another office's petitions are never matched.
        assert (
            find_repeats(
                subject=original.subject, phones=["13812345678"], office_ids={petitions_on["B"]}
            )
            == []
        )

        cases_before = db.session.scalar(select(func.count()).select_from(Case))
        repeat = register(
            office,
            subject="王家村修路占地补偿款一直没给",
            channel="call",
            received_at=at(2025, 3, 20),
            petitioners=[{"name": "王大山", "phone": "138 1234 5678"}],
            repeat_of_id=original.id,
            actor_id=users["staff_a"],
        )
        assert repeat.repeat_of_id == original.id and repeat.stage == Stage.MERGED
        assert repeat.case is None and repeat.receipt_no == original.receipt_no
        assert db.session.scalar(select(func.count()).select_from(Case)) == cases_before
        assert original.repeats == [repeat]
        # A repeat of a repeat is linked to the original.
        again = register(office, subject="王家村修路补偿", repeat_of_id=repeat.id)
        assert again.repeat_of_id == original.id
        # Found by the person again, the original is shown, not the repeat.
        matches = find_repeats(subject="", phones=["13812345678"], office_ids={office})
        assert [m.petition.id for m in matches] == [original.id]
        db.session.commit()
        figures = stats.totals(stats.office_figures({office}))
        assert figures.registered == 2 and figures.repeats == 2
        assert figures.repeat_rate == pytest.approx(0.5)


def test_repeat_must_be_of_the_same_office(app, petitions_on):
    with app.app_context():
        other = register(petitions_on["B"])
        with pytest.raises(PetitionError, match="原信访事项"):
            register(petitions_on["A"], repeat_of_id=other.id)


def test_phone_normalisation():
    assert normalise_phone("+86 138-1234-5678") == "13812345678"
    assert normalise_phone("0086 13812345678") == "13812345678"
    assert normalise_phone("0471-5550100") == "04715550100"
    assert normalise_phone("") is None


def test_hashes_not_plain_numbers(app, petitions_on):
    with app.app_context():
        petition = register(petitions_on["A"])
        person = petition.petitioners[0]
        assert person.phone_hash and "13812345678" not in person.phone_hash
        assert person.id_hash and ID_WANG not in person.id_hash


def test_high_risk_alerts_the_leaders(app, petitions_on, users):
    from core.jobs import Notification

    with app.app_context():
        petition = register(petitions_on["A"])
        with pytest.raises(PetitionError, match="隐患情况"):
            services.set_risk(petition, level="high", note="", actor_id=users["staff_a"])
        services.set_risk(petition, level="high", note="扬言集体上访", actor_id=users["staff_a"])
        db.session.commit()
        notes = db.session.scalars(
            select(Notification).where(Notification.user_id == users["leader"])
        ).all()
        assert any("信访隐患" in n.title for n in notes)
        assert stats.risk_petitions({petitions_on["A"]})[0].id == petition.id
