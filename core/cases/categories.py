"""Case categories and their statutory time limits.

The core's defaults come from the source document, in its own units (the rulebook writes days
and months, which count as calendar days with the holiday rule; see ``core.sla``). Plugins add
categories through the ``case_categories`` hook; an office may publish its own, shorter limit
for a category (``OfficeCategoryLimit``), shown to residents on its 公示 page.
"""

import dataclasses
import enum
import logging
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.extensions import db
from core.sla import Limit, LimitUnit

log = logging.getLogger(__name__)


class CaseCategory(enum.StrEnum):
    """Codes of the core's own categories (plugins add more codes through the hook)."""

    CONSULTATION = "consultation"  # 咨询
    SERVICE = "service"  # 提供服务
    APPROVAL = "approval"  # 审批事项
    COMMITMENT = "service_commitment"  # 服务承诺


@dataclass(frozen=True)
class CategorySpec:
    """A kind of matter with its time limit; what plugins return from ``case_categories``."""

    code: str
    title: Any  # lazy_gettext
    limit: Limit
    max_limit: Limit | None = None  # the most that approved extensions may reach
    plugin: str | None = None  # filled by the core
    # True when the plugin's own screens run the time limit (stages, pauses, extensions):
    # the core's case screen then refuses those actions and points to the plugin instead.
    own_time_rules: bool = False
    # True when the matter's subject and outcome must stay off the residents' receipt page
    # (信访: the regulations keep a petition's content confidential); status, dates and the
    # responsible office are still shown.
    confidential: bool = False

    def describe(self) -> str:
        """ "15 日（经领导批准可延长至 1 个月）" — the limit as residents read it."""
        if self.max_limit is None:
            return self.limit.describe()
        return _(
            "%(limit)s（经领导批准最长 %(max)s）",
            limit=self.limit.describe(),
            max=self.max_limit.describe(),
        )


def default_categories(config) -> list[CategorySpec]:
    """The core's categories, from the rulebook (限时服务制度, 服务承诺制度).

    ``CASE_SERVICE_DAYS`` sets the service limit (1–3 days, default 3).
    """
    service_days = int(config.get("CASE_SERVICE_DAYS", 3))
    if not 1 <= service_days <= 3:
        raise ValueError("CASE_SERVICE_DAYS must be between 1 and 3 (限时服务制度: 1–3 日)")
    days = LimitUnit.CALENDAR_DAYS
    return [
        CategorySpec(
            CaseCategory.CONSULTATION.value, _l("咨询"), Limit(15, days), Limit(1, LimitUnit.MONTHS)
        ),
        CategorySpec(CaseCategory.SERVICE.value, _l("提供服务"), Limit(service_days, days)),
        CategorySpec(CaseCategory.APPROVAL.value, _l("审批事项"), Limit(7, days)),
        CategorySpec(
            CaseCategory.COMMITMENT.value, _l("服务承诺事项"), Limit(10, days), Limit(30, days)
        ),
    ]


def load_categories(app) -> dict[str, CategorySpec]:
    """Collect the core's and every plugin's categories once, at start-up."""
    from core.plugins import get_registry

    specs = {spec.code: spec for spec in default_categories(app.config)}
    for plugin_name, items in get_registry(app).call_each("case_categories"):
        for spec in items if isinstance(items, list | tuple) else [items]:
            if not isinstance(spec, CategorySpec):
                log.error("plugin %s returned %r from case_categories", plugin_name, spec)
                continue
            if spec.code in specs:
                log.error(
                    "plugin %s: case category %r already exists; skipped", plugin_name, spec.code
                )
                continue
            specs[spec.code] = dataclasses.replace(spec, plugin=plugin_name)
    app.extensions["township_case_categories"] = specs
    return specs


def all_categories() -> dict[str, CategorySpec]:
    """Every known category of the current app, by code."""
    return current_app.extensions["township_case_categories"]


def get_category(code: str) -> CategorySpec | None:
    """The category with this code, or None."""
    return all_categories().get(code)


def category_title(code: str) -> str:
    """The category's title, or the code itself for a category no longer loaded."""
    spec = get_category(code)
    return str(spec.title) if spec else code


def office_limit(office_id: int, code: str):
    """The office's own published limit for a category (an ``OfficeCategoryLimit``) or None."""
    from core.cases.models import OfficeCategoryLimit

    return db.session.scalar(
        select(OfficeCategoryLimit).where(
            OfficeCategoryLimit.office_id == office_id, OfficeCategoryLimit.category == code
        )
    )


def effective_limit(office_id: int, code: str) -> Limit:
    """The limit a new case of ``code`` at the office runs on: its published one, else the
    category's."""
    own = office_limit(office_id, code)
    if own is not None:
        return own.limit
    return all_categories()[code].limit
