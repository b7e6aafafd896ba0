"""The lending procedure (严格履行档案借阅手续): request, approval, hand-out, return.

Every function takes the acting user's id (``actor_id``, the core's convention), checks its
input and the actor's right first and raises ArchivesError (Chinese message) before changing
anything; the caller commits on success and rolls back on error.

Rules:
- Staff request files of their own office; residents only public files (可查询制度).
- The period is in working days (official PRC calendar) and at most the office's maximum.
- The designated keeper approves; a restricted file also needs a leader of the office, and the
  two approvals come from two different people. Nobody approves their own request: the
  keeper's own requests get the keeper's approval from the office's deputy keeper or from a
  leader of the office (``access.approves_for_keeper``).
- Only the keeper hands out and takes back, recording the file's condition both times. The
  file row is locked during a hand-out, and the database allows one open loan per file.
- A loss is the business of ``losses``.
"""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.kit import (
    Limit,
    LimitUnit,
    colour,
    compute_due,
    contact,
    count_rows,
    db,
    notify,
    utc_now,
)
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
    Security,
)
from plugins.archives.services.catalogue import add_event

PURPOSE_MAX = 1000
NOTE_MAX = 1000
NAME_MAX = 64
RESIDENT_MAX_PENDING = 3  # open requests per phone number and office


def loan_url(loan: Loan) -> str:
    """The loan's page on the lending desk (a site path, usable outside requests)."""
    return f"{access.DESK_URL}/loan/{loan.id}"


def check_text(value: str | None, *, required: str, limit: int) -> str:
    """``value`` stripped; ArchivesError with ``required`` when empty, or when over ``limit``."""
    value = (value or "").strip()
    if not value:
        raise ArchivesError(required)
    if len(value) > limit:
        raise ArchivesError(_("内容不能超过 %(n)d 个字。", n=limit))
    return value


def check_period(office_id: int, period_days) -> int:
    """The loan period in working days, between 1 and the office's maximum."""
    try:
        days = int(period_days)
    except (TypeError, ValueError):
        raise ArchivesError(_("借阅期限应为整数个工作日。")) from None
    if days < 1:
        raise ArchivesError(_("借阅期限至少为 1 个工作日。"))
    limit = access.max_loan_days(office_id)
    if days > limit:
        raise ArchivesError(_("借阅期限不能超过本单位规定的最长 %(max)d 个工作日。", max=limit))
    return days


def _lendable(file: ArchiveFile) -> None:
    if file.status == FileStatus.LOST:
        raise ArchivesError(_("该档案已登记遗失，不能借阅。"))


def _reference_taken(code: str) -> bool:
    return db.session.scalar(select(Loan.id).where(Loan.reference == code)) is not None


def _new_loan(file: ArchiveFile, note: str, actor_id: int | None = None, **fields) -> Loan:
    """A new request for ``file``, logged in its history and sent to whoever approves it."""
    loan = Loan(
        office_id=file.office_id, file=file, reference=contact.new_code(_reference_taken), **fields
    )
    db.session.add(loan)
    db.session.flush()
    add_event(
        file, EventKind.REQUESTED, actor_id=actor_id, loan=loan, at=loan.requested_at, note=note
    )
    _tell_keeper_of_request(loan)
    return loan


def _tell_keeper_of_request(loan: Loan) -> None:
    keeper = access.keeper_of(loan.office_id)
    people = [keeper] if keeper else []
    if keeper is not None and loan.borrower_id == keeper.id:  # approved in the keeper's stead
        deputy = access.deputy_keeper_of(loan.office_id)
        people = ([deputy] if deputy else []) + access.leaders_of(loan.office_id)
    if loan.file.security == Security.RESTRICTED:
        people += access.leaders_of(loan.office_id)
    for person in {p.id: p for p in people if p.id != loan.borrower_id}.values():
        notify(
            person.id,
            _("新的档案借阅申请"),
            _(
                "%(who)s 申请借阅《%(title)s》（%(no)s），期限 %(days)d 个工作日，请审批。",
                who=loan.borrower_label,
                title=loan.file.title,
                no=loan.file.catalogue_no,
                days=loan.period_days,
            ),
            url=loan_url(loan),
            dedupe_key=f"archives:request:{loan.id}",
        )


