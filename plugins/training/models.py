"""Training records (学习培训制度): people, collective sessions, attendance, self-study, notes,
practical techniques, and each office's thresholds.

Every row that belongs to a person carries the person's ``office_id`` as well, so that the
core's office scoping and the compliance aggregates filter on one indexed column without a
join. ``TrainingPerson.office_id`` is the truth; saving a person who moved office moves the
``office_id`` of their rows with them (see ``services.move_person_rows``).
"""

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.kit import (
    LabelledEnum,
    Office,
    TimestampMixin,
    User,
    UTCDateTime,
    VersionedMixin,
    db,
    enum_column,
)


class Group(LabelledEnum):
    """The group a person belongs to; it decides which of the rulebook's numbers apply."""

    TOWNSHIP_CADRE = "township_cadre", _l("镇干部")
    VILLAGE_CADRE = "village_cadre", _l("村干部")
    RURAL_PARTY_MEMBER = "rural_party_member", _l("农村党员")

    @property
    def is_cadre(self) -> bool:
        """Township and village cadres: the techniques and 5,000-character rules apply."""
        return self in (Group.TOWNSHIP_CADRE, Group.VILLAGE_CADRE)


class SessionKind(LabelledEnum):
    """The two kinds of collective learning the rulebook counts separately."""

    TOWNSHIP_TRAINING = "township_training", _l("镇集中培训")  # 镇组织集中学习培训
    VILLAGE_STUDY = "village_study", _l("村集中学习")


class LengthUnit(LabelledEnum):
    """A session's length is entered in days or in class hours (课时)."""

    DAYS = "days", _l("天")
    HOURS = "hours", _l("课时")


class AttendanceStatus(LabelledEnum):
    """Attendance at one session. ``pending`` rows of a held session count as absent."""

    PENDING = "pending", _l("未登记")  # a roster row, not yet taken
    PRESENT = "present", _l("出席")
    EXCUSED = "excused", _l("请假")  # reason required
    ABSENT = "absent", _l("缺席")


class ExcusedPolicy(LabelledEnum):
    """How an excused absence (请假) counts in the participation rate (参训率)."""

    # counts as not taking part: in the denominator, not the numerator
    AS_ABSENT = "as_absent", _l("请假计为未参训（应到人次计入，实到不计）")
    # left out of the rate altogether (neither numerator nor denominator)
    EXCLUDED = "excluded", _l("请假不计入参训率（应到、实到均不计）")


class TrainingSettings(VersionedMixin, TimestampMixin, db.Model):
    """One office's thresholds; an office without a row inherits its nearest ancestor's.

    Defaults are the rulebook's numbers (see ``rules.DEFAULT_RULES``).
    """

    __tablename__ = "training_settings"

    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), primary_key=True)
    class_hours_per_day: Mapped[float] = mapped_column(db.Float)
    township_training_days_min: Mapped[float] = mapped_column(db.Float)
    village_study_days_min: Mapped[float] = mapped_column(db.Float)
    self_study_hours_min: Mapped[float] = mapped_column(db.Float)
    participation_township_cadre_pct: Mapped[int] = mapped_column(db.Integer)
    participation_village_cadre_pct: Mapped[int] = mapped_column(db.Integer)
    participation_party_member_pct: Mapped[int] = mapped_column(db.Integer)
    excused_policy: Mapped[ExcusedPolicy] = mapped_column(enum_column(ExcusedPolicy, 24))
    techniques_min: Mapped[int] = mapped_column(db.Integer)
    notes_min_chars: Mapped[int] = mapped_column(db.Integer)
    party_member_notes_min_chars: Mapped[int | None] = mapped_column(db.Integer)
    updated_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))

    office: Mapped[Office] = relationship()


