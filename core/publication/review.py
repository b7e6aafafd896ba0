"""Review before publishing: staff see the exact text residents will get, with every name the
masker was unsure of highlighted, and decide each one — mask it, or let it stand as a public
figure's name (an official, a deputy). The decisions are kept per published record and applied
wherever that record is published; anything undecided is masked.
"""

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.publication.masker import OFFICIAL, SUSPECT, analyse
from core.publication.withdrawal import record_type


class AllowedName(db.Model):
    """A name staff confirmed may stand in one published record (a public figure's)."""

    __tablename__ = "publication_allowed_name"
    __table_args__ = (UniqueConstraint("record_type", "record_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(64))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


def allowed_names_for(model: type, rows) -> dict[int, frozenset[str]]:
    """Names allowed to stand, per row id (one query)."""
    ids = [r.id for r in rows if getattr(r, "id", None) is not None]
    if not ids:
        return {}
    found: dict[int, set[str]] = {}
    for rid, name in db.session.execute(
        select(AllowedName.record_id, AllowedName.name).where(
            AllowedName.record_type == record_type(model), AllowedName.record_id.in_(ids)
        )
    ):
        found.setdefault(rid, set()).add(name)
    return {k: frozenset(v) for k, v in found.items()}


def suspects_in(*texts: str) -> list[str]:
    """The distinct suspected names staff must decide on, in order of appearance (names of
    active officials included: staff may still choose to mask them)."""
    seen: list[str] = []
    for text in texts:
        for seg in analyse(text or ""):
            if seg.kind in (SUSPECT, OFFICIAL) and seg.text not in seen:
                seen.append(seg.text)
    return seen


def highlighted(text: str, allowed=frozenset()) -> list[dict]:
    """The text as residents will get it, cut into pieces a template can highlight:
    ``{"shown", "written", "kind", "masked"}`` with kind plain/number/known/suspect/official."""
    return [
        {"shown": s.shown, "written": s.text, "kind": s.kind, "masked": s.masked}
        for s in analyse(text or "", allowed=allowed)
    ]


def record_decisions(model: type, record_id: int, allowed: set[str], actor_id=None) -> None:
    """Keep the names staff let stand for a record (the caller commits)."""
    for name in sorted(allowed):
        db.session.add(
            AllowedName(
                record_type=record_type(model),
                record_id=record_id,
                name=name[:64],
                confirmed_by_id=actor_id,
            )
        )


def decisions_from(form, suspects: list[str]) -> tuple[set[str], list[str]]:
    """Read the review panel's answers: (names allowed to stand, names not yet decided).

    The panel posts ``review_<i>`` = ``mask`` or ``allow`` and ``review_name_<i>`` for each
    suspect; a posted name that no longer matches the text's suspect counts as undecided."""
    allowed, undecided = set(), []
    for i, name in enumerate(suspects):
        choice = form.get(f"review_{i}")
        if form.get(f"review_name_{i}") != name or choice not in ("mask", "allow"):
            undecided.append(name)
        elif choice == "allow":
            allowed.add(name)
    return allowed, undecided