def request_by_staff(
    file: ArchiveFile,
    actor_id: int | None,
    *,
    purpose: str,
    period_days,
    now: datetime | None = None,
) -> Loan:
    """A staff member of the file's office asks to borrow it."""
    user = access.person(actor_id)
    if not access.may_act_in(user, file.office_id) or user.office_id != file.office_id:
        raise ArchivesError(_("只能借阅本单位的档案。"))
    _lendable(file)
    purpose = check_text(purpose, required=_("请填写借阅目的。"), limit=PURPOSE_MAX)
    days = check_period(file.office_id, period_days)
    open_one = db.session.scalar(
        select(Loan).where(
            Loan.file_id == file.id,
            Loan.borrower_id == user.id,
            Loan.status.in_((*PENDING_STATUSES, LoanStatus.OUT)),
        )
    )
    if open_one is not None:
        raise ArchivesError(
            _(
                "您已有该档案的借阅申请或借阅（编号 %(ref)s），请勿重复申请。",
                ref=open_one.reference,
            )
        )
    return _new_loan(
        file,
        _("%(days)d 个工作日；目的：%(purpose)s", days=days, purpose=purpose),
        user.id,
        borrower_kind=BorrowerKind.STAFF,
        borrower_id=user.id,
        purpose=purpose,
        period_days=days,
        requested_at=now or utc_now(),
    )


def request_by_resident(
    file: ArchiveFile,
    *,
    name: str,
    phone: str,
    purpose: str,
    period_days=1,
    now: datetime | None = None,
) -> Loan:
    """A resident asks to consult a public file (土地利用资料可查询制度)."""
    if file.security != Security.PUBLIC:
        raise ArchivesError(_("该档案不对外公开，群众不能申请查阅。可查询的档案见本页列表。"))
    if access.keeper_of(file.office_id) is None:  # nobody would ever answer the request
        raise ArchivesError(_("本单位尚未指定档案管理员，暂不受理查阅申请。"))
    _lendable(file)
    name = check_text(name, required=_("请填写姓名。"), limit=NAME_MAX)
    phone = contact.normalise_phone(phone, ArchivesError)
    purpose = check_text(purpose, required=_("请填写查阅目的。"), limit=PURPOSE_MAX)
    days = check_period(file.office_id, period_days)
    pending = count_rows(
        Loan,
        Loan.office_id == file.office_id,
        Loan.resident_phone == phone,
        Loan.status.in_((*PENDING_STATUSES, LoanStatus.OUT)),
    )
    if pending >= RESIDENT_MAX_PENDING:
        raise ArchivesError(_("您已有 %(n)d 项查阅申请正在办理，请办结后再申请。", n=pending))
    return _new_loan(
        file,
        _("群众查阅申请，%(days)d 个工作日", days=days),
        borrower_kind=BorrowerKind.RESIDENT,
        resident_name=name,
        resident_phone=phone,
        purpose=purpose,
        period_days=days,
        requested_at=now or utc_now(),
    )


# --- decisions --------------------------------------------------------------------------------


def needs_leader(loan: Loan) -> bool:
    """A restricted file needs a leader's approval besides the keeper's."""
    return loan.file.security == Security.RESTRICTED


def approvals_complete(loan: Loan) -> bool:
    """The keeper approved and, for a restricted file, a leader did too."""
    if loan.keeper_approved_by_id is None:
        return False
    return not needs_leader(loan) or loan.leader_approved_by_id is not None


def _tell_borrower(loan: Loan, title: str, body: str, key: str) -> None:
    if loan.borrower_id is not None:
        notify(
            loan.borrower_id,
            title,
            body,
            url=loan_url(loan),
            dedupe_key=f"archives:{key}:{loan.id}",
        )


def _approval_slot(loan: Loan, actor) -> str:
    """The approval ``actor`` gives: "keeper" or "leader"; ArchivesError when neither is
    theirs to give now."""
    for_keeper = access.approves_for_keeper(actor, loan)
    is_leader = access.is_leader_of(actor, loan.office_id)
    keeper_slot = for_keeper and loan.keeper_approved_by_id is None
    leader_slot = is_leader and needs_leader(loan) and loan.leader_approved_by_id is None
    # The keeper fills the keeper's slot; a leader fills the leader's slot first and stands
    # in for the keeper (on the keeper's own request) when that is the one still open.
    if keeper_slot and (not leader_slot or access.is_keeper(actor, loan.office_id)):
        slot, other = "keeper", loan.leader_approved_by_id
    elif is_leader and needs_leader(loan):
        if loan.leader_approved_by_id is not None:
            raise ArchivesError(_("已有领导批准过该申请。"))
        slot, other = "leader", loan.keeper_approved_by_id
    elif for_keeper:
        raise ArchivesError(_("您已批准过该申请。"))
    elif is_leader:
        raise ArchivesError(_("该档案不是限制级，由档案管理员审批即可。"))
    else:
        raise ArchivesError(
            _("只有本单位指定的档案管理员可以审批借阅申请；限制级档案另需本单位领导批准。")
        )
    if other == actor.id:
        raise ArchivesError(_("限制级档案须由档案管理员和领导两人分别批准。"))
    return slot


