"""Petitions' figures on the core's supervision screen (督办), through a hook."""

from petitions_helpers import (
    register,
)
from sqlalchemy import select
from support import text_of

from core.extensions import db
from core.models import Office
from core.modules import set_module


def _petitions_table(page: str) -> str:
    """The text of the petitions table, up to the next section (the service quota)."""
    start = page.index("信访（")
    return page[start : page.index("年服务承诺办件量", start)]


def test_hook_supervision_sections(app, client, petitions_on, login_as):
    """The core's 督办 screen shows a petitions table per office where the module is on."""
    with app.app_context():
        register(petitions_on["A"])
        register(petitions_on["B"], subject="西河村灌溉渠堵塞无人疏通")
        db.session.commit()
    login_as("admin")
    page = text_of(client.get("/admin/case_supervision/"))
    assert "信访（" in page and "积压" in page and "重复率" in page
    assert "甲单位" in page and "乙村" in page
    assert "王大山" not in page and "13812345678" not in page  # figures only

    with app.app_context():
        office_b = db.session.scalar(select(Office).where(Office.code == "B"))
        set_module("petitions", office_b, False)
        db.session.commit()
    page = text_of(client.get("/admin/case_supervision/"))
    table = _petitions_table(page)
    assert "甲单位" in table and "乙村" not in table


def test_staff_see_only_their_office_in_the_petitions_table(app, client, petitions_on, login_as):
    with app.app_context():
        register(petitions_on["A"])
        db.session.commit()
    login_as("leader")  # a leader of A
    page = text_of(client.get("/admin/case_supervision/"))
    table = _petitions_table(page)
    assert "甲单位" in table and "乙村" not in table
