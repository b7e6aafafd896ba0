"""Review before publishing on the disclosure desk: staff see exactly what residents will get
(masked by the gate, suspected names highlighted) and decide each suspected name — mask it, or
let it stand as a public figure's — before an item, an answer or a decline reason goes out.

The panel posts ``review_<i>`` (``mask`` / ``allow``) and ``review_name_<i>`` per suspect, the
contract of the core's ``review_panel`` macro and ``decisions_from``.
"""

from core.publication.review import highlighted, suspects_in

try:  # the core's reader of the panel, once it is there
    from core.publication.review import decisions_from as _core_decisions_from
except ImportError:  # pragma: no cover - until the core ships it
    _core_decisions_from = None


def decisions_from(form, suspects: list[str]) -> tuple[set[str], list[str]]:
    """(names allowed to stand, names not yet decided) from the posted review panel."""
    if _core_decisions_from is not None:
        return _core_decisions_from(form, suspects)
    allowed, undecided = set(), []
    for i, name in enumerate(suspects):
        choice = form.get(f"review_{i}")
        if form.get(f"review_name_{i}") != name or choice not in ("mask", "allow"):
            undecided.append(name)
        elif choice == "allow":
            allowed.add(name)
    return allowed, undecided


def review_of(*texts: str, allowed=frozenset()) -> dict:
    """What the review panel shows for these texts: the masked segments (texts joined by a
    blank line, as residents read them one after the other) and the suspects to decide."""
    joined = "\n\n".join(t for t in texts if t)
    return {"segments": highlighted(joined, allowed), "suspects": suspects_in(*texts)}
