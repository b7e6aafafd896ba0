"""Finding earlier petitions by the same person or on a similar subject (重复信访).

Same person: each petitioner's phone and ID number are normalised and hashed with a key (the
app's ``PETITIONS_HASH_KEY``, default its ``SECRET_KEY``), so matching never compares or logs
plain numbers. Similar subject: the character bigrams of ``similarity`` are stored in
``petition_gram``; the candidates are the petitions sharing the most of the subject's rarer
grams (one grouped index range scan, capped; ``petition_gram_stat`` says which grams are rare),
scored on their whole subjects with the Dice coefficient in Python.

Searches are limited to the offices the caller may see: another office's petitions are never
shown, not even as a match.
"""

import re
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import delete, func, insert, select, true

from core.kit import db, normalise_id_number, phone_hash
from plugins.petitions.models import Petition, Petitioner, PetitionGram, PetitionGramStat
from plugins.petitions.similarity import dice, grams, min_shared

DEFAULT_THRESHOLD = 0.35
CANDIDATE_LIMIT = 200  # petitions scored per search (best gram overlap first)
PERSON_LIMIT = 50


@dataclass
class Match:
    """An earlier petition that may be the same matter."""

    petition: Petition
    score: float = 0.0  # Dice similarity of the subjects (0–1)
    same_person: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def normalise_phone(phone: str | None) -> str | None:
    """Digits only, without the country code: "+86 138-1234-5678" → "13812345678"."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits or None


def person_hash(kind: str, value: str | None) -> str | None:
    """Keyed hash of a normalised phone ("phone") or ID number ("id"), or None."""
    if kind == "phone":
        value = normalise_phone(value)
    else:
        value = normalise_id_number(value)
    # The kit's keyed hash ("kind:value", PETITIONS_HASH_KEY or the app's secret).
    return phone_hash(value, kind, "PETITIONS_HASH_KEY") if value else None


def fill_hashes(petitioner: Petitioner) -> None:
    """Set the petitioner's phone and ID hashes from the plain values."""
    petitioner.phone_hash = person_hash("phone", petitioner.phone)
    petitioner.id_hash = person_hash("id", petitioner.id_number)


def _bump_counts(connection, changed: list[str], delta: int) -> None:
    """Add ``delta`` to the petition count of each gram (an upsert, in gram order so two
    registrations never lock the same rows in opposite orders)."""
    if not changed:
        return
    table = PetitionGramStat.__table__
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    statement = upsert(table).values(
        [{"gram": g, "petitions": max(delta, 0)} for g in sorted(changed)]
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.gram], set_={"petitions": table.c.petitions + delta}
    )
    connection.execute(statement)


def index_petition(petition: Petition) -> int:
    """(Re)write the petition's subject grams into the index; returns how many.

    A repeat (linked to an original) is not indexed: searches find the original.

    The rows are derived data, rebuilt from the (audited) subject at any time, so they are
    written with table-level statements on the session's connection — same transaction, but
    not row-audited: twenty audit entries per registration would bury the real changes.
    """
    db.session.flush()
    table = PetitionGram.__table__
    connection = db.session.connection()
    old = set(connection.scalars(select(table.c.gram).where(table.c.petition_id == petition.id)))
    new = set() if petition.repeat_of_id is not None else grams(petition.subject)
    if old == new:
        return len(new)
    connection.execute(delete(table).where(table.c.petition_id == petition.id))
    if new:
        connection.execute(
            insert(table),
            [
                {"gram": g, "office_id": petition.office_id, "petition_id": petition.id}
                for g in sorted(new)
            ],
        )
    _bump_counts(connection, sorted(old - new), -1)
    _bump_counts(connection, sorted(new - old), +1)
    return len(new)


def _scope(column, office_ids):
    return true() if office_ids is None else column.in_(sorted(office_ids))


def search_grams(query_grams: set[str], threshold: float) -> list[str]:
    """The grams a search reads: the rarest ones, leaving out the most common as long as
    the rest still prove it (prefix filtering).

    A petition within Dice ``threshold`` of the query shares at least ``k`` of its ``q``
    grams (``min_shared``); so it shares at least one of any ``q - k + 1`` of them. Reading
    only the ``q - k + 1`` rarest finds every such petition and skips the longest lists
    (村, 问题 …), which is where the time goes on a large register.
    """
    counts = dict(
        db.session.execute(
            select(PetitionGramStat.gram, PetitionGramStat.petitions).where(
                PetitionGramStat.gram.in_(sorted(query_grams))
            )
        ).all()
    )
    ordered = sorted(query_grams, key=lambda g: (counts.get(g, 0), g))
    keep = len(ordered) - min_shared(len(ordered), threshold) + 1
    return [g for g in ordered[: max(keep, 1)] if counts.get(g, 0) > 0]


