"""The lending desk (借阅工作台): requests, approvals, hand-out and return with the file's
condition, a file's history, what is out now with its colour, the printable lending register
and its CSV/XLSX export. Every change goes through ``services`` so the rules hold whatever
the screen; every action on a loan or a file carries the row's version.
"""

from flask import abort, flash, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.kit import (
    ModuleView,
    Office,
    audited_export,
    db,
    form_values,
    format_local,
    get_scoped_or_404,
    local_day,
    local_today,
    log_personal_view,
    permissions,
    scoped_office_ids,
    submit,
    working_days_between,
)
from plugins.archives import access
from plugins.archives.errors import ArchivesError
from plugins.archives.forms import (
    ConditionForm,
    ConfirmForm,
    LossForm,
    ReasonForm,
    RequestForm,
)
from plugins.archives.models import ArchiveFile, BorrowerKind, FileStatus, Loan, LoanStatus
from plugins.archives.services import lending, losses
from plugins.archives.services import register as lending_register

BADGES = {"green": "badge-success", "yellow": "badge-warning", "red": "badge-danger"}


def badge_class(colour: str | None) -> str:
    """The Bootstrap badge class of a supervision colour."""
    return BADGES.get(colour or "", "badge-secondary")


class DeskView(ModuleView):
    """The lending desk: requests, approvals, hand-out and return, history, register."""

    def _offices(self) -> set[int]:
        return scoped_office_ids(current_user, access.PLUGIN)

    # --- pages --------------------------------------------------------------------------

    @expose("/")
    def index(self):
        """Requests waiting for approval or hand-out, the user's own loans, a request form."""
        offices = self._offices()
        pending = db.session.scalars(
            select(Loan)
            .where(Loan.office_id.in_(offices), Loan.status == LoanStatus.REQUESTED)
            .order_by(Loan.requested_at)
        ).all()
        approved = db.session.scalars(
            select(Loan)
            .where(Loan.office_id.in_(offices), Loan.status == LoanStatus.APPROVED)
            .order_by(Loan.requested_at)
        ).all()
        mine = db.session.scalars(
            select(Loan)
            .where(Loan.borrower_id == current_user.id)
            .order_by(Loan.id.desc())
            .limit(20)
        ).all()
        return self.render(
            "archives/admin/desk_index.html",
            pending=pending,
            approved=approved,
            mine=mine,
            form=RequestForm(),
            confirm_form=ConfirmForm(),
            may_request=self._may_request(),
            awaits_me=lambda loan: self._awaits(loan),
            local_time=format_local,
            keeper_here=access.is_keeper(current_user, current_user.office_id),
        )

    def _may_request(self) -> bool:
        return access.may_act_in(current_user, current_user.office_id)

    def _awaits(self, loan: Loan) -> bool:
        """True when the current user's approval is the one the request is waiting for."""
        if loan.borrower_id == current_user.id:
            return False
        if loan.keeper_approved_by_id is None and access.approves_for_keeper(current_user, loan):
            return True
        return (
            lending.needs_leader(loan)
            and loan.leader_approved_by_id is None
            and loan.keeper_approved_by_id != current_user.id
            and access.is_leader_of(current_user, loan.office_id)
        )

    @expose("/out")
    def out_now(self):
        """What is out now, soonest due first, with its supervision colour."""
        loans = db.session.scalars(
            select(Loan)
            .where(Loan.office_id.in_(self._offices()), Loan.status == LoanStatus.OUT)
            .order_by(Loan.due_at)
        ).all()
        today = local_today()
        rows = []
        for loan in loans:
            tone = lending.loan_colour(loan)
            due_day = local_day(loan.due_at)
            rows.append(
                {
                    "loan": loan,
                    "colour": tone,
                    "label": lending.colour_label(tone),
                    "badge": badge_class(tone),
                    "days": working_days_between(today, due_day),
                }
            )
        return self.render("archives/admin/out_now.html", rows=rows, local_time=format_local)

    @expose("/file/<int:file_id>")
    def file_page(self, file_id):
        """A file: facts, items, current loan, history (loans, approvals, conditions, loss)."""
        file = get_scoped_or_404(ArchiveFile, file_id, access.PLUGIN)
        out = lending.out_loan_of(file)
        return self.render(
            "archives/admin/file.html",
            file=file,
            out=out,
            out_colour=lending.loan_colour(out) if out else None,
            badge_class=badge_class,
            colour_label=lending.colour_label,
            local_time=format_local,
            request_form=RequestForm(),
            condition_form=ConditionForm(),
            loss_form=LossForm(),
            may_request=(
                self._may_request()
                and current_user.office_id == file.office_id
                and file.status != FileStatus.LOST
            ),
            is_keeper=access.is_keeper(current_user, file.office_id),
            may_report_loss=(
                access.may_report_loss(current_user, file.office_id)
                and file.status != FileStatus.LOST
            ),
            max_days=access.max_loan_days(file.office_id),
            keeper=access.keeper_of(file.office_id),
        )

    @expose("/loan/<int:loan_id>")
    def loan_page(self, loan_id):
        """One loan: the borrower (a resident's phone in full for roles allowed it, logged),
        approvals, hand-out and return, and the actions the user may take."""
        loan = get_scoped_or_404(Loan, loan_id, access.PLUGIN)
        show_phone = (
            loan.borrower_kind == BorrowerKind.RESIDENT
            and permissions.may_see_personal_data(current_user)
        )
        if show_phone:
            log_personal_view(loan, "resident_name", "resident_phone")
        tone = lending.loan_colour(loan)
        is_keeper = access.is_keeper(current_user, loan.office_id)
        writable = access.may_act_in(current_user, loan.office_id)
        return self.render(
            "archives/admin/loan.html",
            loan=loan,
            show_phone=show_phone,
            colour=tone,
            colour_label=lending.colour_label(tone),
            badge=badge_class(tone),
            local_time=format_local,
            awaits_me=writable and self._awaits(loan),
            is_keeper=writable and is_keeper,
            may_reject=writable
            and loan.borrower_id != current_user.id
            and (
                access.approves_for_keeper(current_user, loan)
                or (
                    lending.needs_leader(loan) and access.is_leader_of(current_user, loan.office_id)
                )
            ),
            may_cancel=writable and (loan.borrower_id == current_user.id or is_keeper),
            needs_leader=lending.needs_leader(loan),
            confirm_form=ConfirmForm(),
            reason_form=ReasonForm(),
            condition_form=ConditionForm(),
            LoanStatus=LoanStatus,
        )

    # --- requests and decisions ---------------------------------------------------------

    def _request(self, file: ArchiveFile, form: RequestForm):
        return lending.request_by_staff(
            file, current_user.id, purpose=form.purpose.data, period_days=form.period_days.data
        )

    @expose("/request", methods=["POST"])
    def request_by_number(self):
        """A request typed on the desk with the file's catalogue number."""

        def action(form):
            """Find the file among the user's office's, then request it."""
            number = (form.catalogue_no.data or "").strip().upper()
            file = db.session.scalar(
                select(ArchiveFile).where(
                    ArchiveFile.office_id == current_user.office_id,
                    ArchiveFile.catalogue_no == number,
                )
            )
            if file is None or file.office_id not in self._offices():
                raise ArchivesError(_("本单位没有档号为“%(no)s”的档案。", no=number))
            return self._request(file, form)

        return submit(
            RequestForm(),
            action,
            success=_("借阅申请已提交，等待档案管理员审批。"),
            back=url_for(".index"),
        )

    @expose("/file/<int:file_id>/request", methods=["POST"])
    def request_file(self, file_id):
        """A staff member asks to borrow the file shown."""
        file = get_scoped_or_404(ArchiveFile, file_id, access.PLUGIN)
        return submit(
            RequestForm(),
            lambda form: self._request(file, form),
            success=_("借阅申请已提交，等待档案管理员审批。"),
            back=url_for(".file_page", file_id=file.id),
        )

    @expose("/loan/<int:loan_id>/approve", methods=["POST"])
    def approve(self, loan_id):
        """The keeper's or (restricted files) a leader's approval."""
        loan = get_scoped_or_404(Loan, loan_id, access.PLUGIN)

        def still_needed(role):
            """After a commit: say whose approval the request still waits for."""
            if loan.status == LoanStatus.REQUESTED:
                flash(
                    _("还需本单位领导批准（限制级档案）。")
                    if role == "keeper"
                    else _("还需档案管理员批准。"),
                    "info",
                )

        return submit(
            ConfirmForm(),
            lambda form: lending.approve(loan, current_user.id),
            success=_("已批准。"),
            back=url_for(".loan_page", loan_id=loan.id),
            row=loan,
            after_commit=still_needed,
        )

    def _act(self, model, row_id, form, action, success: str, fields: str = ""):
        """Load a loan or file in scope and run ``action(row, user id, **form's fields)`` on
        it, carrying its version, back to its page."""
        row = get_scoped_or_404(model, row_id, access.PLUGIN)
        back = (
            url_for(".loan_page", loan_id=row.id)
            if model is Loan
            else url_for(".file_page", file_id=row.id)
        )
        return submit(
            form,
            lambda f: action(row, current_user.id, **form_values(f, fields)),
            success=success,
            back=back,
            row=row,
        )

    @expose("/loan/<int:loan_id>/reject", methods=["POST"])
    def reject(self, loan_id):
        """Refuse a request, with a reason the borrower is told."""
        done = _("已不予批准，申请人会收到通知。")
        return self._act(Loan, loan_id, ReasonForm(), lending.reject, done, "reason")

    @expose("/loan/<int:loan_id>/cancel", methods=["POST"])
    def cancel(self, loan_id):
        """Withdraw a request not yet handed out."""
        return self._act(Loan, loan_id, ConfirmForm(), lending.cancel, _("申请已撤回。"))

    # --- hand-out, return, loss ---------------------------------------------------------

    @expose("/loan/<int:loan_id>/hand-out", methods=["POST"])
    def hand_out(self, loan_id):
        """The keeper hands the file out, noting its condition."""
        done = _("已借出，应还时间已按工作日计算。")
        return self._act(Loan, loan_id, ConditionForm(), lending.hand_out, done, "condition")

    @expose("/loan/<int:loan_id>/return", methods=["POST"])
    def return_loan(self, loan_id):
        """The keeper takes the file of this loan back, noting its condition."""
        done = _("已登记归还。")
        return self._act(Loan, loan_id, ConditionForm(), lending.return_file, done, "condition")

    @expose("/file/<int:file_id>/return", methods=["POST"])
    def return_file(self, file_id):
        """The keeper takes the file back from its page (refused when it is not out)."""
        done = _("已登记归还。")
        return self._act(
            ArchiveFile, file_id, ConditionForm(), lending.return_by_file, done, "condition"
        )

    @expose("/file/<int:file_id>/loss", methods=["POST"])
    def report_loss(self, file_id):
        """Report the file lost, traced to its borrower and keeper of record."""
        done = _("已登记遗失，并通知经手档案管理员和本单位领导。")
        return self._act(
            ArchiveFile, file_id, LossForm(), losses.report_loss, done, "circumstances"
        )

    # --- the lending register -----------------------------------------------------------

    def _register_year(self) -> int:
        raw = request.args.get("year", "")
        year = int(raw) if raw.isdigit() else local_today().year
        return year if 1900 <= year <= 2100 else local_today().year

    def _register_offices(self) -> list[int]:
        offices = self._offices()
        raw = request.args.get("office", "")
        if raw.isdigit() and int(raw) in offices:
            return [int(raw)]
        return sorted(offices)

    @expose("/register")
    def register(self):
        """The printable lending register of a year (借阅登记簿)."""
        year = self._register_year()
        office_ids = self._register_offices()
        loans = lending_register.register_loans(office_ids, year)
        offices = db.session.scalars(
            select(Office).where(Office.id.in_(office_ids)).order_by(Office.sort_order, Office.code)
        ).all()
        return self.render(
            "archives/admin/register.html",
            year=year,
            offices=offices,
            headers=lending_register.headers(),
            rows=lending_register.rows(loans),
            printed=local_today(),
        )

    @expose("/register/export/<export_type>")
    def register_export(self, export_type):
        """The register as CSV or XLSX (no phone numbers; recorded in the audit log)."""
        if export_type not in ("csv", "xlsx"):
            abort(404)
        year = self._register_year()
        office_ids = self._register_offices()
        loans = lending_register.register_loans(office_ids, year)
        return audited_export(
            export_type,
            _("借阅登记簿-%(year)d", year=year),
            lending_register.headers(),
            lending_register.rows(loans),
            target_type="archive_loan",
            office_id=office_ids[0] if len(office_ids) == 1 else None,
            view="archives_desk.register",
            year=year,
            offices=office_ids,
        )
