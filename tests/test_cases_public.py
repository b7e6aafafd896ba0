"""Residents' side of the case register: receipt lookup (status and dates only, throttled
against enumeration) and the one rating after resolution."""

import os
import secrets

from sqlalchemy import func, select
from support import needs_redis, post, text_of

from core.cases import Case, CaseStatus, close_case, open_case
from core.cases.models import Rating, ReceiptLookupCounter, Rectification
from core.cases.receipts import display
from core.extensions import db
from core.models import User


def make_case(app, resolved=False) -> tuple[int, str]:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "staff_a"))
        case = open_case(
            office_id=user.office_id,
            category="consultation",
            channel="phone",
            subject="王大爷家宅基地纠纷",
            content="邻居占地 13900001111",
            applicant_name="王大爷",
            applicant_phone="13812345678",
            applicant_id_number="110101199003071234",
            actor_id=user.id,
            handler_id=user.id,
        )
        if resolved:
            close_case(case, outcome="已调解", actor_id=user.id)
        db.session.commit()
        return case.id, case.receipt_no


def lookup(client, receipt, ip="203.0.113.5"):
    return post(client, "/cases/", {"receipt": receipt}, environ_base={"REMOTE_ADDR": ip})


def test_receipt_shows_status_dates_and_the_masked_subject(app, client, users):
    _case_id, receipt = make_case(app)
    assert "办件查询" in text_of(client.get("/cases/"))
    response = lookup(client, display(receipt).lower())
    page = text_of(response)
    assert response.status_code == 200
    assert "办理中" in page and "应办结时间" in page and "甲单位" in page
    # The subject is shown (residents must know what they rate), with the applicant's name
    # masked by the publication gate; the content and the contact details never are.
    assert "王某家宅基地纠纷" in page
    for private in ("王大爷", "138", "13812345678", "110101", "13900001111", "邻居"):
        assert private not in page
    assert "提交评价" not in page
    assert "办结后" in page


def test_unknown_and_malformed_receipts_get_clear_messages(app, client, users):
    _case_id, receipt = make_case(app)
    wrong = receipt[:-1] + ("2" if receipt[-1] != "2" else "3")
    response = lookup(client, wrong)
    assert response.status_code == 404 and "回执号格式不正确" in text_of(response)
    # A well-formed number nobody was given.
    from core.cases.receipts import new_receipt

    response = lookup(client, new_receipt())
    assert response.status_code == 404 and "未找到该回执号" in text_of(response)


def test_lookups_are_throttled_per_address(app, client, users):
    _case_id, receipt = make_case(app)
    from core.cases.receipts import new_receipt

    for _ in range(10):
        assert lookup(client, new_receipt(), ip="198.51.100.7").status_code == 404
    blocked = lookup(client, receipt, ip="198.51.100.7")
    assert blocked.status_code == 429
    assert "查询过于频繁" in text_of(blocked) and "分钟后再试" in text_of(blocked)
    assert "应办结时间" not in text_of(blocked)
    # Another address is not affected; counters live in the database, and a lookup that
    # finds its case counts nothing.
    for _ in range(15):
        assert lookup(client, receipt, ip="198.51.100.8").status_code == 200
    with app.app_context():
        rows = list(db.session.scalars(select(ReceiptLookupCounter)))
        assert [r.failures for r in rows] == [10]
        assert "198.51.100.7" not in rows[0].key  # the address is not stored as such


def test_rating_an_unresolved_case_is_refused(app, client, users):
    _case_id, receipt = make_case(app)
    response = post(client, "/cases/rate", {"receipt": receipt, "grade": "satisfied"})
    assert response.status_code == 409 and "尚未办结" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Rating)) == 0


def test_rating_once_after_resolution(app, client, users):
    case_id, receipt = make_case(app, resolved=True)
    page = text_of(lookup(client, receipt))
    assert "已办结" in page and "提交评价" in page and "非常满意" in page
    response = post(
        client, "/cases/rate", {"receipt": receipt, "grade": "very_satisfied", "comment": "很好"}
    )
    assert response.status_code == 200 and "感谢您的评价" in text_of(response)
    again = post(client, "/cases/rate", {"receipt": receipt, "grade": "very_dissatisfied"})
    assert again.status_code == 409 and "只能评价一次" in text_of(again)
    with app.app_context():
        rating = db.session.scalar(select(Rating))
        assert rating.grade.value == "very_satisfied" and rating.comment == "很好"
        assert db.session.scalar(select(func.count()).select_from(Rating)) == 1
        assert db.session.get(Case, case_id).status == CaseStatus.CLOSED
        from core.audit import AuditEntry

        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.target_type == "case_rating"))
        assert entry.actor_name == "resident" and entry.actor_id is None
    assert "提交评价" not in text_of(lookup(client, receipt))


def test_bad_rating_opens_rectification_and_tells_the_resident(app, client, users):
    _case_id, receipt = make_case(app, resolved=True)
    response = post(
        client, "/cases/rate", {"receipt": receipt, "grade": "dissatisfied", "comment": "态度差"}
    )
    assert "感谢您的评价" in text_of(response) and "并将回访您" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(Rectification)).status == "open"


def test_rating_without_a_grade_is_refused(app, client, users):
    _case_id, receipt = make_case(app, resolved=True)
    response = post(client, "/cases/rate", {"receipt": receipt})
    assert response.status_code == 400 and "请选择评价等级" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Rating)) == 0


def test_rating_an_unknown_receipt(app, client, users):
    from core.cases.receipts import new_receipt

    response = post(client, "/cases/rate", {"receipt": new_receipt(), "grade": "satisfied"})
    assert response.status_code == 404 and "未找到该回执号" in text_of(response)


def test_public_limits_page_lists_the_rulebook(app, client, offices):
    page = text_of(client.get("/o/A/limits"))
    assert "办理时限公示" in page
    assert "咨询" in page and "15 日" in page and "1 个月" in page
    assert "服务承诺事项" in page and "30 日" in page


@needs_redis
def test_lookup_throttle_counts_in_redis(app, client, users):
    from core.cases.receipts import new_receipt

    _case_id, receipt = make_case(app)
    ip = f"192.0.2.{secrets.randbelow(250) + 1}-{secrets.token_hex(4)}"
    app.config["REDIS_URL"] = os.environ["REDIS_URL"]
    try:
        for _ in range(10):
            assert lookup(client, new_receipt(), ip=ip).status_code == 404
        assert lookup(client, receipt, ip=ip).status_code == 429
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(ReceiptLookupCounter)) == 0
            from core.cases.throttle import _key
            from core.jobs import redis_connection

            redis_connection().delete(f"{_key(ip)}:n", f"{_key(ip)}:f")
    finally:
        app.config["REDIS_URL"] = None
