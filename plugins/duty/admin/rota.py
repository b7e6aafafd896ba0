"""The rota screen: each office's rule, the coming rest days with who is on duty (a gap in
red), swaps, generating from the rule, and the monthly figures with their export."""

from datetime import date, timedelta

from flask import abort, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.kit import (
    ModuleView,
    Office,
    Role,
    User,
    db,
    export_response,
    format_local,
    format_local_date,
    get_scoped_or_404,
    local_today,
    scoped_office_ids,
    scoped_offices,
    submit,
)
from plugins.duty.forms import ConfirmForm, GenerateForm, ItemForm, RuleForm, SwapForm
from plugins.duty.models import DutyAssignment, DutySwap
from plugins.duty.services import figures, handover, rota

PLUGIN = "duty"
HORIZON_DAYS = 42
RULE_ROLES = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN, Role.LEADER})


class RotaView(ModuleView):
    """值班表: rules, rest days ahead, gaps, swaps, figures."""

    def office_ids(self) -> set[int]:
        """Offices in the user's scope that have the module on."""
        return scoped_office_ids(current_user, PLUGIN)

    def _require_rule_role(self) -> None:
        if current_user.role not in RULE_ROLES:
            abort(403)

    def _staff_choices(self, office_ids) -> list[tuple[int, str]]:
        users = db.session.scalars(
            select(User)
            .where(User.office_id.in_(list(office_ids)), User.active.is_(True))
            .order_by(User.office_id, User.display_name)
        )
        return [(u.id, f"{u.display_name}（{u.office.name}）") for u in users]

    @expose("/")
    def index(self):
        """Rules and the rest days of the coming six weeks, gaps in red."""
        ids = self.office_ids()
        offices = scoped_offices(current_user, PLUGIN)
        today = local_today()
        end = today + timedelta(days=HORIZON_DAYS)
        generate_form = GenerateForm()
        generate_form.office_id.choices = [(o.id, o.name) for o in offices]
        swaps = db.session.scalars(
            select(DutySwap)
            .where(DutySwap.office_id.in_(ids))
            .order_by(DutySwap.id.desc())
            .limit(15)
        ).all()
        return self.render(
            "duty/admin/index.html",
            offices=offices,
            rules={o.id: rota.rule_for(o.id) for o in offices},
            days=rota.rest_days(today, end),
            table=rota.assignments(ids, today, end),
            gaps=set(rota.gaps(ids, today, end)),
            week_end=today + timedelta(days=7),
            generate_form=generate_form,
            swaps=swaps,
            may_change=current_user.role in RULE_ROLES,
            format_local_date=format_local_date,
            coverage=figures.coverage(ids, today.replace(day=1)),
            people=figures.after_hours_by_person(ids, today.replace(day=1)),
            handovers=figures.handovers(ids, today.replace(day=1)),
            overdue=handover.overdue(ids),
        )

    @expose("/rule/<int:office_id>", methods=["GET", "POST"])
    def rule(self, office_id):
        """An office's rule: who rotates, how many rest days each, from when, the duty phone."""
        self._require_rule_role()
        if office_id not in self.office_ids():
            abort(404)
        rule = rota.rule_for(office_id)
        form = RuleForm(obj=rule) if rule and request.method == "GET" else RuleForm()
        if rule and request.method == "GET":
            form.member_ids.data = rule.members
        form.member_ids.choices = self._staff_choices({office_id})
        if request.method == "POST":
            return submit(
                form,
                lambda f: rota.save_rule(
                    office_id,
                    member_ids=list(f.member_ids.data or []),
                    days_per_turn=f.days_per_turn.data,
                    starts_on=f.starts_on.data,
                    duty_phone=f.duty_phone.data,
                    hours_start=f.hours_start.data,
                    hours_end=f.hours_end.data,
                ),
                success=_("值班规则已保存。"),
                back=url_for(".rule", office_id=office_id),
                row=rule,
            )
        return self.render(
            "duty/admin/rule.html", form=form, rule=rule, office=db.session.get(Office, office_id)
        )

    @expose("/generate", methods=["POST"])
    def generate(self):
        """Assign the rest days of the coming weeks from the office's rule."""
        self._require_rule_role()
        form = GenerateForm()
        form.office_id.choices = [(o.id, o.name) for o in scoped_offices(current_user, PLUGIN)]

        def action(f):
            if f.office_id.data not in self.office_ids():
                abort(404)
            today = local_today()
            return rota.generate(f.office_id.data, today, today + timedelta(weeks=f.weeks.data))

        return submit(form, action, success=_("已按规则生成值班安排。"), back=url_for(".index"))

    @expose("/day/<int:assignment_id>", methods=["GET", "POST"])
    def day(self, assignment_id):
        """One rest day's assignment: change who is on duty, with the reason."""
        assignment = get_scoped_or_404(DutyAssignment, assignment_id, PLUGIN)
        form = SwapForm()
        form.to_user_id.choices = [
            (0, _("（无人值班）")),
            *self._staff_choices({assignment.office_id}),
        ]
        if request.method == "POST":
            self._require_rule_role()
            return submit(
                form,
                lambda f: rota.swap(
                    assignment,
                    to_user_id=f.to_user_id.data or None,
                    reason=f.reason.data,
                    actor_id=current_user.id,
                ),
                success=_("调班已记录。"),
                back=url_for(".day", assignment_id=assignment.id),
            )
        return self.render(
            "duty/admin/day.html",
            assignment=assignment,
            form=form,
            format_local_date=format_local_date,
            format_local=format_local,
            may_change=current_user.role in RULE_ROLES,
            report=handover.report_for(assignment),
            kinds=handover.KINDS,
            due=handover.due_at(assignment),
            item_form=ItemForm(),
            confirm_form=ConfirmForm(),
            is_mine=assignment.user_id == current_user.id,
            pledged=handover.has_pledged(
                assignment.office_id, current_user.id, handover.period_of(assignment.day)
            ),
        )

    @expose("/day/<int:assignment_id>/item", methods=["POST"])
    def add_item(self, assignment_id):
        """The person on duty adds a letter, visit or call to the day's report."""
        assignment = get_scoped_or_404(DutyAssignment, assignment_id, PLUGIN)
        return submit(
            ItemForm(),
            lambda f: handover.add_item(
                assignment,
                current_user.id,
                kind=f.kind.data,
                summary=f.summary.data,
                receipt_no=f.receipt_no.data,
            ),
            success=_("已加入交接报告。"),
            back=url_for(".day", assignment_id=assignment.id),
        )

    @expose("/day/<int:assignment_id>/file", methods=["POST"])
    def file_report(self, assignment_id):
        """The person on duty files the day's handover report."""
        assignment = get_scoped_or_404(DutyAssignment, assignment_id, PLUGIN)
        return submit(
            ConfirmForm(),
            lambda f: handover.file_report(assignment, current_user.id),
            success=_("交接报告已提交。"),
            back=url_for(".day", assignment_id=assignment.id),
            row=handover.report_for(assignment),
        )

    @expose("/day/<int:assignment_id>/pledge", methods=["POST"])
    def pledge(self, assignment_id):
        """The person on duty confirms the no-banquet rule for the period."""
        assignment = get_scoped_or_404(DutyAssignment, assignment_id, PLUGIN)
        return submit(
            ConfirmForm(),
            lambda f: handover.pledge(assignment, current_user.id),
            success=_("承诺已记录。"),
            back=url_for(".day", assignment_id=assignment.id),
        )

    @expose("/export")
    def export(self):
        """This month's (or ``?month=YYYY-MM``) coverage and after-hours figures as CSV/XLSX."""
        month = _month_arg(request.args.get("month"))
        kind = "xlsx" if request.args.get("format") == "xlsx" else "csv"
        ids = self.office_ids()
        rows = [
            [_("值班覆盖"), r.office, "", r.rest_days, r.staffed, r.share]
            for r in figures.coverage(ids, month)
        ]
        rows += [
            [_("延时服务案件"), r.office, r.person, r.count, "", ""]
            for r in figures.after_hours_by_person(ids, month)
        ]
        rows += [
            [_("交接报告按时"), r.office, "", r.due, r.on_time, r.share]
            for r in figures.handovers(ids, month)
        ]
        headers = [_("项目"), _("单位"), _("人员"), _("休息日/件数"), _("有人值班"), _("覆盖率")]
        return export_response(kind, f"duty-{month:%Y-%m}", headers, rows)


def _month_arg(value: str | None) -> date:
    """The first day of the month ``YYYY-MM`` (this month when absent or malformed)."""
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return local_today().replace(day=1)
