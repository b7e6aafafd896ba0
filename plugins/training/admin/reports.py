"""The report screens: the compliance table (with CSV/XLSX export), each person's page, and
the chart of hours per month per office."""

from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import extract, func, select

from core.kit import (
    ModuleView,
    audited_export,
    db,
    get_scoped_or_404,
    local_today,
    scoped_office_ids,
    scoped_offices,
)
from plugins.training.admin.base import PluginTemplatesMixin, int_arg, month_label
from plugins.training.charts import line_chart
from plugins.training.compliance import MONTHS, ComplianceReport, Status, compute_compliance
from plugins.training.models import (
    Attendance,
    Group,
    SelfStudyLog,
    StudyNote,
    Technique,
    TrainingPerson,
    TrainingSession,
)
from plugins.training.rules import resolve_rules
from plugins.training.services import PLUGIN, person_of

PAGE_SIZE = 100
STATUS_CLASSES = {
    Status.OK: "table-success",
    Status.SHORT: "table-danger",
    Status.PENDING: "table-warning",
    Status.NA: "",
    Status.NONE: "text-muted",
}
CHECK_LABELS = {
    "self_study": _l("自学学时"),
    "participation": _l("参训率"),
    "notes": _l("学习笔记字数"),
    "techniques": _l("实用技术"),
    "township_days": _l("镇集中培训天数"),
    "village_days": _l("村集中学习天数"),
    "people": _l("人员达标"),
}


def _short_reasons(checks: dict) -> str:
    return _("、").join(str(CHECK_LABELS[k]) for k, v in checks.items() if v == Status.SHORT)


