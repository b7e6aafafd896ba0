"""考评活动: the campaigns desk — create a campaign with its weights and bands, name the cadres
and their leaders and the supervision group, hand out codes, open, close and publish it, and
follow each group's progress and the results."""

from flask import url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.kit import (
    ModuleView,
    Role,
    User,
    db,
    first_error,
    format_local,
    format_local_date,
    local_today,
    public_url,
    run,
    scoped_offices,
    submit,
)
from plugins.evaluation.admin import access
from plugins.evaluation.errors import EvaluationError
from plugins.evaluation.forms import CadreForm, CampaignForm, CodesForm, ConfirmForm, SupervisorForm
from plugins.evaluation.models import CLOSED, DRAFT, OPEN, PUBLISHED, CadreResult, OfficeResult
from plugins.evaluation.services import campaigns, decisions, rectification, residents, staff
from plugins.evaluation.services.results import band_label

PLUGIN = campaigns.PLUGIN
_SETTINGS = (
    "title period_start period_end weight_residents weight_leaders weight_colleagues "
    "band_satisfied band_basic warning_below recognition_below"
).split()


def settings_of(form) -> campaigns.Settings:
    """The campaign settings a submitted form carries."""
    return campaigns.Settings(**{name: getattr(form, name).data for name in _SETTINGS})


def score_text(value) -> str:
    """A score as shown ("—" when nobody scored)."""
    return "—" if value is None else f"{value:.1f}"


