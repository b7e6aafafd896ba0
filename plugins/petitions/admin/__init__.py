"""Staff screens of the petitions module, one module per screen group: ``petitions`` (the
register and the procedure), ``register`` (登记), ``records`` (petitioners, notices),
``mediation`` (三级调处), ``reception`` (信访旁听), ``supervision`` (督查)."""

from flask_babel import lazy_gettext as _l

from core.kit import db


def admin_views() -> list:
    """The module's staff screens, in menu order."""
    from plugins.petitions.admin.mediation import DisputeView, MediationSessionView
    from plugins.petitions.admin.petitions import PetitionView
    from plugins.petitions.admin.reception import ReceptionSessionView
    from plugins.petitions.admin.records import NoticeView, PetitionerView
    from plugins.petitions.admin.register import RegisterView
    from plugins.petitions.admin.supervision import SupervisionView
    from plugins.petitions.models import (
        Dispute,
        MediationSession,
        Petition,
        Petitioner,
        PetitionNotice,
        ReceptionSession,
    )

    return [
        PetitionView(Petition, db, name=_l("信访事项"), endpoint="petitions"),
        RegisterView(name=_l("登记信访"), endpoint="register"),
        NoticeView(PetitionNotice, db, name=_l("信访文书"), endpoint="notices"),
        PetitionerView(Petitioner, db, name=_l("信访人"), endpoint="petitioners"),
        DisputeView(Dispute, db, name=_l("矛盾纠纷调处"), endpoint="disputes"),
        MediationSessionView(MediationSession, db, name=_l("调处记录"), endpoint="mediations"),
        ReceptionSessionView(ReceptionSession, db, name=_l("信访旁听"), endpoint="receptions"),
        SupervisionView(name=_l("信访督查"), endpoint="supervision"),
    ]