def approve(loan: Loan, actor_id: int | None, *, now: datetime | None = None) -> str:
    """Record the actor's approval (as keeper or, for a restricted file, as leader).

    Returns "keeper" or "leader". The request becomes approved once every approval it needs
    is there.
    """
    actor = access.person(actor_id)
    if not access.may_act_in(actor, loan.office_id):
        raise ArchivesError(_("您无权审批该单位的借阅申请。"))
    if loan.status != LoanStatus.REQUESTED:
        raise ArchivesError(
            _("该申请不在待审批状态（当前：%(status)s）。", status=loan.status.label)
        )
    if loan.borrower_id == actor.id:
        raise ArchivesError(_("不能审批自己的借阅申请。"))
    now = now or utc_now()
    role, note = _approval_slot(loan, actor), None
    if role == "keeper":
        loan.keeper_approved_by_id, loan.keeper_approved_at = actor.id, now
        kind = EventKind.KEEPER_APPROVED
        if not access.is_keeper(actor, loan.office_id):
            note = _("档案管理员本人的申请，由%(who)s代为审批。", who=actor.display_name)
    else:
        loan.leader_approved_by_id, loan.leader_approved_at = actor.id, now
        kind = EventKind.LEADER_APPROVED
    add_event(loan.file, kind, actor_id=actor.id, loan=loan, at=now, note=note)
    if approvals_complete(loan):
        loan.status = LoanStatus.APPROVED
        _tell_borrower(
            loan,
            _("档案借阅申请已批准"),
            _(
                "《%(title)s》（%(no)s）的借阅申请已批准，请到档案室办理借出。",
                title=loan.file.title,
                no=loan.file.catalogue_no,
            ),
            "approved",
        )
    return role


def reject(loan: Loan, actor_id: int | None, *, reason: str, now: datetime | None = None) -> None:
    """The keeper (or, for a restricted file, a leader) refuses a request, with a reason."""
    actor = access.person(actor_id)
    if not access.may_act_in(actor, loan.office_id):
        raise ArchivesError(_("您无权审批该单位的借阅申请。"))
    if loan.status not in PENDING_STATUSES:
        raise ArchivesError(
            _("该申请已办结（当前：%(status)s），不能再作决定。", status=loan.status.label)
        )
    if loan.borrower_id is not None and loan.borrower_id == actor.id:
        raise ArchivesError(_("不能审批自己的借阅申请。"))
    may = access.approves_for_keeper(actor, loan) or (
        needs_leader(loan) and access.is_leader_of(actor, loan.office_id)
    )
    if not may:
        raise ArchivesError(
            _("只有本单位指定的档案管理员可以审批借阅申请；限制级档案另需本单位领导批准。")
        )
    reason = check_text(reason, required=_("请填写不予批准的理由。"), limit=NOTE_MAX)
    now = now or utc_now()
    loan.status, loan.decided_by_id, loan.decision_note = LoanStatus.REJECTED, actor.id, reason
    add_event(loan.file, EventKind.REJECTED, actor_id=actor.id, loan=loan, at=now, note=reason)
    _tell_borrower(
        loan,
        _("档案借阅申请未获批准"),
        _("《%(title)s》的借阅申请未获批准：%(reason)s", title=loan.file.title, reason=reason),
        "rejected",
    )


def cancel(loan: Loan, actor_id: int | None, *, now: datetime | None = None) -> None:
    """The borrower withdraws a request not yet handed out (or the keeper does for them)."""
    actor = access.person(actor_id)
    if not access.may_act_in(actor, loan.office_id):
        raise ArchivesError(_("您无权撤回该申请。"))
    if loan.status not in PENDING_STATUSES:
        raise ArchivesError(
            _("只能撤回尚未借出的申请（当前：%(status)s）。", status=loan.status.label)
        )
    if loan.borrower_id != actor.id and not access.is_keeper(actor, loan.office_id):
        raise ArchivesError(_("只有申请人本人或档案管理员可以撤回申请。"))
    now = now or utc_now()
    loan.status, loan.decided_by_id = LoanStatus.CANCELLED, actor.id
    add_event(loan.file, EventKind.CANCELLED, actor_id=actor.id, loan=loan, at=now)


# --- hand-out and return --------------------------------------------------------------------


