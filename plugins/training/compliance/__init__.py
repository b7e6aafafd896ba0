"""Compliance with the rulebook per person and per unit, per month and per year.

The figures come from a handful of set-based aggregates (``GROUP BY person, month``) over the
whole year — never one query per person — and are then judged against each office's rules
(``rules.resolve_rules``). Eleven queries (four of them find each office's first record)
answer a year for any number of people.

Verdicts (``Status``): ``ok`` met; ``short`` the period is over and the number was not met;
``pending`` the period is still running and the number is not met yet; ``na`` not assessed
(the month lies before the person joined or in the future, no session was required, or the
rule does not apply to the person's group); ``none`` no record: the month lies before the
office's first training record (its first session, roster, self-study log or note), so the
office was not yet keeping its records here and the month is not judged. A person without a
joined-on date is assessed from that first record's month, not from January.
"""

from datetime import date

from sqlalchemy import select

from core.kit import Office, OfficeKind, db, local_today
from plugins.training.compliance.queries import fetch, records_from
from plugins.training.compliance.results import (
    MONTHS,
    ComplianceReport,
    PersonCell,
    PersonResult,
    Status,
    UnitCell,
    UnitResult,
)
from plugins.training.models import Group, SessionKind
from plugins.training.rules import meets_min, meets_pct, participation, resolve_rules


def _judge(met: bool | None, period_over: bool) -> Status:
    if met is None:
        return Status.NA
    if met:
        return Status.OK
    return Status.SHORT if period_over else Status.PENDING


def _overall(statuses) -> Status:
    found = set(statuses)
    for verdict in (Status.SHORT, Status.PENDING, Status.OK):
        if verdict in found:
            return verdict
    return Status.NA


def _roll_up(month_statuses) -> Status:
    """A yearly verdict on a monthly rule: short if any month was short, pending if any month
    is still running, ok when every assessed month met it."""
    return _overall(month_statuses)


def compute_compliance(
    year: int, office_ids: set[int], today: date | None = None
) -> ComplianceReport:
    """The year's compliance for the active people of ``office_ids`` and for those units.

    ``today`` (default: today in Asia/Shanghai) decides which months are over, which are still
    running and which sessions have been held.
    """
    today = today or local_today()
    office_ids = set(office_ids)
    offices = {o.id: o for o in db.session.scalars(select(Office))}
    rules = resolve_rules(offices.keys())
    people_rows, hours, attendance, notes, techniques, held, firsts = fetch(year, office_ids, today)
    recorded = {o: records_from(firsts.get(o), year) for o in office_ids}
    report = ComplianceReport(year=year, today=today, people=[], units=[])
    over = {m: report.month_over(m) for m in MONTHS}
    # Months that have begun (a person who joined by the month's first day is assessed in it).
    begun = {m: date(year, m, 1) for m in MONTHS if date(year, m, 1) <= today}

    for pid, name, group, office_id, user_id, educated, joined_on in people_rows:
        group = Group(group)
        rule = rules[office_id]
        person = PersonResult(
            id=pid,
            name=name,
            group=group,
            office_id=office_id,
            office_name=offices[office_id].name,
            user_id=user_id,
            junior_middle_school_or_above=bool(educated),
            joined_on=joined_on,
            rules=rule,
            notes_min=rule.notes_min_for(group, bool(educated)),
            techniques_min=rule.techniques_min_for(group),
        )
        _judge_person(
            person,
            report.year_over,
            over,
            begun,
            hours,
            attendance,
            notes,
            techniques,
            recorded.get(office_id),
        )
        report.people.append(person)

    _judge_units(report, offices, rules, office_ids, held, over, recorded)
    return report


def _before_records(month_start: date | None, records_from: date | None) -> bool:
    """True for a month that has begun but lies before the office's first record."""
    return month_start is not None and (records_from is None or month_start < records_from)


def _judge_person(
    person, year_over, over, begun, hours, attendance, notes, techniques, records_from
) -> None:
    rule, pid, joined_on = person.rules, person.id, person.joined_on
    pct = rule.participation_pct(person.group)
    policy, hours_min = rule.excused_policy, rule.self_study_hours_min
    notes_to_date = 0
    techniques_to_date = techniques.get((pid, 0), 0)
    year = PersonCell(over=year_over)
    for m in MONTHS:
        month_start = begun.get(m)
        unrecorded = _before_records(month_start, records_from)
        assessed = (
            month_start is not None
            and not unrecorded
            and (joined_on is None or joined_on <= month_start)
        )
        cell = PersonCell(assessed=assessed, over=over[m])
        if unrecorded:
            cell.status = Status.NONE
        cell.hours = hours.get((pid, m), 0.0)
        required, present, excused, days = attendance.get((pid, m), (0, 0, 0, 0.0))
        cell.required, cell.present, cell.excused, cell.attended_days = (
            required,
            present,
            excused,
            days,
        )
        cell.attended, cell.counted = participation(present, excused, required, policy)
        cell.notes_chars = notes.get((pid, m), 0)
        notes_to_date += cell.notes_chars
        techniques_to_date += techniques.get((pid, m), 0)
        cell.notes_chars_to_date, cell.techniques_to_date = notes_to_date, techniques_to_date
        if assessed:
            cell.checks["self_study"] = _judge(meets_min(cell.hours, hours_min), cell.over)
            cell.checks["participation"] = _judge(
                meets_pct(cell.attended, cell.counted, pct), cell.over
            )
            cell.status = _overall(cell.checks.values())
            year.hours += cell.hours
            year.required += required
            year.present += present
            year.excused += excused
            year.attended_days += days
            year.attended += cell.attended
            year.counted += cell.counted
        person.months[m] = cell

    year.notes_chars = year.notes_chars_to_date = notes_to_date
    year.techniques_to_date = techniques_to_date
    assessed_months = [c for c in person.months.values() if c.assessed]
    year.assessed = bool(assessed_months)
    year.checks["self_study"] = _roll_up(c.checks["self_study"] for c in assessed_months)
    year.checks["participation"] = _roll_up(c.checks["participation"] for c in assessed_months)
    if person.notes_min is not None:
        year.checks["notes"] = _judge(notes_to_date >= person.notes_min, year_over)
    if person.techniques_min is not None:
        year.checks["techniques"] = _judge(techniques_to_date >= person.techniques_min, year_over)
    if year.assessed:
        year.status = _overall(year.checks.values())
    else:
        unrecorded = any(c.status == Status.NONE for c in person.months.values())
        year.status = Status.NONE if unrecorded else Status.NA
    person.year = year


