"""A loss (遗失), traced to the borrower and the keeper of record.

A file out on a loan is traced to its borrower and to the keeper who handed it out; a file
missing from the store to the keeper in charge now. The file stays catalogued, marked lost,
with its history; open requests for it are withdrawn.
"""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from core.kit import db, notify, record_event, utc_now
from plugins.archives import access
from plugins.archives.errors import ArchivesError
from plugins.archives.models import (
    PENDING_STATUSES,
    ArchiveFile,
    BorrowerKind,
    EventKind,
    FileStatus,
    Loan,
    LoanStatus,
    LossReport,
)
from plugins.archives.services.catalogue import add_event
from plugins.archives.services.lending import NOTE_MAX, check_text, out_loan_of


def report_loss(
    file: ArchiveFile, actor_id: int | None, *, circumstances: str, now: datetime | None = None
) -> LossReport:
    """Record a loss (遗失), traced to the borrower and the keeper of record.

    A file out on a loan is traced to its borrower and to the keeper who handed it out; a file
    missing from the store to the keeper in charge now. The file is marked lost (it stays in
    the catalogue with its history); open requests for it are withdrawn.
    """
    actor = access.person(actor_id)
    if not access.may_report_loss(actor, file.office_id):
        raise ArchivesError(_("只有档案管理员、本单位领导或管理员可以登记档案遗失。"))
    circumstances = check_text(circumstances, required=_("请说明遗失的经过。"), limit=NOTE_MAX)
    file = db.session.scalar(
        select(ArchiveFile)
        .where(ArchiveFile.id == file.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if file.status == FileStatus.LOST:
        raise ArchivesError(_("该档案已登记遗失。"))
    now = now or utc_now()
    loan = out_loan_of(file)
    if loan is not None:
        keeper = loan.handed_out_by
        borrower_name = (
            loan.resident_name
            if loan.borrower_kind == BorrowerKind.RESIDENT
            else loan.borrower.display_name
            if loan.borrower
            else None
        )
        loan.status = LoanStatus.LOST
    else:
        keeper = access.keeper_of(file.office_id)
        borrower_name = None
    report = LossReport(
        office_id=file.office_id,
        file=file,
        loan=loan,
        reported_at=now,
        reported_by_id=actor.id,
        borrower_id=loan.borrower_id if loan else None,
        borrower_name=borrower_name,
        keeper_id=keeper.id if keeper else None,
        keeper_name=keeper.display_name if keeper else None,
        circumstances=circumstances,
    )
    db.session.add(report)
    file.status = FileStatus.LOST
    for pending in db.session.scalars(
        select(Loan).where(Loan.file_id == file.id, Loan.status.in_(PENDING_STATUSES))
    ):
        pending.status, pending.decided_by_id = LoanStatus.CANCELLED, actor.id
        pending.decision_note = _("档案已登记遗失，申请自动撤回。")
    add_event(file, EventKind.LOST, actor_id=actor.id, loan=loan, at=now, note=circumstances)
    db.session.flush()
    record_event(
        "archives.loss",
        office_id=file.office_id,
        target_type="archive_file",
        target_id=file.id,
        details={
            "catalogue_no": file.catalogue_no,
            "loan": loan.reference if loan else None,
            "borrower_id": report.borrower_id,
            "keeper_id": report.keeper_id,
        },
    )
    people = {p.id for p in access.leaders_of(file.office_id)}
    people.update(i for i in (report.keeper_id, report.borrower_id) if i)
    for user_id in people:
        notify(
            user_id,
            _("档案遗失登记"),
            _(
                "《%(title)s》（%(no)s）已登记遗失。借阅人：%(b)s；经手档案管理员：%(k)s。",
                title=file.title,
                no=file.catalogue_no,
                b=loan.borrower_label if loan else _("无（在库遗失）"),
                k=report.keeper_name or _("未指定"),
            ),
            url=f"{access.DESK_URL}/file/{file.id}",
            dedupe_key=f"archives:loss:{report.id}",
        )
    return report
