"""Enums whose members carry the words a person reads."""

import enum


class LabelledEnum(enum.StrEnum):
    """A string enum whose members each carry a translated label, declared next to the value::

        class Retention(LabelledEnum):
            PERMANENT = "permanent", _l("永久")
            YEARS_30 = "30y", _l("30 年")

    ``member.label`` is the label in the reader's language (the value when none was given); the
    value is what the database stores (see ``enum_column``). Like Django's ``TextChoices``.
    """

    def __new__(cls, value: str, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        """The member's name in the reader's language."""
        return str(self._label) if self._label is not None else self.value

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs, in declaration order, for a select field. The labels stay lazy,
        so choices built at import time still read in each request's language."""
        return [(m.value, m._label if m._label is not None else m.value) for m in cls]

    @classmethod
    def label_of(cls, value) -> str:
        """The label of ``value`` (a member or a stored value): the value itself when it is not
        a member, "" for None or ""."""
        if value is None or value == "":
            return ""
        try:
            return cls(value).label
        except ValueError:
            return str(value)
