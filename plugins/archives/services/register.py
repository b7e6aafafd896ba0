"""The lending register (借阅登记簿): every hand-out of a year, for printing and export.

A resident borrower appears as 张某 and no phone number is ever included: the register is
printed and passed round, and exports leave the building.
"""

from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import db, format_local, local_datetime, local_day, mask_name
from plugins.archives.models import BorrowerKind, Loan


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """Start of ``year`` and of the next one, Beijing time."""
    return local_datetime(date(year, 1, 1), time()), local_datetime(date(year + 1, 1, 1), time())


def register_loans(office_ids, year: int) -> list[Loan]:
    """Loans handed out in ``year`` in these offices, in hand-out order."""
    start, end = year_bounds(year)
    return list(
        db.session.scalars(
            select(Loan)
            .where(
                Loan.office_id.in_(office_ids),
                Loan.handed_out_at.is_not(None),
                Loan.handed_out_at >= start,
                Loan.handed_out_at < end,
            )
            .order_by(Loan.handed_out_at, Loan.id)
        )
    )


def borrower_for_register(loan: Loan) -> str:
    """A staff member's name, or a resident's as 张某（群众）."""
    if loan.borrower_kind == BorrowerKind.RESIDENT:
        return _("%(name)s（群众）", name=mask_name(loan.resident_name))
    return loan.borrower.display_name if loan.borrower else ""


def headers() -> list[str]:
    """Column titles of the register."""
    return [
        _("序号"),
        _("单位"),
        _("借出日期"),
        _("档号"),
        _("题名"),
        _("密级"),
        _("借阅人"),
        _("借阅目的"),
        _("档案管理员批准"),
        _("领导批准"),
        _("应还日期"),
        _("归还日期"),
        _("借出时状况"),
        _("归还时状况"),
        _("经手人"),
        _("状态"),
    ]


def _day(moment: datetime | None) -> str:
    return format_local(local_day(moment))


def rows(loans: list[Loan]) -> list[list]:
    """One row per loan, in the order of ``headers``."""
    out = []
    for n, loan in enumerate(loans, 1):
        out.append(
            [
                n,
                loan.office.name,
                _day(loan.handed_out_at),
                loan.file.catalogue_no,
                loan.file.title,
                loan.file.security.label,
                borrower_for_register(loan),
                loan.purpose,
                loan.keeper_approved_by.display_name if loan.keeper_approved_by else "",
                loan.leader_approved_by.display_name if loan.leader_approved_by else "",
                _day(loan.due_at),
                _day(loan.returned_at),
                loan.condition_out or "",
                loan.condition_in or "",
                loan.handed_out_by.display_name if loan.handed_out_by else "",
                loan.status.label,
            ]
        )
    return out
