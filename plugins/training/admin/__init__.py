"""Staff screens of the training module, one module per screen group: the people, the sessions
(with attendance taking and the sign-in sheet), single records, the reports and the settings."""

from flask_babel import lazy_gettext as _l

from core.kit import db
from plugins.training.admin.people import PersonView
from plugins.training.admin.records import AttendanceView, NoteView, SelfStudyView, TechniqueView
from plugins.training.admin.reports import ComplianceView, HoursChartView
from plugins.training.admin.sessions import SessionView
from plugins.training.admin.settings import SettingsView
from plugins.training.models import (
    Attendance,
    SelfStudyLog,
    StudyNote,
    Technique,
    TrainingPerson,
    TrainingSession,
)


def admin_views() -> list:
    """The record screens, then the compliance table, the hours chart and the settings."""
    return [
        PersonView(TrainingPerson, db, name=_l("人员名册"), endpoint="people"),
        SessionView(TrainingSession, db, name=_l("集中培训与学习"), endpoint="sessions"),
        AttendanceView(Attendance, db, name=_l("出勤记录"), endpoint="attendance"),
        SelfStudyView(SelfStudyLog, db, name=_l("自学记录"), endpoint="self_study"),
        NoteView(StudyNote, db, name=_l("学习笔记"), endpoint="notes"),
        TechniqueView(Technique, db, name=_l("实用技术"), endpoint="techniques"),
        ComplianceView(name=_l("达标情况"), endpoint="compliance"),
        HoursChartView(name=_l("学时统计图"), endpoint="chart"),
        SettingsView(name=_l("达标标准设置"), endpoint="settings"),
    ]
