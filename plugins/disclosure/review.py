"""Review before publishing on the disclosure desk: staff see exactly what residents will get
(masked by the gate, suspected names highlighted) and decide each suspected name — mask it, or
let it stand as a public figure's — before an item, an answer or a decline reason goes out.

The screens use the core's ``review_panel`` macro and read it with the core's
``decisions_from``; this module only gathers the texts of one submission.
"""

from core.kit import decisions_from, highlighted, suspects_in

__all__ = ["decisions_from", "review_of"]


def review_of(*texts: str, allowed=frozenset()) -> dict:
    """What the review panel shows for these texts: the masked segments (texts joined by a
    blank line, as residents read them one after the other) and the suspects to decide."""
    joined = "\n\n".join(t for t in texts if t)
    return {"segments": highlighted(joined, allowed), "suspects": suspects_in(*texts)}
