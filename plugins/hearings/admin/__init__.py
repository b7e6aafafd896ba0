"""Staff screens: hearings, attendees, questions and messages (CRUD lists), and the desk."""

from flask_babel import lazy_gettext as _l

from core.kit import db
from plugins.hearings.admin.desk import DeskView
from plugins.hearings.admin.hearings import HearingView
from plugins.hearings.admin.lists import AttendeeView, MessageView, QuestionView
from plugins.hearings.jobs import DESK_URL
from plugins.hearings.models import Attendee, Hearing, ParticipantMessage, Question

__all__ = ["AttendeeView", "DeskView", "HearingView", "MessageView", "QuestionView", "admin_views"]


def admin_views() -> list:
    """The module's staff screens, in menu order."""
    return [
        DeskView(name=_l("听证工作台"), endpoint="hearings_desk", url=DESK_URL),
        HearingView(Hearing, db, name=_l("听证会"), endpoint="hearings_hearings"),
        AttendeeView(Attendee, db, name=_l("参加人名单"), endpoint="hearings_attendees"),
        QuestionView(Question, db, name=_l("提问与答复"), endpoint="hearings_questions"),
        MessageView(ParticipantMessage, db, name=_l("群众通知记录"), endpoint="hearings_messages"),
    ]
