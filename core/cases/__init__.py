"""The case register (统一接件): every matter a resident brings, whatever the channel, with its
first responder, time limit, timeline, supervision colour, rating and rectification.

Plugins open and close cases through the functions exported here and add categories with the
``case_categories`` hook; they never write the tables directly.
"""

from flask import Flask

from core.cases.categories import CaseCategory, CategorySpec
from core.cases.models import (
    ACTIVE_STATUSES,
    Case,
    CaseEvent,
    CaseStatus,
    Channel,
    Grade,
)
from core.cases.services import CaseError, close_case, open_case, transfer_case

__all__ = [
    "ACTIVE_STATUSES",
    "Case",
    "CaseCategory",
    "CaseError",
    "CaseEvent",
    "CaseStatus",
    "CategorySpec",
    "Channel",
    "Grade",
    "close_case",
    "init_app",
    "open_case",
    "transfer_case",
]


def init_app(app: Flask) -> None:
    """Load the categories (core defaults + plugins'), mount the residents' pages and schedule
    the deadline sweep (every ``CASE_SWEEP_SECONDS``, default 600)."""
    from core.cases.categories import load_categories
    from core.cases.display import init_filters
    from core.cases.public import bp
    from core.jobs import schedule

    load_categories(app)
    init_filters(app)
    app.register_blueprint(bp)
    schedule("core.case_sweep", "core.cases.sweep:run_sweep",
             int(app.config.get("CASE_SWEEP_SECONDS", 600)))