class CampaignDesk(ModuleView):
    """考评活动: campaigns, their lists, codes, progress and results."""

    def _user_choices(self, where=()) -> list[tuple[int, str]]:
        query = select(User).where(User.active.is_(True), *where).order_by(User.display_name)
        return [
            (u.id, f"{u.display_name}（{u.office.name if u.office else '-'}）")
            for u in db.session.scalars(query)
        ]

    def _office_choices(self):
        return [(o.id, o.name) for o in scoped_offices(current_user, PLUGIN)]

    @expose("/")
    def index(self):
        """The campaigns the user reaches, and a new campaign's form for organisers."""
        form = CampaignForm()
        form.office_id.choices = self._office_choices()
        return self.render(
            "evaluation/admin/index.html",
            campaigns=access.visible_campaigns(),
            form=form,
            may_organise=access.may_organise(),
            ineligible=(
                decisions.ineligible(local_today().year, access.office_ids())
                if decisions.sees_all_cadres(current_user)
                else []
            ),
            year=local_today().year,
            status_label=campaigns.status_label,
            format_local_date=format_local_date,
        )

    @expose("/new", methods=["POST"])
    def create(self):
        """A new draft campaign (weights 70/20/10 unless changed)."""
        access.require_organiser()
        form = CampaignForm()
        form.office_id.choices = self._office_choices()

        def action(f):
            if f.office_id.data not in access.office_ids():
                raise EvaluationError(_("请选择您管辖范围内的组织单位。"))
            return campaigns.create_campaign(f.office_id.data, settings_of(f))

        return submit(
            form,
            action,
            success=_("考评活动已创建。"),
            back=lambda c: url_for(".campaign", campaign_id=c.id) if c else url_for(".index"),
        )

    @expose("/campaign/<int:campaign_id>")
    def campaign(self, campaign_id):
        """One campaign: settings, lists, progress, results, rectification tasks."""
        campaign = access.campaign_or_404(campaign_id)
        access.note_supervisor_visit(campaign, "campaign")
        return self.render("evaluation/admin/campaign.html", **self._context(campaign))

    def _context(self, campaign) -> dict:
        organiser = access.may_organise(campaign)
        settings = CampaignForm(obj=campaign, formdata=None)
        settings.office_id.choices = self._office_choices()
        cadre_form, supervisor_form = CadreForm(), SupervisorForm()
        cadre_form.user_id.choices = self._user_choices(
            (User.office_id.in_(list(access.office_ids())),)
        )
        cadre_form.leader_id.choices = [(0, _("（不指定）"))] + self._user_choices(
            (User.role == Role.LEADER,)
        )
        supervisor_form.user_id.choices = self._user_choices()
        sees_all = decisions.sees_all_cadres(current_user)
        cadre_results = db.session.scalars(
            select(CadreResult).where(CadreResult.campaign_id == campaign.id)
        ).all()
        return {
            "campaign": campaign,
            "organiser": organiser,
            "settings_form": settings,
            "cadre_form": cadre_form,
            "supervisor_form": supervisor_form,
            "codes_form": CodesForm(),
            "confirm_form": ConfirmForm(),
            "progress": staff.progress(campaign),
            "office_results": db.session.scalars(
                select(OfficeResult).where(OfficeResult.campaign_id == campaign.id)
            ).all(),
            "cadre_results": [
                r for r in cadre_results if sees_all or r.cadre.user_id == current_user.id
            ],
            "tasks": rectification.tasks_of([campaign.id]),
            "is_overdue": rectification.is_overdue,
            "status_label": campaigns.status_label,
            "band_label": band_label,
            "score_text": score_text,
            "format_local": format_local,
            "format_local_date": format_local_date,
            "states": {"draft": DRAFT, "open": OPEN, "closed": CLOSED, "published": PUBLISHED},
        }

    def _act(self, campaign_id, action, success):
        campaign = access.campaign_or_404(campaign_id)
        access.require_organiser(campaign)
        form = ConfirmForm()
        back = url_for(".campaign", campaign_id=campaign.id)
        return submit(form, lambda f: action(campaign), success=success, back=back, row=campaign)

    @expose("/campaign/<int:campaign_id>/settings", methods=["POST"])
    def settings(self, campaign_id):
        """Change a draft's name, period, weights and bands."""
        campaign = access.campaign_or_404(campaign_id)
        access.require_organiser(campaign)
        form = CampaignForm()
        form.office_id.choices = self._office_choices()
        return submit(
            form,
            lambda f: campaigns.update_campaign(campaign, settings_of(f)),
            success=_("考评设置已保存。"),
            back=url_for(".campaign", campaign_id=campaign.id),
            row=campaign,
        )

    @expose("/campaign/<int:campaign_id>/cadre", methods=["POST"])
    def add_cadre(self, campaign_id):
        """Name a cadre evaluated, with their leader."""
        campaign = access.campaign_or_404(campaign_id)
        access.require_organiser(campaign)
        form = CadreForm()

        def action(f):
            user = db.session.get(User, f.user_id.data) if f.user_id.data else None
            if user is not None and user.office_id not in access.office_ids():
                user = None
            leader = db.session.get(User, f.leader_id.data) if f.leader_id.data else None
            return campaigns.enrol_cadre(campaign, user, leader)

        return submit(
            form,
            action,
            success=_("已加入被考评名单。"),
            back=url_for(".campaign", campaign_id=campaign.id),
        )

    @expose("/campaign/<int:campaign_id>/supervisor", methods=["POST"])
    def add_supervisor(self, campaign_id):
        """Add a member to the supervision group."""
        campaign = access.campaign_or_404(campaign_id)
        access.require_organiser(campaign)
        form = SupervisorForm()
        return submit(
            form,
            lambda f: campaigns.name_supervisor(
                campaign, db.session.get(User, f.user_id.data) if f.user_id.data else None
            ),
            success=_("已加入监督小组。"),
            back=url_for(".campaign", campaign_id=campaign.id),
        )

    @expose("/campaign/<int:campaign_id>/open", methods=["POST"])
    def open(self, campaign_id):
        """Start the campaign: residents, leaders and colleagues may evaluate."""
        return self._act(campaign_id, campaigns.open_campaign, _("考评已开始。"))

    @expose("/campaign/<int:campaign_id>/close", methods=["POST"])
    def close(self, campaign_id):
        """End the campaign: results computed, rectification tasks raised."""
        return self._act(
            campaign_id,
            lambda c: campaigns.close_campaign(c, current_user.id),
            _("考评已结束，结果已计算，整改任务已派发。"),
        )

    @expose("/campaign/<int:campaign_id>/publish", methods=["POST"])
    def publish(self, campaign_id):
        """Publish each office's overall results to residents."""
        return self._act(campaign_id, campaigns.publish_campaign, _("单位考评结果已向群众公布。"))

    @expose("/campaign/<int:campaign_id>/codes", methods=["POST"])
    def codes(self, campaign_id):
        """Issue one-time codes and show the slips to print at the hall."""
        campaign = access.campaign_or_404(campaign_id)
        access.require_organiser(campaign)
        form = CodesForm()
        back = url_for(".campaign", campaign_id=campaign.id)
        if not form.validate_on_submit():
            return run(lambda: _refuse(first_error(form)), success=None, back=back)
        try:
            rows = residents.issue_codes(campaign, form.count.data, current_user.id)
            db.session.commit()
        except EvaluationError as exc:
            message = str(exc)
            return run(lambda: _refuse(message), success=None, back=back)
        return self.render(
            "evaluation/admin/codes.html",
            campaign=campaign,
            codes=[residents.contact.format_code(r.code) for r in rows],
            url=public_url("evaluation_public.index", office_code=campaign.office.code),
        )


def _refuse(message: str):
    """Raise the refusal ``run`` shows (nothing changed)."""
    db.session.rollback()
    raise EvaluationError(message)
