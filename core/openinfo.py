"""Figures for the annual open-government-information report (政府信息公开工作年度报告).

The Regulations on Open Government Information (art. 49–50) require every government body to
publish, by 31 March, a report on the previous year: what it published on its own initiative,
the requests it received and how each was answered, the reviews and suits it faced and the
fees it charged. Modules own the data; the report module owns the tables. Between them are
two hooks (``core.hookspecs``), answered by convention from a module's ``openinfo.py``:

- ``open_information_published(year, office_ids)``: a list of ``PublishedCount`` — how many
  items of one kind the module published in that Beijing calendar year, per office;
- ``open_information_requests(year, office_ids)``: a list of ``RequestCount`` — residents'
  requests for disclosure handled in that year, per office and by outcome (``OUTCOMES``).

The report module calls ``published_counts`` / ``request_counts`` and never imports a module.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

# A request's outcome as at the end of the year, in the national template's terms.
OUTCOMES = (
    "disclosed",  # 予以公开
    "partly_disclosed",  # 部分公开
    "declined_state_secret",  # 不予公开：属于国家秘密
    "declined_business_secret",  # 不予公开：涉及商业秘密
    "declined_privacy",  # 不予公开：涉及个人隐私
    "declined_other",  # 不予公开：其他法定情形
    "not_held",  # 无法提供：本机关不掌握相关政府信息
    "pending",  # 尚未办结（结转下年度）
)


@dataclass(frozen=True)
class PublishedCount:
    """Items of one ``kind`` (stable, e.g. ``disclosure_item``) published in the year, with
    a label for the table (Chinese) and ``counts`` by office id (offices with none omitted)."""

    kind: str
    label: str
    counts: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RequestCount:
    """``count`` requests of one office with one outcome (one of ``OUTCOMES``) as at the end
    of the year; ``carried_over`` for requests received in an earlier year still open at its
    start (上年结转)."""

    office_id: int
    outcome: str
    count: int
    carried_over: bool = False


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The Beijing calendar year as [start, end) in aware UTC, for stored moments."""
    from core.time import LOCAL_ZONE

    start = datetime.combine(date(year, 1, 1), time(), tzinfo=LOCAL_ZONE)
    end = datetime.combine(date(year + 1, 1, 1), time(), tzinfo=LOCAL_ZONE)
    return start.astimezone(UTC), end.astimezone(UTC)


def published_counts(year: int, office_ids) -> list[PublishedCount]:
    """What every installed module published in ``year`` for ``office_ids``, kind by kind."""
    from core.plugins import get_registry

    found: list[PublishedCount] = []
    for _plugin, answer in get_registry().call_each(
        "open_information_published", year=year, office_ids=sorted(office_ids)
    ):
        found.extend(answer if isinstance(answer, list | tuple) else [answer])
    return sorted(found, key=lambda c: c.kind)


def request_counts(year: int, office_ids) -> list[RequestCount]:
    """Every module's residents' requests handled in ``year`` for ``office_ids``, by outcome.
    An outcome outside ``OUTCOMES`` is refused (ValueError), so no count is lost unseen."""
    from core.plugins import get_registry

    found: list[RequestCount] = []
    for plugin, answer in get_registry().call_each(
        "open_information_requests", year=year, office_ids=sorted(office_ids)
    ):
        for row in answer if isinstance(answer, list | tuple) else [answer]:
            if row.outcome not in OUTCOMES:
                raise ValueError(f"{plugin}: unknown request outcome {row.outcome!r}")
            found.append(row)
    return found
