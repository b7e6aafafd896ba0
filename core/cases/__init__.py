"""The case register (统一接件): every matter a resident brings, whatever the channel, with its
first responder, time limit, timeline, supervision colour, rating and rectification.

Plugins open and close cases through the functions exported here and add categories with the
``case_categories`` hook; they never write the tables directly.
"""

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
