"""Dashboard tiles of the archives module (one cheap query each)."""

from flask import url_for
from flask_babel import gettext as _

from core.kit import Widget, count_rows, utc_now
from plugins.archives.models import Loan, LoanStatus


def widgets(user, office_ids) -> list[Widget]:
    """Files out now, loans overdue, requests waiting for approval or hand-out, in the
    offices ``user`` works in (``office_ids``)."""
    in_scope = Loan.office_id.in_(office_ids)
    out = count_rows(Loan, in_scope, Loan.status == LoanStatus.OUT)
    overdue = count_rows(Loan, in_scope, Loan.status == LoanStatus.OUT, Loan.due_at < utc_now())
    waiting = count_rows(
        Loan, in_scope, Loan.status.in_((LoanStatus.REQUESTED, LoanStatus.APPROVED))
    )
    desk = url_for("archives_desk.index")
    return [
        Widget(title=_("借出中的档案"), value=out, url=url_for("archives_desk.out_now")),
        Widget(
            title=_("逾期未还的档案"),
            value=overdue,
            url=url_for("archives_desk.out_now"),
            tone="alert" if overdue else "ok",
            note=_("按工作日计算"),
        ),
        Widget(
            title=_("待审批或待借出的申请"),
            value=waiting,
            url=desk,
            tone="warn" if waiting else "ok",
        ),
    ]
