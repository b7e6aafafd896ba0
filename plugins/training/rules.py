"""The rulebook's numbers and the arithmetic that applies them (学习培训制度).

The source text (服务型政府建设各项制度 · 学习培训制度, items 2, 4 and 5):

- 镇组织集中学习培训每月不少于2天 — township collective training ≥ 2 days a month;
- 村集中学习每月不少于2天 — collective study in each village ≥ 2 days a month;
- 干部、党员每人每月自学达到20课时以上 — self-study ≥ 20 class hours per person per month;
- 集中培训参训率镇干部要达到100%，农村党员要达到85%以上 — participation in collective
  training: township cadres 100 %, rural Party members ≥ 85 %;
- 镇、村干部掌握实用技术6项以上 — township and village cadres master ≥ 6 practical techniques;
- 学习笔记镇村干部要达到5000字以上 — study notes of township and village cadres ≥ 5,000
  characters; 农村党员初中文化以上…要达到（ ）字以上 — the number for rural Party members with
  junior-middle-school education is missing from the source, so it is a setting left empty
  (not assessed) until an office fills it in.

Readings the rulebook leaves open, decided here and shown on the settings screen:

- **Days and class hours.** A session may be entered in days or class hours (课时); hours are
  converted with the holding office's ``class_hours_per_day`` (default 6: a training day of six
  class hours). So a 3-hour evening study counts as half a day.
- **Village cadres' participation.** The rulebook names township cadres (100 %) and rural Party
  members (85 %) only. Village cadres are rural and, as a rule, Party members, so they default
  to 85 %; an office admin may raise it.
- **Excused absence (请假).** Participation rate (参训率) = sessions attended ÷ sessions required.
  By default an excused absence counts as *not attended*: it stays in the denominator, so a
  township cadre who was excused once is below 100 % (the excuse and its reason are shown next
  to the figure). An office may choose instead to leave excused absences out of the rate.
  A roster row never taken (未登记) for a session already held counts as absent.
- **Periods.** Hours, days and participation are monthly requirements; notes and techniques
  are assessed on the calendar year (notes written in the year; techniques mastered up to its
  end). A period that has not ended yet is "in progress", never "short".
- **Study notes length.** See ``count_note_characters``.
"""

import unicodedata
from dataclasses import dataclass, fields

from sqlalchemy import select

from core.kit import Office, db
from plugins.training.models import ExcusedPolicy, Group, LengthUnit, TrainingSettings

MAX_HOURS_PER_DAY = 24.0
HOURS_STEP = 0.5  # class hours are entered in halves; sums stay exact in binary floating point


@dataclass(frozen=True)
class RuleSet:
    """The thresholds that apply to one office (an office admin may change them)."""

    class_hours_per_day: float = 6
    township_training_days_min: float = 2
    village_study_days_min: float = 2
    self_study_hours_min: float = 20
    participation_township_cadre_pct: int = 100
    participation_village_cadre_pct: int = 85
    participation_party_member_pct: int = 85
    excused_policy: ExcusedPolicy = ExcusedPolicy.AS_ABSENT
    techniques_min: int = 6
    notes_min_chars: int = 5000
    party_member_notes_min_chars: int | None = None

    def participation_pct(self, group: Group) -> int:
        """The participation threshold (percent) for a group."""
        return {
            Group.TOWNSHIP_CADRE: self.participation_township_cadre_pct,
            Group.VILLAGE_CADRE: self.participation_village_cadre_pct,
            Group.RURAL_PARTY_MEMBER: self.participation_party_member_pct,
        }[Group(group)]

    def notes_min_for(self, group: Group, junior_middle_or_above: bool) -> int | None:
        """Characters of notes required in a year, or None when the rule does not apply."""
        if Group(group).is_cadre:
            return self.notes_min_chars
        if junior_middle_or_above:
            return self.party_member_notes_min_chars
        return None

    def techniques_min_for(self, group: Group) -> int | None:
        """Techniques required of the group, or None (rural Party members: no number)."""
        return self.techniques_min if Group(group).is_cadre else None


DEFAULT_RULES = RuleSet()
RULE_FIELDS = [f.name for f in fields(RuleSet)]


def rules_from_row(row: TrainingSettings) -> RuleSet:
    """The RuleSet stored in one settings row."""
    values = {name: getattr(row, name) for name in RULE_FIELDS}
    values["excused_policy"] = ExcusedPolicy(values["excused_policy"])
    return RuleSet(**values)


def resolve_rules(office_ids=None) -> dict[int, RuleSet]:
    """Office id → the RuleSet that applies: its own row, else its nearest ancestor's, else the
    defaults. Two small queries (offices, settings rows), whatever the number of offices."""
    parents = dict(db.session.execute(select(Office.id, Office.parent_id)).all())
    own = {
        row.office_id: rules_from_row(row) for row in db.session.scalars(select(TrainingSettings))
    }
    wanted = parents.keys() if office_ids is None else office_ids
    resolved: dict[int, RuleSet] = {}
    for office_id in wanted:
        node, seen = office_id, set()
        while node is not None and node not in own and node not in seen:
            seen.add(node)
            node = parents.get(node)
        resolved[office_id] = own.get(node, DEFAULT_RULES) if node is not None else DEFAULT_RULES
    return resolved


def count_note_characters(text: str | None) -> int:
    """字数 of a study note: every visible character counts one — a Chinese character, a
    punctuation mark, a Latin letter or a digit alike; whitespace (spaces, full-width spaces,
    line breaks, tabs) and invisible formatting characters (zero-width spaces, BOM) do not.

    Counted on Unicode code points, never bytes: "学习笔记" is 4, not 12.
    """
    if not text:
        return 0
    text = unicodedata.normalize("NFC", text)
    return sum(1 for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")


def session_days(length_value: float, unit: LengthUnit | str, class_hours_per_day: float) -> float:
    """A session's length in days: days as entered, class hours ÷ ``class_hours_per_day``."""
    if LengthUnit(unit) == LengthUnit.DAYS:
        return float(length_value)
    return float(length_value) / float(class_hours_per_day)


def participation(
    present: int, excused: int, required: int, policy: ExcusedPolicy | str
) -> tuple[int, int]:
    """(attended, counted) for the participation rate under ``policy``.

    ``required`` counts every roster row of the held sessions (present, excused, absent and
    never-taken rows). With ``as_absent`` excused rows stay in ``counted``; with ``excluded``
    they are taken out of it.
    """
    if policy == ExcusedPolicy.EXCLUDED:  # a StrEnum: equal to its plain string value too
        return present, required - excused
    return present, required


def meets_pct(attended: int, counted: int, pct: int) -> bool | None:
    """True when attended/counted ≥ pct %, exactly (integer arithmetic); None when counted is 0."""
    if counted <= 0:
        return None
    return attended * 100 >= pct * counted


def meets_min(value: float, minimum: float) -> bool:
    """value ≥ minimum, tolerant of floating-point noise from hours ÷ class hours per day."""
    return value >= minimum - 1e-6
