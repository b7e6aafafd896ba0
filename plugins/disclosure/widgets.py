"""Dashboard tiles of the disclosure module (two cheap queries)."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.kit import Widget, db, utc_now
from plugins.disclosure.models import DisclosureTopic, TopicStatus


def widgets(office_ids) -> list[Widget]:
    """Open topics, red when some are past their case's deadline."""
    from core.kit import Case

    open_here = (DisclosureTopic.office_id.in_(list(office_ids)),
                 DisclosureTopic.status == TopicStatus.OPEN)
    waiting = db.session.scalar(select(func.count()).select_from(DisclosureTopic)
                                .where(*open_here)) or 0
    overdue = db.session.scalar(select(func.count()).select_from(DisclosureTopic).join(
        Case, Case.id == DisclosureTopic.case_id).where(*open_here, Case.due_at < utc_now())) or 0
    return [Widget(title=_("待答复的点题"), value=waiting, url=url_for("disclosure_desk.index"),
                   tone="alert" if overdue else ("warn" if waiting else "ok"),
                   note=_("其中已超期 %(n)d 件", n=overdue) if overdue else "")]
