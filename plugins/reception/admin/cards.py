"""The desk's appointment-card screens: the open and finished cards with their colour, filling
《群众预约领导办公卡》, one card with its actions (leader back, trip longer, home visit,
outcome, withdrawal). Each action carries the card's version (a stale one changes nothing)."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.kit import (
    db,
    first_error,
    form_values,
    local_today,
    log_personal_view,
    permissions,
    submit,
)
from plugins.reception.admin.base import office_choices
from plugins.reception.errors import ReceptionError
from plugins.reception.forms import (
    CardForm,
    OutcomeForm,
    PostponeForm,
    ReturnForm,
    VisitForm,
    WithdrawCardForm,
)
from plugins.reception.models import AppointmentCard, CardStatus
from plugins.reception.services import cards as card_service
from plugins.reception.services import roster


class CardScreens:
    """The desk's card routes (mixed into ``DeskView``)."""

    @expose("/cards")
    def cards(self):
        """Open cards (with colour), cards awaiting their outcome, and the last finished."""
        scope = AppointmentCard.office_id.in_(self.office_ids()) | (
            AppointmentCard.leader_id == current_user.id
        )
        rows = db.session.scalars(
            select(AppointmentCard)
            .where(scope, AppointmentCard.status.in_((CardStatus.OPEN, CardStatus.VISITED)))
            .order_by(AppointmentCard.visit_due_at)
        ).all()
        finished = db.session.scalars(
            select(AppointmentCard)
            .where(scope, AppointmentCard.status.in_((CardStatus.DONE, CardStatus.WITHDRAWN)))
            .order_by(AppointmentCard.id.desc())
            .limit(30)
        ).all()
        return self.render(
            "reception/admin/cards.html",
            rows=rows,
            finished=finished,
            card_colour=card_service.card_colour,
            CardStatus=CardStatus,
        )

    @expose("/cards/new", methods=["GET", "POST"])
    def new_card(self):
        """Fill 《群众预约领导办公卡》 for a resident whose leader is away (a refusal keeps the
        input on the form)."""
        form = CardForm()
        form.office_id.choices = self._office_choices_in_scope()
        form.leader_id.choices = self._leader_choices()
        if request.method == "GET" and request.args.get("leader_id", type=int):
            form.leader_id.data = request.args.get("leader_id", type=int)
        if form.validate_on_submit():
            if form.office_id.data not in self.office_ids():
                abort(404)
            try:
                card = card_service.fill_card(
                    form.office_id.data,
                    card_service.CardInput(
                        **form_values(
                            form,
                            "leader_id name phone address village matter "
                            "expected_back_on away_reason",
                        ),
                    ),
                    actor_id=current_user.id,
                )
                db.session.commit()
            except ReceptionError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                flash(
                    _("预约卡 %(no)s 已填写。领导返回后将出现在领导的接待日程中。", no=card.number),
                    "success",
                )
                return redirect(url_for(".card", card_id=card.id))
        elif request.method == "POST":
            flash(first_error(form), "error")
        return self.render("reception/admin/card_form.html", form=form)

    def _visit_form(self, card: AppointmentCard) -> VisitForm:
        form = VisitForm()
        form.visitor_id.choices = [
            (u.id, u.display_name) for u in roster.eligible_leaders(card.office_id)
        ]
        form.responsible_office_id.choices = [(0, "—"), *office_choices()]
        return form

    @expose("/card/<int:card_id>")
    def card(self, card_id):
        """One card: what the resident asked, the leader's return, the visit, the outcome."""
        card = self._card(card_id)
        visit_form = self._visit_form(card)
        visit_form.visitor_id.data = card.leader_id
        visit_form.visited_on.data = local_today()
        show_personal = permissions.may_see_personal_data(current_user)
        if show_personal and (card.phone or card.address):
            log_personal_view(card, "phone", "address")
        case = None
        if card.case_id:
            from core.kit import Case

            case = db.session.get(Case, card.case_id)
        return self.render(
            "reception/admin/card.html",
            card=card,
            colour=card_service.card_colour(card),
            late=card_service.visited_late(card),
            back=card_service.leader_is_back(card),
            return_form=ReturnForm(),
            postpone_form=PostponeForm(),
            visit_form=visit_form,
            outcome_form=OutcomeForm(),
            withdraw_form=WithdrawCardForm(),
            CardStatus=CardStatus,
            case=case,
            show_personal=show_personal,
        )

    @expose("/card/<int:card_id>/<action>", methods=["POST"])
    def card_action(self, card_id, action):
        """Leader back, trip longer, home visit, outcome, withdrawal (with the card's version)."""
        card = self._card(card_id)
        if action not in CARD_ACTIONS:
            abort(404)
        form_class, call, message = CARD_ACTIONS[action]
        form = self._visit_form(card) if form_class is VisitForm else form_class()
        return submit(
            form,
            lambda f: call(card, f),
            success=message(),
            row=card,
            back=url_for(".card", card_id=card.id),
        )


# action: (form, call(card, form), success message)
CARD_ACTIONS = {
    "return": (
        ReturnForm,
        lambda card, f: card_service.record_return(card, back_on=f.back_on.data),
        lambda: _("已记录领导返回，走访期限从返回之日起算。"),
    ),
    "postpone": (
        PostponeForm,
        lambda card, f: card_service.postpone_return(
            card, expected_back_on=f.expected_back_on.data
        ),
        lambda: _("已更改预计返回日期。"),
    ),
    "visit": (
        VisitForm,
        lambda card, f: card_service.record_visit(
            card,
            visited_on=f.visited_on.data,
            findings=f.findings.data,
            resolution=f.resolution.data,
            visitor_id=f.visitor_id.data,
            actor_id=current_user.id,
            responsible_office_id=f.responsible_office_id.data or None,
        ),
        lambda: _("已登记上门走访情况。"),
    ),
    "outcome": (
        OutcomeForm,
        lambda card, f: card_service.register_outcome(
            card, outcome=f.outcome.data, satisfaction=f.satisfaction.data, actor_id=current_user.id
        ),
        lambda: _("办理结果已登记，预约卡办结。"),
    ),
    "withdraw": (
        WithdrawCardForm,
        lambda card, f: card_service.withdraw_card(card, reason=f.reason.data),
        lambda: _("预约卡已撤销。"),
    ),
}
