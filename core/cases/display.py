"""Formatting of case data for pages: local times, labels and colours."""

from datetime import datetime

from core.cases.models import CaseStatus, Channel, Grade
from core.sla import Colour
from core.time import to_local


def local(moment: datetime | None) -> datetime | None:
    """``moment`` in Beijing time."""
    return to_local(moment)


def fmt_datetime(moment: datetime | None) -> str:
    """2025-10-09 23:59 (Beijing time); empty for None."""
    value = local(moment)
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def fmt_date(moment: datetime | None) -> str:
    """2025-10-09 (Beijing time); empty for None."""
    value = local(moment)
    return value.strftime("%Y-%m-%d") if value else ""


def status_label(status) -> str:
    """办理中, 已办结… for a status value."""
    return CaseStatus.label_of(status)


def channel_label(channel) -> str:
    """窗口, 来信… for a channel value (the value itself when unknown)."""
    return Channel.label_of(channel)


def colour_label(colour: str | None) -> str:
    """正常, 临期, 超期, 已办结 for a supervision colour."""
    try:
        return Colour(colour).label if colour else ""
    except ValueError:
        return ""


def grade_label(grade) -> str:
    """非常满意 … 非常不满意 for a grade value."""
    return Grade.label_of(grade)


def init_filters(app) -> None:
    """Register the filters the case templates use."""
    app.add_template_filter(fmt_datetime, "case_datetime")
    app.add_template_filter(fmt_date, "case_date")
    app.add_template_filter(status_label, "case_status")
    app.add_template_filter(channel_label, "case_channel")
    app.add_template_filter(colour_label, "case_colour")
    app.add_template_filter(grade_label, "case_grade")
