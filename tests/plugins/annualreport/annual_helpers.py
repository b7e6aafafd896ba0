"""Seeded data for the annual report tests, with the expected counts computed here in plain
Python (Beijing calendar years by zoneinfo), independently of the modules' queries."""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from support import login

from core.extensions import db
from plugins.bulletins.models import InfoProduct, Release
from plugins.catalogue.models import ServiceMatter
from plugins.disclosure.models import (
    DeclineGround,
    DisclosureItem,
    DisclosureTopic,
    ItemCategory,
    TopicStatus,
)
from plugins.hearings.models import Hearing, MinutesVersion

BEIJING = ZoneInfo("Asia/Shanghai")
YEAR = 2025
GROUND_OUTCOME = {
    DeclineGround.STATE_SECRET: "declined_state_secret",
    DeclineGround.BUSINESS_SECRET: "declined_business_secret",
    DeclineGround.PRIVACY: "declined_privacy",
    DeclineGround.NOT_OUR_DUTY: "not_held",
    DeclineGround.OTHER: "declined_other",
}


def beijing(y, m, d, hh=12, mm=0) -> datetime:
    """A Beijing wall-clock moment as an aware datetime."""
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


def in_year(moment) -> bool:
    """True when ``moment`` falls in YEAR on Beijing's calendar."""
    return moment is not None and moment.astimezone(BEIJING).year == YEAR


@dataclass
class Expected:
    """What the tables must show, per office id."""

    published: Counter = field(default_factory=Counter)  # (office, kind) -> n
    received: Counter = field(default_factory=Counter)  # office -> n
    carried: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)  # (office, outcome) -> n

    def published_total(self, ids) -> int:
        return sum(n for (o, _k), n in self.published.items() if o in ids)

    def kind(self, ids, kind) -> int:
        return sum(n for (o, k), n in self.published.items() if o in ids and k == kind)

    def outcome(self, ids, outcome) -> int:
        return sum(n for (o, k), n in self.outcomes.items() if o in ids and k == outcome)


def _moments(rng):
    """Moments around the year's edges and inside it (Beijing time)."""
    edges = [
        beijing(YEAR, 1, 1, 0, 0),  # first minute: in
        beijing(YEAR - 1, 12, 31, 23, 59),  # last minute before: out
        beijing(YEAR, 12, 31, 23, 59),  # last minute: in
        beijing(YEAR + 1, 1, 1, 0, 1),  # after: out
    ]
    start = beijing(YEAR - 1, 10, 1)
    return edges + [start + timedelta(hours=rng.randrange(0, 24 * 520)) for _ in range(16)]


def _topic_outcome(status, ground, answered_at):
    if answered_at is None or not answered_at.astimezone(BEIJING).year <= YEAR:
        return "pending"
    if status == TopicStatus.OPEN:
        return "pending"
    return "disclosed" if status == TopicStatus.ANSWERED else GROUND_OUTCOME[ground]


def _seed_topic(exp, office_id, created, rng, n):
    status = rng.choice(list(TopicStatus))
    ground = rng.choice(list(DeclineGround)) if status == TopicStatus.DECLINED else None
    answered = None
    if status != TopicStatus.OPEN:
        answered = created + timedelta(days=rng.randrange(1, 60))
    db.session.add(
        DisclosureTopic(
            office_id=office_id,
            topic=f"点题{n}",
            status=status,
            decline_ground=ground,
            answered_at=answered,
            created_at=created,
        )
    )
    c_year = created.astimezone(BEIJING).year
    open_at_start = answered is None or answered.astimezone(BEIJING).year >= YEAR
    if c_year == YEAR:
        exp.received[office_id] += 1
    elif c_year < YEAR and open_at_start:
        exp.carried[office_id] += 1
    else:
        return
    exp.outcomes[(office_id, _topic_outcome(status, ground, answered))] += 1


def _seed_publications(exp, office_id, moment, rng, n):
    item = DisclosureItem(
        office_id=office_id, category=ItemCategory.POLICY, title=f"公开事项{n}", body="正文"
    )
    item.published_at = moment if rng.random() < 0.8 else None  # some drafts
    db.session.add(item)
    if in_year(item.published_at):
        exp.published[(office_id, "disclosure_item")] += 1
    product = InfoProduct(office_id=office_id, title=f"信息{n}", valid_until=date(YEAR + 2, 1, 1))
    db.session.add(product)
    db.session.flush()
    day = moment.astimezone(BEIJING).date()
    db.session.add(Release(office_id=office_id, product_id=product.id, released_on=day))
    if day.year == YEAR:
        exp.published[(office_id, "bulletins_release")] += 1
    hearing = Hearing(office_id=office_id, title=f"听证{n}", announced_at=moment)
    db.session.add(hearing)
    db.session.flush()
    exp.published[(office_id, "hearings_notice")] += in_year(moment)
    db.session.add(
        MinutesVersion(
            hearing_id=hearing.id,
            office_id=office_id,
            number=1,
            body_md="纪要",
            body_html="<p>纪要</p>",
            published_at=moment + timedelta(days=3),
        )
    )
    exp.published[(office_id, "hearings_minutes")] += in_year(moment + timedelta(days=3))
    listed = rng.random() < 0.8
    db.session.add(
        ServiceMatter(
            office_id=office_id,
            name=f"事项{n}",
            category_code="general",
            listed=listed,
            created_at=moment,
        )
    )
    exp.published[(office_id, "catalogue_matter")] += listed and in_year(moment)


def seed(office_ids, seed_value=21) -> Expected:
    """Items, releases, hearings, minutes, matters and topics around YEAR for the offices;
    returns the counts the tables must show."""
    rng = random.Random(seed_value)
    exp = Expected()
    n = 0
    for office_id in office_ids:
        for moment in _moments(rng):
            n += 1
            _seed_publications(exp, office_id, moment, rng, n)
            _seed_topic(exp, office_id, moment, rng, n)
    db.session.commit()
    return exp


def client_for(app, username: str):
    """A new test client signed in as ``username``."""
    client = app.test_client()
    response = login(client, username)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client
