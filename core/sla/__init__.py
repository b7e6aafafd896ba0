"""The deadline engine: one way of counting time limits for the whole system.

Public names (``core.kit`` re-exports those a plugin may use)::

    from core.sla import LimitUnit, Limit, DueDate, compute_due, working_days_between, \
        calendar_status, is_working_day, colour

Counting rules and pauses: ``core.sla.engine``; calendar sources and caching:
``core.sla.calendar``; admin-entered days: ``core.sla.models.CalendarDay``.
"""

from core.sla.calendar import (
    CalendarOutOfRange,
    CalendarStatus,
    add_working_days,
    calendar_status,
    invalidate_calendar,
    is_working_day,
    next_working_day,
    official_years,
    working_days_between,
)
from core.sla.engine import Colour, DueDate, add_months, as_local, colour, colour_of, compute_due
from core.sla.units import Limit, LimitUnit
