"""领导评和互评, a cadre's results, the leader's decision on 停职候岗 and the rectification tasks
with the supervisor's follow-up."""

from flask import abort, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.kit import ModuleView, Role, db, format_local, format_local_date, submit
from plugins.evaluation.admin import access
from plugins.evaluation.admin.desk import band_label, score_text
from plugins.evaluation.forms import DecisionForm, FollowUpForm, ScoreForm
from plugins.evaluation.models import OPEN, Campaign, CampaignCadre, RectificationTask
from plugins.evaluation.services import campaigns, decisions, rectification, staff


def _row_or_404(model, row_id: int):
    row = db.session.get(model, row_id) if 0 < row_id < 2**31 else None
    if row is None:
        abort(404)
    return row


class PeopleDesk(ModuleView):
    """Scoring, cadres' results and decisions, rectification tasks."""

    @expose("/")
    def index(self):
        """The cadres the user scores in running campaigns (leader or colleague)."""
        running = db.session.scalars(
            select(Campaign).where(Campaign.status == OPEN).order_by(Campaign.id.desc())
        ).all()
        rows = [(c, staff.to_score(c, current_user.id)) for c in running]
        return self.render(
            "evaluation/admin/scoring.html",
            rows=[(c, items) for c, items in rows if items],
            form=ScoreForm(),
        )

    @expose("/score/<int:cadre_id>", methods=["POST"])
    def score(self, cadre_id):
        """Record (or correct) the user's score of one cadre; never their own."""
        cadre = _row_or_404(CampaignCadre, cadre_id)
        if staff.role_towards(cadre, current_user.id) is None and cadre.user_id != current_user.id:
            abort(404)
        return submit(
            ScoreForm(),
            lambda f: staff.score(cadre, current_user.id, f.score.data),
            success=_("评分已记录。"),
            back=url_for(".index"),
        )

    def _cadre_or_404(self, cadre_id) -> CampaignCadre:
        cadre = _row_or_404(CampaignCadre, cadre_id)
        access.campaign_or_404(cadre.campaign_id)
        if not decisions.may_see_cadre(current_user, cadre):
            abort(403)
        return cadre

    @expose("/cadre/<int:cadre_id>")
    def cadre(self, cadre_id):
        """A cadre's parts, total, band and flags (leaders, auditors, the cadre only)."""
        cadre = self._cadre_or_404(cadre_id)
        access.note_supervisor_visit(cadre.campaign, "cadre", cadre.id)
        return self.render(
            "evaluation/admin/cadre.html",
            cadre=cadre,
            result=decisions.result_of(cadre),
            decision=decisions.decision_of(cadre),
            form=DecisionForm(),
            may_decide=current_user.role == Role.LEADER,
            band_label=band_label,
            score_text=score_text,
            format_local=format_local,
        )

    @expose("/cadre/<int:cadre_id>/decide", methods=["POST"])
    def decide(self, cadre_id):
        """A leader's recorded decision on 停职候岗 of a cadre residents did not recognise."""
        cadre = self._cadre_or_404(cadre_id)
        return submit(
            DecisionForm(),
            lambda f: decisions.decide(
                cadre, current_user, suspend=f.suspend.data, reason=f.reason.data
            ),
            success=_("决定已记录。"),
            back=url_for(".cadre", cadre_id=cadre.id),
        )

    def _task_or_404(self, task_id) -> RectificationTask:
        task = _row_or_404(RectificationTask, task_id)
        campaign = access.campaign_or_404(task.campaign_id)
        if task.office_id not in access.office_ids() and not campaigns.is_supervisor(
            campaign, current_user.id
        ):
            abort(404)
        return task

    @expose("/task/<int:task_id>")
    def task(self, task_id):
        """A rectification task: its case, deadline, supervisor and any attribution."""
        task = self._task_or_404(task_id)
        access.note_supervisor_visit(task.cadre.campaign, "task", task.id)
        return self.render(
            "evaluation/admin/task.html",
            task=task,
            overdue=rectification.is_overdue(task),
            form=FollowUpForm(),
            may_follow_up=task.supervisor_id == current_user.id,
            format_local=format_local,
            format_local_date=format_local_date,
        )

    @expose("/task/<int:task_id>/follow-up", methods=["POST"])
    def follow_up(self, task_id):
        """The supervisor of record records their follow-up (督办)."""
        task = self._task_or_404(task_id)
        return submit(
            FollowUpForm(),
            lambda f: rectification.follow_up(task, current_user.id, f.note.data),
            success=_("督办情况已登记。"),
            back=url_for(".task", task_id=task.id),
        )
