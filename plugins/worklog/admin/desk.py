"""The worklog desk: the feedback stages with each village's count (short villages in red),
the memo item with its notes and the printable memo sheet per office, and the log
supervision per cadre and month with the leader's check; each table exports as CSV/XLSX."""

from datetime import date

from flask import abort, current_app, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from core.kit import (
    ModuleView,
    Office,
    colour_label,
    db,
    export_response,
    format_local,
    format_local_date,
    get_scoped_or_404,
    local_today,
    scoped_office_ids,
    scoped_offices,
    submit,
    utc_now,
)
from plugins.worklog.admin.base import PluginTemplatesMixin
from plugins.worklog.forms import CheckForm, ConfirmForm, NoteForm
from plugins.worklog.models import FeedbackStage, MemoItem, WorkLog
from plugins.worklog.services import feedback, figures, logs, memo
from plugins.worklog.services.feedback import FIRST_YEAR, LAST_YEAR

PLUGIN = "worklog"
DUTY_ENDPOINT = "duty_rota.index"


MAX_ID = 2**31 - 1  # the databases' integer key


def month_arg(value: str | None) -> date:
    """The first day of the month ``YYYY-MM`` (this month when absent, malformed or outside
    the calendar's years)."""
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        if FIRST_YEAR <= year <= LAST_YEAR:
            return date(year, month, 1)
    except (ValueError, OverflowError):
        pass
    return local_today().replace(day=1)


def stage_or_404(stage_id: int) -> FeedbackStage:
    """A stage by id (every office with the module sees the township's stages), else 404."""
    stage = db.session.get(FeedbackStage, stage_id) if 0 < stage_id <= MAX_ID else None
    if stage is None:
        abort(404)
    return stage


def export_kind() -> str:
    """``xlsx`` when asked for, else ``csv``."""
    return "xlsx" if request.args.get("format") == "xlsx" else "csv"


class DeskView(PluginTemplatesMixin, ModuleView):
    """信息工作台."""

    def office_ids(self) -> set[int]:
        """Offices in the user's scope that have the module on."""
        return scoped_office_ids(current_user, PLUGIN)

    def render(self, template, **kwargs):
        """Render with the formatting helpers the worklog templates use."""
        helpers = {
            "format_local": format_local,
            "format_local_date": format_local_date,
            "colour_label": colour_label,
        }
        return super().render(template, **{**helpers, **kwargs})

    @expose("/")
    def index(self):
        """Stages, memo figures, this month's logs, and the link to the duty handover."""
        ids = self.office_ids()
        duty_url = url_for(DUTY_ENDPOINT) if DUTY_ENDPOINT in current_app.view_functions else None
        return self.render(
            "worklog/admin/index.html",
            stages=feedback.stages(limit=12),
            villages=figures.village_year(ids),
            memos=figures.memo_by_office(ids),
            offices=scoped_offices(current_user, PLUGIN),
            duty_url=duty_url,
        )

    # --- feedback --------------------------------------------------------------------------

    @expose("/stage/<int:stage_id>")
    def stage(self, stage_id):
        """One stage: each village's items against the minimum; after the end, the short."""
        stage = stage_or_404(stage_id)
        return self.render(
            "worklog/admin/stage.html",
            stage=stage,
            rows=feedback.stage_rows(stage, self.office_ids()),
            ended=stage.ends_on < local_today(),
            reminding=feedback.in_reminder_window(stage, local_today()),
        )

    @expose("/stage/<int:stage_id>/export")
    def stage_export(self, stage_id):
        """The stage's villages and counts as CSV/XLSX."""
        stage = stage_or_404(stage_id)
        rows = [
            [r.office, r.count, r.minimum, _("不足") if r.short else _("达标")]
            for r in feedback.stage_rows(stage, self.office_ids())
        ]
        headers = [_("村（社区）"), _("已反馈"), _("最少条数"), _("情况")]
        return export_response(export_kind(), f"worklog-stage-{stage.id}", headers, rows)

    # --- memo -----------------------------------------------------------------------------

    @expose("/memo/<int:memo_id>")
    def memo_item(self, memo_id):
        """A memo item with its progress and supervision notes."""
        item = get_scoped_or_404(MemoItem, memo_id, PLUGIN)
        return self.render(
            "worklog/admin/memo.html",
            item=item,
            colour=memo.item_colour(item),
            kinds=memo.KINDS,
            units=memo.UNITS,
            note_kinds=memo.NOTE_KINDS,
            note_form=NoteForm(),
            confirm_form=ConfirmForm(),
        )

    @expose("/memo/<int:memo_id>/note", methods=["POST"])
    def memo_note(self, memo_id):
        """Add a progress or supervision note."""
        item = get_scoped_or_404(MemoItem, memo_id, PLUGIN)
        return submit(
            NoteForm(),
            lambda f: memo.add_note(item, current_user, f.kind.data, f.body.data),
            success=_("记录已添加。"),
            back=url_for(".memo_item", memo_id=item.id),
        )

    @expose("/memo/<int:memo_id>/done", methods=["POST"])
    def memo_done(self, memo_id):
        """Mark the item done today."""
        item = get_scoped_or_404(MemoItem, memo_id, PLUGIN)
        return submit(
            ConfirmForm(),
            lambda f: memo.finish(item),
            success=_("已办结。"),
            back=url_for(".memo_item", memo_id=item.id),
            row=item,
        )

    @expose("/memo/sheet/<int:office_id>")
    def memo_sheet(self, office_id):
        """The office's printable memo sheet (A4, HTML print page)."""
        if office_id not in self.office_ids():
            abort(404)
        items = memo.office_items(office_id)
        now = utc_now()
        return self.render(
            "worklog/admin/sheet.html",
            office=db.session.get(Office, office_id),
            items=[(i, memo.item_colour(i, now)) for i in items],
            kinds=memo.KINDS,
            units=memo.UNITS,
            printed=now,
        )

    # --- logs -----------------------------------------------------------------------------

    @expose("/logs")
    def log_supervision(self):
        """Per cadre and month: working days up to today with and without a log."""
        month = month_arg(request.args.get("month"))
        return self.render(
            "worklog/admin/logs.html",
            month=month,
            rows=logs.month_figures(self.office_ids(), month),
        )

    @expose("/logs/export")
    def log_export(self):
        """The month's log supervision as CSV/XLSX."""
        month = month_arg(request.args.get("month"))
        rows = [
            [
                r.office,
                r.person,
                len(r.due),
                r.with_log,
                len(r.missing),
                r.checked,
                " ".join(f"{d:%m-%d}" for d in r.missing),
            ]
            for r in logs.month_figures(self.office_ids(), month)
        ]
        headers = [
            _("单位"),
            _("干部"),
            _("应填工作日"),
            _("已填"),
            _("未填"),
            _("已审阅"),
            _("未填日期"),
        ]
        return export_response(export_kind(), f"worklog-logs-{month:%Y-%m}", headers, rows)

    @expose("/log/<int:log_id>", methods=["GET", "POST"])
    def log(self, log_id):
        """One log; a leader records the check."""
        entry = get_scoped_or_404(WorkLog, log_id, PLUGIN)
        form = CheckForm()
        if request.method == "POST":
            return submit(
                form,
                lambda f: logs.check_by_leader(entry, current_user, f.note.data),
                success=_("审阅已记录。"),
                back=url_for(".log", log_id=entry.id),
                row=entry,
            )
        return self.render(
            "worklog/admin/log.html",
            entry=entry,
            form=form,
            may_check=current_user.role in logs.CHECK_ROLES and entry.user_id != current_user.id,
        )