def subject_candidates(
    subject: str,
    office_ids: set[int] | None,
    *,
    threshold: float | None = None,
    exclude_id: int | None = None,
    limit: int = 10,
) -> list[tuple[int, float]]:
    """(petition id, Dice score) of the petitions whose subjects are most like ``subject``,
    best first, score ≥ threshold.

    Candidates: the petitions sharing the most of the search grams (one grouped range scan
    of the gram index, capped at ``CANDIDATE_LIMIT``); each is then scored on its full
    subject in Python.
    """
    threshold = (
        current_app.config.get("PETITIONS_REPEAT_THRESHOLD", DEFAULT_THRESHOLD)
        if threshold is None
        else threshold
    )
    query_grams = grams(subject)
    if not query_grams or office_ids == set():
        return []
    wanted = search_grams(query_grams, threshold)
    if not wanted:
        return []
    shared = func.count().label("shared")
    statement = (
        select(PetitionGram.petition_id, shared)
        .where(PetitionGram.gram.in_(wanted), _scope(PetitionGram.office_id, office_ids))
        .group_by(PetitionGram.petition_id)
        .order_by(shared.desc(), PetitionGram.petition_id.desc())
        .limit(CANDIDATE_LIMIT)
    )
    ids = [
        row.petition_id for row in db.session.execute(statement) if row.petition_id != exclude_id
    ]
    if not ids:
        return []
    subjects = db.session.execute(select(Petition.id, Petition.subject).where(Petition.id.in_(ids)))
    scored = [(pid, dice(query_grams, grams(text))) for pid, text in subjects]
    scored = [(pid, score) for pid, score in scored if score >= threshold]
    scored.sort(key=lambda item: (-item[1], -item[0]))
    return scored[:limit]


def person_candidates(
    phones, id_numbers, office_ids: set[int] | None, *, exclude_id: int | None = None
) -> list[int]:
    """Ids of petitions with a petitioner of the same phone or ID number, newest first."""
    hashes_phone = {h for h in (person_hash("phone", p) for p in phones) if h}
    hashes_id = {h for h in (person_hash("id", i) for i in id_numbers) if h}
    if not (hashes_phone or hashes_id) or office_ids == set():
        return []
    conditions = []
    if hashes_phone:
        conditions.append(Petitioner.phone_hash.in_(sorted(hashes_phone)))
    if hashes_id:
        conditions.append(Petitioner.id_hash.in_(sorted(hashes_id)))
    statement = (
        select(Petitioner.petition_id)
        .distinct()
        .where(db.or_(*conditions), _scope(Petitioner.office_id, office_ids))
        .order_by(Petitioner.petition_id.desc())
        .limit(PERSON_LIMIT)
    )
    return [pid for pid in db.session.scalars(statement) if pid != exclude_id]


def _originals(ids) -> dict[int, Petition]:
    """Petition id → the original it repeats (itself when it is an original), in two queries."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    loaded = {p.id: p for p in db.session.scalars(select(Petition).where(Petition.id.in_(ids)))}
    wanted = {p.repeat_of_id for p in loaded.values() if p.repeat_of_id is not None} - set(loaded)
    if wanted:
        loaded.update(
            {
                p.id: p
                for p in db.session.scalars(select(Petition).where(Petition.id.in_(sorted(wanted))))
            }
        )
    result = {}
    for pid in ids:
        petition, seen = loaded[pid], set()
        while petition.repeat_of_id is not None and petition.id not in seen:
            seen.add(petition.id)
            petition = loaded.get(petition.repeat_of_id) or petition.repeat_of
        result[pid] = petition
    return result


def find_repeats(  # noqa: C901
    *,
    subject: str,
    phones=(),
    id_numbers=(),
    office_ids: set[int] | None,
    exclude_id: int | None = None,
    limit: int = 10,
) -> list[Match]:
    """Earlier petitions that may be the same matter, as originals (a repeat found by the
    person is shown as the petition it repeats): same person first, then by similarity."""
    from flask_babel import gettext as _

    by_person = person_candidates(phones, id_numbers, office_ids, exclude_id=exclude_id)
    by_subject = subject_candidates(subject, office_ids, exclude_id=exclude_id, limit=limit * 2)
    originals = _originals([*by_person, *(pid for pid, _score in by_subject)])
    matches: dict[int, Match] = {}
    for pid in by_person:
        original = originals[pid]
        if original.id == exclude_id:
            continue
        match = matches.setdefault(original.id, Match(original))
        if not match.same_person:
            match.same_person = True
            match.reasons.append(_("同一信访人（电话或身份证号相同）"))
    for pid, score in by_subject:
        original = originals[pid]
        if original.id == exclude_id:
            continue
        match = matches.setdefault(original.id, Match(original))
        if score > match.score:
            if match.score == 0:
                match.reasons.append(_("事由相似"))
            match.score = score
    if subject:
        query_grams = grams(subject)
        for match in matches.values():
            if match.score == 0:
                match.score = dice(query_grams, grams(match.petition.subject))
    ordered = sorted(matches.values(), key=lambda m: (not m.same_person, -m.score, -m.petition.id))
    return ordered[:limit]
