"""The set-based aggregates a compliance report is judged from (``GROUP BY person, month``
over the whole year), and the day each office began keeping its training records."""

from datetime import date

from sqlalchemy import case, extract, func, select

from core.kit import db
from plugins.training.models import (
    Attendance,
    AttendanceStatus,
    SelfStudyLog,
    SessionKind,
    StudyNote,
    Technique,
    TrainingPerson,
    TrainingSession,
)


def _month(column):
    return extract("month", column)


def fetch(year: int, office_ids: set[int], today: date):
    """Run the set-based aggregates for one year; returns plain dicts keyed by (person, month)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    held_until = min(end, today)
    scope = sorted(office_ids)
    # Plain Core execution: the rows are tuples, no ORM bookkeeping per row.
    conn = db.session.connection()

    people = conn.execute(
        select(
            TrainingPerson.id,
            TrainingPerson.name,
            TrainingPerson.group,
            TrainingPerson.office_id,
            TrainingPerson.user_id,
            TrainingPerson.junior_middle_school_or_above,
            TrainingPerson.joined_on,
        )
        .where(TrainingPerson.active, TrainingPerson.office_id.in_(scope))
        .order_by(
            TrainingPerson.office_id, TrainingPerson.group, TrainingPerson.name, TrainingPerson.id
        )
    ).all()

    month = _month(SelfStudyLog.studied_on)
    hours = {
        (pid, int(m)): float(total or 0)
        for pid, m, total in conn.execute(
            select(SelfStudyLog.person_id, month, func.sum(SelfStudyLog.hours))
            .where(SelfStudyLog.office_id.in_(scope), SelfStudyLog.studied_on.between(start, end))
            .group_by(SelfStudyLog.person_id, month)
        ).all()
    }

    month = _month(TrainingSession.held_on)
    present = Attendance.status == AttendanceStatus.PRESENT
    attendance = (
        {
            (pid, int(m)): (int(req), int(pres or 0), int(exc or 0), float(days or 0))
            for pid, m, req, pres, exc, days in conn.execute(
                select(
                    Attendance.person_id,
                    month,
                    func.count(),
                    func.sum(case((present, 1), else_=0)),
                    func.sum(case((Attendance.status == AttendanceStatus.EXCUSED, 1), else_=0)),
                    func.sum(case((present, TrainingSession.days), else_=0.0)),
                )
                .join(TrainingSession, TrainingSession.id == Attendance.session_id)
                .where(
                    Attendance.office_id.in_(scope),
                    TrainingSession.held_on.between(start, held_until),
                )
                .group_by(Attendance.person_id, month)
            ).all()
        }
        if held_until >= start
        else {}
    )

    month = _month(StudyNote.written_on)
    notes = {
        (pid, int(m)): int(chars or 0)
        for pid, m, chars in conn.execute(
            select(StudyNote.person_id, month, func.sum(StudyNote.char_count))
            .where(StudyNote.office_id.in_(scope), StudyNote.written_on.between(start, end))
            .group_by(StudyNote.person_id, month)
        ).all()
    }

    # Month 0 collects everything mastered before the year. (Grouped by year and month rather
    # than by a CASE with bound dates: PostgreSQL cannot match parameters across SELECT and
    # GROUP BY.)
    techniques: dict[tuple[int, int], int] = {}
    t_year, t_month = extract("year", Technique.mastered_on), _month(Technique.mastered_on)
    for pid, y, m, n in conn.execute(
        select(Technique.person_id, t_year, t_month, func.count())
        .where(Technique.office_id.in_(scope), Technique.mastered_on <= end)
        .group_by(Technique.person_id, t_year, t_month)
    ).all():
        key = (pid, int(m) if int(y) == year else 0)
        techniques[key] = techniques.get(key, 0) + int(n)

    month = _month(TrainingSession.held_on)
    held = {}
    if held_until >= start:
        for office_id, kind, m, days in conn.execute(
            select(
                TrainingSession.office_id,
                TrainingSession.kind,
                month,
                func.sum(TrainingSession.days),
            )
            .where(TrainingSession.held_on.between(start, held_until))
            .group_by(TrainingSession.office_id, TrainingSession.kind, month)
        ):
            held[(office_id, SessionKind(kind), int(m))] = float(days or 0)
    return people, hours, attendance, notes, techniques, held, first_records(conn, scope, today)


def first_records(conn, scope: list[int], today: date) -> dict[int, date]:
    """Office → the day of its first training record up to ``today`` (all years): a session
    it held, a roster row of its people, a self-study log or a study note."""
    first: dict[int, date] = {}
    queries = [
        select(TrainingSession.office_id, func.min(TrainingSession.held_on))
        .where(TrainingSession.office_id.in_(scope), TrainingSession.held_on <= today)
        .group_by(TrainingSession.office_id),
        select(Attendance.office_id, func.min(TrainingSession.held_on))
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(Attendance.office_id.in_(scope), TrainingSession.held_on <= today)
        .group_by(Attendance.office_id),
        select(SelfStudyLog.office_id, func.min(SelfStudyLog.studied_on))
        .where(SelfStudyLog.office_id.in_(scope), SelfStudyLog.studied_on <= today)
        .group_by(SelfStudyLog.office_id),
        select(StudyNote.office_id, func.min(StudyNote.written_on))
        .where(StudyNote.office_id.in_(scope), StudyNote.written_on <= today)
        .group_by(StudyNote.office_id),
    ]
    for query in queries:
        for office_id, day in conn.execute(query).all():
            if day is not None and (office_id not in first or day < first[office_id]):
                first[office_id] = day
    return first


def records_from(first: date | None, year: int) -> date | None:
    """The first day of the month of an office's first record (January 1 when it lies in an
    earlier year), or None when the office has no record yet."""
    if first is None:
        return None
    return date(year, 1, 1) if first.year < year else date(first.year, first.month, 1)
