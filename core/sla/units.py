"""Time limits: an amount and its unit, as the rules write them."""

from dataclasses import dataclass
from enum import StrEnum

from core.sla.text import _

# Upper bounds keep every computed day inside the calendar's range; no rule comes near them.
MAX_AMOUNT = {"working_days": 2000, "calendar_days": 3000, "months": 120}


# How the engine's trace counts a stretch of days: working days or calendar days.
_WD, _CD = 0, 1


class LimitUnit(StrEnum):
    """How a limit is counted (Civil Code arts. 201–203)."""

    WORKING_DAYS = "working_days"  # 工作日: official PRC calendar with make-up days
    CALENDAR_DAYS = "calendar_days"  # 日: natural days; a last day on a rest day moves on
    MONTHS = "months"  # 月: same day of the target month, or its last day


@dataclass(frozen=True)
class Limit:
    """A time limit such as 15 working days, 7 days or 1 month.

    ``unit`` may be given as its string value ("working_days"); a non-positive or absurdly
    large amount raises ValueError with a Chinese message.
    """

    amount: int
    unit: LimitUnit

    def __post_init__(self):
        try:
            unit = LimitUnit(self.unit)
        except ValueError:
            raise ValueError(_("未知的期限单位：%(unit)s", unit=str(self.unit))) from None
        object.__setattr__(self, "unit", unit)
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise ValueError(_("期限必须是整数。"))
        if self.amount < 1:
            raise ValueError(_("期限必须至少为 1。"))
        if self.amount > MAX_AMOUNT[unit]:
            raise ValueError(
                _("期限过长：%(n)d 超过上限 %(max)d。", n=self.amount, max=MAX_AMOUNT[unit])
            )

    def describe(self) -> str:
        """ "15 个工作日" / "15 日" / "1 个月" (translated)."""
        if self.unit is LimitUnit.WORKING_DAYS:
            return _("%(n)d 个工作日", n=self.amount)
        if self.unit is LimitUnit.CALENDAR_DAYS:
            return _("%(n)d 日", n=self.amount)
        return _("%(n)d 个月", n=self.amount)

    def to_dict(self) -> dict:
        """JSON-ready form, e.g. for job arguments: {"amount": 15, "unit": "working_days"}."""
        return {"amount": self.amount, "unit": self.unit.value}

    @classmethod
    def from_dict(cls, data: dict) -> "Limit":
        """The inverse of ``to_dict``."""
        return cls(int(data["amount"]), LimitUnit(data["unit"]))

    def __str__(self) -> str:
        return self.describe()