def _lock(loan: Loan) -> ArchiveFile:
    """Lock the file row, then re-read both rows as they are now."""
    file = db.session.scalar(
        select(ArchiveFile)
        .where(ArchiveFile.id == loan.file_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    db.session.refresh(loan)
    return file


def due_for(loan: Loan, handed_out_at: datetime):
    """The DueDate of a loan handed out at ``handed_out_at`` (working days, PRC calendar)."""
    return compute_due(handed_out_at, Limit(loan.period_days, LimitUnit.WORKING_DAYS))


def hand_out(
    loan: Loan, actor_id: int | None, *, condition: str, now: datetime | None = None
) -> Loan:
    """The keeper hands an approved file out, noting its condition; sets the due time."""
    actor = access.person(actor_id)
    if not access.may_act_in(actor, loan.office_id) or not access.is_keeper(actor, loan.office_id):
        raise ArchivesError(_("只有本单位指定的档案管理员可以办理借出。"))
    condition = check_text(
        condition, required=_("请记录借出时档案的完好情况（如：完好，共 35 页）。"), limit=NOTE_MAX
    )
    file = _lock(loan)
    if loan.status == LoanStatus.REQUESTED:
        if needs_leader(loan) and loan.keeper_approved_by_id and not loan.leader_approved_by_id:
            raise ArchivesError(_("限制级档案须经档案管理员和领导双重批准后才能借出。"))
        raise ArchivesError(_("该申请尚未批准，不能借出。"))
    if loan.status != LoanStatus.APPROVED:
        raise ArchivesError(_("该申请不能借出（当前：%(status)s）。", status=loan.status.label))
    if not approvals_complete(loan):
        # The file may have become restricted after the keeper's approval.
        raise ArchivesError(_("限制级档案须经档案管理员和领导双重批准后才能借出。"))
    if file.status == FileStatus.LOST:
        raise ArchivesError(_("该档案已登记遗失，不能借出。"))
    if file.status == FileStatus.LENT:
        raise ArchivesError(_("该档案已借出，归还后才能再借。"))
    now = now or utc_now()
    loan.status, loan.handed_out_at, loan.handed_out_by_id = LoanStatus.OUT, now, actor.id
    loan.condition_out = condition
    loan.due_at = due_for(loan, now).due_at
    file.status = FileStatus.LENT
    try:
        db.session.flush()
    except IntegrityError:
        # The one-open-loan index caught a hand-out that raced past the checks above.
        db.session.rollback()
        raise ArchivesError(_("该档案已借出，归还后才能再借。")) from None
    add_event(
        file,
        EventKind.HANDED_OUT,
        actor_id=actor.id,
        loan=loan,
        at=now,
        note=_("借出时状况：%(c)s", c=condition),
    )
    _tell_borrower(
        loan,
        _("档案已借出"),
        _(
            "您借阅的《%(title)s》（%(no)s）已借出，请在期限内归还。",
            title=file.title,
            no=file.catalogue_no,
        ),
        "out",
    )
    return loan


def out_loan_of(file: ArchiveFile) -> Loan | None:
    """The loan the file is out on, if any."""
    return db.session.scalar(
        select(Loan).where(Loan.file_id == file.id, Loan.status == LoanStatus.OUT)
    )


def return_file(
    loan: Loan, actor_id: int | None, *, condition: str, now: datetime | None = None
) -> Loan:
    """The keeper takes a lent file back, noting its condition."""
    actor = access.person(actor_id)
    if not access.may_act_in(actor, loan.office_id) or not access.is_keeper(actor, loan.office_id):
        raise ArchivesError(_("只有本单位指定的档案管理员可以办理归还。"))
    condition = check_text(condition, required=_("请记录归还时档案的完好情况。"), limit=NOTE_MAX)
    file = _lock(loan)
    if loan.status != LoanStatus.OUT:
        raise ArchivesError(
            _(
                "该档案没有在这次借阅中借出（当前：%(status)s），不能登记归还。",
                status=loan.status.label,
            )
        )
    now = now or utc_now()
    loan.status, loan.returned_at, loan.received_by_id = LoanStatus.RETURNED, now, actor.id
    loan.condition_in = condition
    file.status = FileStatus.IN_STORE
    add_event(
        file,
        EventKind.RETURNED,
        actor_id=actor.id,
        loan=loan,
        at=now,
        note=_("归还时状况：%(c)s", c=condition),
    )
    return loan


def return_by_file(
    file: ArchiveFile, actor_id: int | None, *, condition: str, now: datetime | None = None
) -> Loan:
    """Take a file back by its catalogue entry; refused when the file is not out."""
    loan = out_loan_of(file)
    if loan is None:
        raise ArchivesError(
            _("该档案当前未借出（状态：%(status)s），不能登记归还。", status=file.status.label)
        )
    return return_file(loan, actor_id, condition=condition, now=now)


# --- supervision ------------------------------------------------------------------------------


def loan_colour(loan: Loan, now: datetime | None = None) -> str | None:
    """ "green", "yellow" or "red" for a loan out (core.sla's rule); None otherwise."""
    if loan.status != LoanStatus.OUT or loan.due_at is None or loan.handed_out_at is None:
        return None
    return colour(now or utc_now(), loan.handed_out_at, loan.due_at)


def colour_label(name: str | None) -> str:
    """The Chinese word for a supervision colour."""
    labels = {"green": _("正常"), "yellow": _("即将到期"), "red": _("已逾期")}
    return labels.get(name or "", "")