def _judge_units(report, offices, rules, office_ids, held, over, recorded) -> None:
    by_office: dict[int, list[PersonResult]] = {}
    for person in report.people:
        by_office.setdefault(person.office_id, []).append(person)
    units_with_sessions = {office_id for office_id, _kind, _m in held}
    wanted = {o for o in office_ids if o in by_office or o in units_with_sessions}
    for office_id in sorted(wanted, key=lambda o: (offices[o].sort_order, offices[o].code)):
        office = offices[office_id]
        lineage = [office_id] + [a.id for a in office.ancestors()]
        members = by_office.get(office_id, [])
        unit = UnitResult(
            office_id=office_id,
            name=office.name,
            kind=OfficeKind(office.kind),
            rules=rules[office_id],
            has_township_cadres=any(p.group == Group.TOWNSHIP_CADRE for p in members),
        )
        year = UnitCell(over=report.year_over)
        for m in MONTHS:
            cell = UnitCell(over=over[m])
            cell.township_days = sum(
                held.get((o, SessionKind.TOWNSHIP_TRAINING, m), 0.0) for o in lineage
            )
            cell.village_days = sum(
                held.get((o, SessionKind.VILLAGE_STUDY, m), 0.0) for o in lineage
            )
            if _before_records(
                date(report.year, m, 1) if date(report.year, m, 1) <= report.today else None,
                recorded.get(office_id),
            ):
                cell.status = Status.NONE  # before the office's first record: not judged
            else:
                _fill_unit_cell(unit, cell, members, m)
            year.township_days += cell.township_days
            year.village_days += cell.village_days
            year.hours += cell.hours
            for group, (attended, counted) in cell.participation.items():
                total = year.participation.setdefault(group, [0, 0])
                total[0] += attended
                total[1] += counted
            unit.months[m] = cell
        started = [
            unit.months[m]
            for m in MONTHS
            if date(report.year, m, 1) <= report.today and unit.months[m].status != Status.NONE
        ]
        for check in ("township_days", "village_days", "participation", "people"):
            year.checks[check] = _roll_up(c.checks.get(check, Status.NA) for c in started)
        year.people = len(members)
        year.short_people = sum(1 for p in members if p.year.status == Status.SHORT)
        year.checks["people"] = _overall(
            [Status.SHORT if year.short_people else Status.OK] if members else []
        )
        year.status = _overall(year.checks.values())
        if not started and any(c.status == Status.NONE for c in unit.months.values()):
            year.status = Status.NONE  # no record in any month that has begun
        unit.year = year
        report.units.append(unit)


def _fill_unit_cell(unit: UnitResult, cell: UnitCell, members, m: int) -> None:
    rule = unit.rules
    month_started = (
        any(p.months[m].assessed for p in members) or cell.township_days or cell.village_days
    )
    for person in members:
        pc = person.months[m]
        if not pc.assessed:
            continue
        cell.people += 1
        cell.hours += pc.hours
        if pc.status == Status.SHORT:
            cell.short_people += 1
        if pc.counted:
            totals = cell.participation.setdefault(person.group, [0, 0])
            totals[0] += pc.attended
            totals[1] += pc.counted
    if not month_started and not cell.over:
        cell.status = Status.NA
        return
    if unit.has_township_cadres:
        cell.checks["township_days"] = _judge(
            meets_min(cell.township_days, rule.township_training_days_min), cell.over
        )
    if unit.holds_village_study:
        cell.checks["village_days"] = _judge(
            meets_min(cell.village_days, rule.village_study_days_min), cell.over
        )
    cell.checks["participation"] = _overall(
        _judge(meets_pct(a, c, rule.participation_pct(g)), cell.over)
        for g, (a, c) in cell.participation.items()
    )
    if cell.people:
        cell.checks["people"] = (
            Status.SHORT
            if cell.short_people
            else _overall(
                person.months[m].status for person in members if person.months[m].assessed
            )
        )
    cell.status = _overall(cell.checks.values())
