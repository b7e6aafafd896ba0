"""The disclosure board of an office (公开栏) and the topics residents ask to see disclosed
(群众点题公开).

A ``DisclosureItem`` is one matter disclosed on the board: a policy, a procedure with its
conditions and time limit, fees, results, finances, village affairs, the responsible staff
and their liability for broken promises. ``published_at`` None is a draft. A leader withdraws
a published item through the core (``core.publication.withdraw``): the row is kept, so nothing
disclosed is ever lost, and the core's withdrawal record is the one source of truth for it.

A ``DisclosureTopic`` is a resident's request "please disclose …". It opens a core case
(category ``disclosure_topic``); the resident's name and phone live on that case only.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.kit import (
    Case,
    LabelledEnum,
    Office,
    TimestampMixin,
    User,
    UTCDateTime,
    VersionedMixin,
    db,
    enum_column,
)


class ItemCategory(LabelledEnum):
    """What an item discloses (政务村务公开制度 2–3), in board order."""

    POLICY = "policy", _l("政策法规")
    PROCEDURE = "procedure", _l("办事指南（条件、程序、时限）")
    FEES = "fees", _l("收费标准")
    RESULTS = "results", _l("办理结果")
    FINANCE = "finance", _l("财务收支")
    VILLAGE_AFFAIRS = "village_affairs", _l("村务（宅基地、林木采伐、救济款物、补贴发放等）")
    STAFF_LIABILITY = "staff_liability", _l("承办人员与违诺责任")
    OTHER = "other", _l("其他公开事项")


class Stage(LabelledEnum):
    """阳光政务: when in a matter's life the item is disclosed."""

    BEFORE = "before", _l("事前公开（方案）")
    DURING = "during", _l("事中公开（进度）")
    AFTER = "after", _l("事后公开（结果）")


class TopicStatus(LabelledEnum):
    """A topic is open until it is answered (an item disclosed) or declined with a reason."""

    OPEN = "open", _l("办理中")
    ANSWERED = "answered", _l("已公开")
    DECLINED = "declined", _l("不予公开")


class DeclineGround(LabelledEnum):
    """Why a topic is not disclosed: the lawful exceptions, or another body's duty."""

    STATE_SECRET = "state_secret", _l("涉及国家秘密")
    BUSINESS_SECRET = "business_secret", _l("涉及商业秘密")
    PRIVACY = "privacy", _l("涉及个人隐私")
    NOT_OUR_DUTY = "not_our_duty", _l("不属于本单位职责")
    OTHER = "other", _l("其他依法不予公开的情形")


class DisclosureItem(VersionedMixin, TimestampMixin, db.Model):
    """One matter on the office's disclosure board; a draft until published."""

    __tablename__ = "disclosure_item"
    __table_args__ = (db.Index("ix_disclosure_item_office_published", "office_id", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    category: Mapped[ItemCategory] = mapped_column(enum_column(ItemCategory, 24))
    stage: Mapped[Stage | None] = mapped_column(enum_column(Stage, 12))
    title: Mapped[str] = mapped_column(db.String(200))
    body: Mapped[str] = mapped_column(db.Text, default="")  # plain text or Markdown (sanitised)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))

    office: Mapped[Office] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    topics: Mapped[list["DisclosureTopic"]] = relationship(back_populates="answer_item")

    @property
    def withdrawal(self):
        """The core's withdrawal of this item (``withdrawn_at``, ``reason``), or None."""
        from core.kit import withdrawals_for

        return withdrawals_for(DisclosureItem, [self]).get(self.id)

    @property
    def is_public(self) -> bool:
        """True while residents see the item: published and not withdrawn."""
        return self.published_at is not None and self.withdrawal is None

    @property
    def state_label(self) -> str:
        """草稿, 已公开 or 已撤回, in the reader's language."""
        if self.published_at is not None and self.withdrawal is not None:
            return str(_l("已撤回"))
        return str(_l("已公开") if self.published_at is not None else _l("草稿"))

    def __str__(self) -> str:
        return self.title


class DisclosureTopic(VersionedMixin, TimestampMixin, db.Model):
    """A resident's request that a matter be disclosed, handled as a core case.

    Who asked is on the case (``case_id``), never here; the board shows the topic text and the
    answer or the reason it is declined, through the publication gate. A leader may withdraw a
    finished topic's published answer through the core (the row is kept).
    """

    __tablename__ = "disclosure_topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(db.ForeignKey("office.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(db.ForeignKey("case_record.id"), index=True)
    receipt_no: Mapped[str | None] = mapped_column(db.String(16))
    topic: Mapped[str] = mapped_column(db.String(200))
    details: Mapped[str] = mapped_column(db.Text, default="")
    status: Mapped[TopicStatus] = mapped_column(
        enum_column(TopicStatus, 12), default=TopicStatus.OPEN, index=True
    )
    answer_item_id: Mapped[int | None] = mapped_column(db.ForeignKey("disclosure_item.id"))
    answer_note: Mapped[str | None] = mapped_column(db.Text)  # outcome given on the case screen
    decline_ground: Mapped[DeclineGround | None] = mapped_column(enum_column(DeclineGround, 24))
    decline_reason: Mapped[str | None] = mapped_column(db.Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id"))

    office: Mapped[Office] = relationship()
    case: Mapped[Case | None] = relationship()
    answer_item: Mapped[DisclosureItem | None] = relationship(back_populates="topics")
    answered_by: Mapped[User | None] = relationship()

    @property
    def withdrawal(self):
        """The core's withdrawal of this topic's published answer, or None."""
        from core.kit import withdrawals_for

        return withdrawals_for(DisclosureTopic, [self]).get(self.id)

    def __str__(self) -> str:
        return self.topic


MODELS = [DisclosureItem, DisclosureTopic]