class ComplianceView(PluginTemplatesMixin, ModuleView):
    """Who and which unit meets the rulebook, by month or for the year."""

    def _params(self):
        today = local_today()
        year = int_arg("year", today.year, 2000, today.year + 1)
        month = int_arg("month", None, 1, 12)
        offices = scoped_offices(current_user, PLUGIN)
        office_id = int_arg("office", None, 1, 2**31)
        if office_id is not None and office_id not in {o.id for o in offices}:
            abort(404)
        return year, month, office_id, offices

    def _report(self, year, office_id) -> ComplianceReport:
        scope = {office_id} if office_id else scoped_office_ids(current_user, PLUGIN)
        return compute_compliance(year, scope)

    @staticmethod
    def _cell(item, month):
        return item.months[month] if month else item.year

    @expose("/")
    def index(self):
        """The units table and a page of people, for a month or the year."""
        year, month, office_id, offices = self._params()
        report = self._report(year, office_id)
        short_only = request.args.get("short") == "1"
        people = report.people
        if short_only:
            people = [p for p in people if self._cell(p, month).status == Status.SHORT]
        page = int_arg("page", 1, 1, 10**6)
        pages = max(1, (len(people) + PAGE_SIZE - 1) // PAGE_SIZE)
        shown = people[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        return self.render(
            "training/admin/compliance.html",
            report=report,
            year=year,
            month=month,
            office_id=office_id,
            offices=offices,
            short_only=short_only,
            people=shown,
            total_people=len(people),
            page=page,
            pages=pages,
            months=list(MONTHS),
            cell=self._cell,
            status_classes=STATUS_CLASSES,
            check_labels=CHECK_LABELS,
            Group=Group,
            month_label=month_label,
            short_reasons=_short_reasons,
            Status=Status,
            short_people=sum(
                1 for p in report.people if self._cell(p, month).status == Status.SHORT
            ),
            short_units=sum(1 for u in report.units if self._cell(u, month).status == Status.SHORT),
        )

    @expose("/export/<export_type>/")
    def export(self, export_type):
        """The people (``what=people``) or units (``what=units``) table as CSV or XLSX."""
        if export_type not in ("csv", "xlsx"):
            abort(404)
        year, month, office_id, _offices = self._params()
        report = self._report(year, office_id)
        what = request.args.get("what", "people")
        period = f"{year}-{month:02d}" if month else str(year)
        if what == "units":
            headers, rows = self._unit_rows(report, month)
        else:
            headers, rows = self._people_rows(report, month)
        name = _("学习培训达标情况") + f"_{what}_{period}"
        return audited_export(
            export_type,
            name,
            headers,
            rows,
            target_type="training_compliance",
            what=what,
            period=period,
            office=office_id,
        )

    def _people_rows(self, report, month):
        headers = [
            _("姓名"),
            _("类别"),
            _("单位"),
            _("自学学时"),
            _("应到次数"),
            _("出席"),
            _("请假"),
            _("缺席"),
            _("参训率%"),
            _("集中学习天数"),
            _("笔记字数（本年累计）"),
            _("实用技术（累计）"),
            _("结论"),
            _("未达标项目"),
        ]
        if not month:
            headers[3:3] = [_("%(month)s学时", month=month_label(m)) for m in MONTHS]
        rows = []
        for p in report.people:
            c = self._cell(p, month)
            row = [
                p.name,
                p.group.label,
                p.office_name,
                round(c.hours, 2),
                c.required,
                c.present,
                c.excused,
                c.absent,
                None if c.rate is None else round(c.rate, 1),
                round(c.attended_days, 2),
                c.notes_chars_to_date,
                c.techniques_to_date,
                c.status.label,
                _short_reasons(c.checks),
            ]
            if not month:
                row[3:3] = [round(p.months[m].hours, 2) for m in MONTHS]
            rows.append(row)
        return headers, rows

    def _unit_rows(self, report, month):
        headers = (
            [
                _("单位"),
                _("在册人数"),
                _("未达标人数"),
                _("自学学时合计"),
                _("镇集中培训天数"),
                _("村集中学习天数"),
            ]
            + [_("%(g)s参训率%%", g=g.label) for g in Group]
            + [_("结论"), _("未达标项目")]
        )
        rows = []
        for u in report.units:
            c = self._cell(u, month)
            rates = [None if c.rate(g) is None else round(c.rate(g), 1) for g in Group]
            rows.append(
                [
                    u.name,
                    c.people,
                    c.short_people,
                    round(c.hours, 2),
                    round(c.township_days, 2),
                    round(c.village_days, 2),
                    *rates,
                    c.status.label,
                    _short_reasons(c.checks),
                ]
            )
        return headers, rows

    @expose("/person/<int:person_id>/")
    def person(self, person_id):
        """One person's year: monthly hours and verdicts, sessions, self-study, notes,
        techniques."""
        person = get_scoped_or_404(TrainingPerson, person_id, PLUGIN)
        today = local_today()
        year = int_arg("year", today.year, 2000, today.year + 1)
        report = compute_compliance(year, {person.office_id})
        result = next((p for p in report.people if p.id == person.id), None)
        start, end = date(year, 1, 1), date(year, 12, 31)
        logs = db.session.scalars(
            select(SelfStudyLog)
            .where(SelfStudyLog.person_id == person.id, SelfStudyLog.studied_on.between(start, end))
            .order_by(SelfStudyLog.studied_on.desc())
        ).all()
        notes = db.session.scalars(
            select(StudyNote)
            .where(StudyNote.person_id == person.id, StudyNote.written_on.between(start, end))
            .order_by(StudyNote.written_on.desc())
        ).all()
        techniques = db.session.scalars(
            select(Technique)
            .where(Technique.person_id == person.id)
            .order_by(Technique.mastered_on)
        ).all()
        attendance = db.session.execute(
            select(Attendance, TrainingSession)
            .join(TrainingSession)
            .where(Attendance.person_id == person.id, TrainingSession.held_on.between(start, end))
            .order_by(TrainingSession.held_on.desc())
        ).all()
        return self.render(
            "training/admin/person.html",
            person=person,
            result=result,
            report=report,
            year=year,
            logs=logs,
            notes=notes,
            techniques=techniques,
            attendance=attendance,
            months=list(MONTHS),
            status_classes=STATUS_CLASSES,
            check_labels=CHECK_LABELS,
            short_reasons=_short_reasons,
            Status=Status,
            month_label=month_label,
        )

    @expose("/me/")
    def me(self):
        """The signed-in cadre's own page."""
        person = person_of()
        if person is None:
            flash(_("您的账号尚未登记为学习培训人员，请联系本单位管理员。"), "warning")
            return redirect(url_for(".index"))
        return redirect(url_for(".person", person_id=person.id))


class HoursChartView(PluginTemplatesMixin, ModuleView):
    """Self-study class hours per month per office, as an SVG chart and a table."""

    @expose("/")
    def index(self):
        """The SVG chart (average or total per office) and its data table."""
        today = local_today()
        year = int_arg("year", today.year, 2000, today.year + 1)
        measure = "total" if request.args.get("measure") == "total" else "average"
        offices = scoped_offices(current_user, PLUGIN)
        ids = sorted(o.id for o in offices)
        month = extract("month", SelfStudyLog.studied_on)
        totals: dict[tuple[int, int], float] = {}
        if ids:
            for office_id, m, hours in db.session.execute(
                select(SelfStudyLog.office_id, month, func.sum(SelfStudyLog.hours))
                .where(
                    SelfStudyLog.office_id.in_(ids),
                    SelfStudyLog.studied_on.between(date(year, 1, 1), date(year, 12, 31)),
                )
                .group_by(SelfStudyLog.office_id, month)
            ):
                totals[(office_id, int(m))] = float(hours or 0)
        headcount = (
            dict(
                db.session.execute(
                    select(TrainingPerson.office_id, func.count())
                    .where(TrainingPerson.active, TrainingPerson.office_id.in_(ids))
                    .group_by(TrainingPerson.office_id)
                ).all()
            )
            if ids
            else {}
        )
        rows = []
        for office in offices:
            if not headcount.get(office.id) and not any(totals.get((office.id, m)) for m in MONTHS):
                continue
            hours = [totals.get((office.id, m), 0.0) for m in MONTHS]
            people = headcount.get(office.id, 0)
            average = [round(h / people, 1) if people else 0.0 for h in hours]
            rows.append((office, people, hours, average))
        series = [
            (o.name, average if measure == "average" else hours) for o, _n, hours, average in rows
        ]
        rules = resolve_rules([o.id for o, *_r in rows])
        minimums = {r.self_study_hours_min for r in rules.values()}
        threshold = minimums.pop() if measure == "average" and len(minimums) == 1 else None
        title = (
            _("%(y)d 年各单位每月自学学时（人均）", y=year)
            if measure == "average"
            else _("%(y)d 年各单位每月自学学时（合计）", y=year)
        )
        chart = (
            line_chart(
                series,
                [month_label(m) for m in MONTHS],
                title=title,
                y_label=_("课时"),
                threshold=threshold,
                threshold_label=_("每月要求 %(h)s 课时", h=format(threshold, "g"))
                if threshold
                else "",
            )
            if series
            else None
        )
        return self.render(
            "training/admin/chart.html",
            chart=chart,
            rows=rows,
            year=year,
            measure=measure,
            months=list(MONTHS),
            title=title,
            month_label=month_label,
        )