class TrainingPerson(TimestampMixin, db.Model):
    """A cadre (linked to a staff account) or a rural Party member (no login, kept by a village).

    ``joined_on``: months that begin before it are not assessed (a person added mid-year is
    not failed for the months before).
    """

    __tablename__ = "training_person"
    __table_args__ = (db.Index("ix_training_person_office_active", "office_id", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"), unique=True)
    name: Mapped[str] = mapped_column(db.String(64))
    group: Mapped[Group] = mapped_column(enum_column(Group, 24))
    # 农村党员初中文化以上: the rulebook sets a notes length for them (its number is missing).
    junior_middle_school_or_above: Mapped[bool] = mapped_column(db.Boolean, default=False)
    joined_on: Mapped[date | None] = mapped_column(db.Date)
    active: Mapped[bool] = mapped_column(db.Boolean, default=True)
    remarks: Mapped[str | None] = mapped_column(db.String(200))

    office: Mapped[Office] = relationship()
    user: Mapped[User | None] = relationship()
    self_study: Mapped[list["SelfStudyLog"]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    notes: Mapped[list["StudyNote"]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    techniques: Mapped[list["Technique"]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    attendance: Mapped[list["Attendance"]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        if not self.group:
            return self.name
        return _("%(name)s（%(group)s）", name=self.name, group=self.group.label)


class TrainingSession(TimestampMixin, db.Model):
    """A township collective training or a village collective study.

    ``office_id`` is the holding office; its roster covers that office and the offices below
    it in the tree. ``days`` is derived from ``length_value``/``length_unit`` with the holding
    office's ``class_hours_per_day`` and is recomputed when that setting changes.
    """

    __tablename__ = "training_session"
    __table_args__ = (db.Index("ix_training_session_office_held", "office_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    kind: Mapped[SessionKind] = mapped_column(enum_column(SessionKind, 24))
    topic: Mapped[str] = mapped_column(db.String(200))
    held_on: Mapped[date] = mapped_column(db.Date, index=True)
    length_value: Mapped[float] = mapped_column(db.Float)
    length_unit: Mapped[LengthUnit] = mapped_column(enum_column(LengthUnit, 8))
    days: Mapped[float] = mapped_column(db.Float, default=0.0)
    organiser: Mapped[str] = mapped_column(db.String(100))
    location: Mapped[str | None] = mapped_column(db.String(100))
    # Comma-separated Group values: whose attendance is required (the roster).
    required_groups: Mapped[str] = mapped_column(db.String(200))

    office: Mapped[Office] = relationship()
    attendance: Mapped[list["Attendance"]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.topic}"

    @property
    def group_list(self) -> list[Group]:
        """The required groups as Group values."""
        return [Group(g) for g in (self.required_groups or "").split(",") if g]


class Attendance(VersionedMixin, db.Model):
    """One person on one session's roster; at most one row per (session, person)."""

    __tablename__ = "training_attendance"
    __table_args__ = (db.UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        db.ForeignKey("training_session.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(
        db.ForeignKey("training_person.id", ondelete="CASCADE"), index=True
    )
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(
        enum_column(AttendanceStatus, 12), default=AttendanceStatus.PENDING
    )
    excuse_reason: Mapped[str | None] = mapped_column(db.String(200))
    recorded_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    session: Mapped[TrainingSession] = relationship(back_populates="attendance")
    person: Mapped[TrainingPerson] = relationship(back_populates="attendance")
    office: Mapped[Office] = relationship()


class SelfStudyLog(TimestampMixin, db.Model):
    """Class hours (课时) of self-study on one day."""

    __tablename__ = "training_self_study"
    __table_args__ = (
        db.Index("ix_training_self_study_person_day", "person_id", "studied_on"),
        db.Index("ix_training_self_study_office_day", "office_id", "studied_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(db.ForeignKey("training_person.id", ondelete="CASCADE"))
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"))
    studied_on: Mapped[date] = mapped_column(db.Date)
    hours: Mapped[float] = mapped_column(db.Float)
    topic: Mapped[str] = mapped_column(db.String(200))
    logged_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))

    person: Mapped[TrainingPerson] = relationship(back_populates="self_study")
    office: Mapped[Office] = relationship()


class StudyNote(TimestampMixin, db.Model):
    """A study note (学习笔记); ``char_count`` is kept by ``rules.count_note_characters``."""

    __tablename__ = "training_note"
    __table_args__ = (db.Index("ix_training_note_person_day", "person_id", "written_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(db.ForeignKey("training_person.id", ondelete="CASCADE"))
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    written_on: Mapped[date] = mapped_column(db.Date)
    title: Mapped[str] = mapped_column(db.String(200))
    content: Mapped[str] = mapped_column(db.Text)
    char_count: Mapped[int] = mapped_column(db.Integer, default=0)
    logged_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))

    person: Mapped[TrainingPerson] = relationship(back_populates="notes")
    office: Mapped[Office] = relationship()


class Technique(TimestampMixin, db.Model):
    """A practical technique (实用技术) a person has mastered."""

    __tablename__ = "training_technique"
    __table_args__ = (db.UniqueConstraint("person_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        db.ForeignKey("training_person.id", ondelete="CASCADE"), index=True
    )
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    name: Mapped[str] = mapped_column(db.String(100))
    mastered_on: Mapped[date] = mapped_column(db.Date)
    remarks: Mapped[str | None] = mapped_column(db.String(200))

    person: Mapped[TrainingPerson] = relationship(back_populates="techniques")
    office: Mapped[Office] = relationship()


MODELS = [
    TrainingSettings,
    TrainingPerson,
    TrainingSession,
    Attendance,
    SelfStudyLog,
    StudyNote,
    Technique,
]


# Names of tables without a screen of their own (the audit log, the delete-data preview).
TrainingSettings.__table__.info["label"] = _l("学习培训设置")
