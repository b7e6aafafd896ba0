"""What a compliance report holds: the verdicts (``Status``) and, per person and per unit,
the cells of each month and of the year."""

import calendar
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from core.kit import LabelledEnum, OfficeKind
from plugins.training.models import Group
from plugins.training.rules import RuleSet
from plugins.training.validation import VILLAGE_KINDS

MONTHS = range(1, 13)


class Status(LabelledEnum):
    """The verdict on one check or one period."""

    OK = "ok", _l("达标")
    SHORT = "short", _l("未达标")
    PENDING = "pending", _l("进行中")
    NA = "na", _l("不考核")
    NONE = "none", _l("无记录")  # before the office's first record


@dataclass(slots=True)
class PersonCell:
    """One person's figures and verdicts for one month (or, in ``PersonResult.year``, the year)."""

    assessed: bool = True
    over: bool = True
    hours: float = 0.0
    required: int = 0
    present: int = 0
    excused: int = 0
    attended_days: float = 0.0
    notes_chars: int = 0  # written in this period
    notes_chars_to_date: int = 0  # written in the year up to this period's end
    techniques_to_date: int = 0  # mastered up to this period's end (all years)
    attended: int = 0  # participation numerator under the office's excused-absence rule
    counted: int = 0  # participation denominator
    checks: dict[str, Status] = field(default_factory=dict)
    status: Status = Status.NA

    @property
    def absent(self) -> int:
        """Roster rows neither present nor excused (absent or never taken)."""
        return self.required - self.present - self.excused

    @property
    def rate(self) -> float | None:
        """Participation rate in percent, or None when no session counted."""
        return None if self.counted <= 0 else 100.0 * self.attended / self.counted


@dataclass
class PersonResult:
    """A person's year: twelve monthly cells plus the yearly verdicts."""

    id: int
    name: str
    group: Group
    office_id: int
    office_name: str
    user_id: int | None
    junior_middle_school_or_above: bool
    joined_on: date | None
    rules: RuleSet
    months: dict[int, PersonCell] = field(default_factory=dict)
    year: PersonCell = field(default_factory=PersonCell)
    notes_min: int | None = None
    techniques_min: int | None = None


@dataclass(slots=True)
class UnitCell:
    """One unit's figures and verdicts for one month (or the year)."""

    over: bool = True
    people: int = 0
    short_people: int = 0
    township_days: float = 0.0  # township training held for this unit (by it or above it)
    village_days: float = 0.0  # village collective study held for this unit
    hours: float = 0.0
    participation: dict[Group, list[int]] = field(
        default_factory=dict
    )  # group → [attended, counted]
    checks: dict[str, Status] = field(default_factory=dict)
    status: Status = Status.NA

    def rate(self, group: Group) -> float | None:
        """The unit's participation rate (percent) for one group, or None."""
        attended, counted = self.participation.get(group, (0, 0))
        return None if counted <= 0 else 100.0 * attended / counted


@dataclass
class UnitResult:
    """A unit (office or village): twelve monthly cells plus the year."""

    office_id: int
    name: str
    kind: OfficeKind
    rules: RuleSet
    has_township_cadres: bool = False
    months: dict[int, UnitCell] = field(default_factory=dict)
    year: UnitCell = field(default_factory=UnitCell)

    @property
    def holds_village_study(self) -> bool:
        """Villages and communities must hold collective study themselves."""
        return self.kind in VILLAGE_KINDS


@dataclass
class ComplianceReport:
    """Everything the compliance screens, the export and the benchmark need for one year."""

    year: int
    today: date
    people: list[PersonResult]
    units: list[UnitResult]

    def month_over(self, month: int) -> bool:
        """True when the month ended before ``today`` (its shortfalls are final)."""
        return date(self.year, month, calendar.monthrange(self.year, month)[1]) < self.today

    @property
    def year_over(self) -> bool:
        """True when the year ended before ``today``."""
        return date(self.year, 12, 31) < self.today
