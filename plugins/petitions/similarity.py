"""Chinese text similarity for finding repeat petitions (重复信访).

Subjects are short Chinese phrases worded differently each time ("王家村修路占用我家承包地未给
补偿" / "反映王家村修建道路占用其承包地至今未补偿"). Exact equality finds nothing; word
segmentation needs a dictionary. Character bigrams need neither: after dropping the filler
words petition registers are full of (反映, 要求, 问题…) and function characters (的, 了, 我…),
two subjects about the same matter share most of their bigrams, and the Dice coefficient of the
two bigram sets ranks them.

The bigrams are also the index: ``petition_gram`` holds (gram, office, petition) and the
candidates for a new subject are the petitions sharing the most grams with it (see
``plugins.petitions.repeats``).
"""

import re
import unicodedata

# Words that say nothing about the matter itself; removed before making grams.
FILLER_WORDS = (
    "信访人",
    "信访",
    "来信",
    "来访",
    "来电",
    "群众",
    "村民",
    "居民",
    "反映",
    "要求",
    "请求",
    "希望",
    "关于",
    "问题",
    "事宜",
    "事项",
    "情况",
    "一事",
    "有关",
    "相关",
    "恳请",
    "申请",
    "投诉",
    "举报",
    "至今",
    "一直",
    "目前",
    "现在",
    "已经",
)
# Function characters: they split the text (a bigram never spans one of them).
FUNCTION_CHARS = frozenset("的了我其他她它们和与及在对把被给是之也而啊吧呢吗么还都就又")
_FILLER_RE = re.compile("|".join(sorted(map(re.escape, FILLER_WORDS), key=len, reverse=True)))
# Anything that is not a CJK character, a letter or a digit separates segments.
_SEPARATOR_RE = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")
MAX_GRAMS = 64  # a subject is short; a pasted essay must not flood the index


def normalise(text: str | None) -> list[str]:
    """The text as segments of meaningful characters (NFKC, lower case, fillers removed)."""
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text).lower()
    text = _FILLER_RE.sub(" ", text)
    text = "".join(" " if ch in FUNCTION_CHARS else ch for ch in text)
    return [s for s in _SEPARATOR_RE.split(text) if s]


def grams(text: str | None) -> set[str]:
    """Character bigrams of the text's segments; a one-character segment counts as itself.

    At most ``MAX_GRAMS`` grams (those of the beginning of the text), so index rows per
    petition stay bounded.
    """
    result: list[str] = []
    seen: set[str] = set()
    for segment in normalise(text):
        pieces = (
            [segment]
            if len(segment) == 1
            else [segment[i : i + 2] for i in range(len(segment) - 1)]
        )
        for piece in pieces:
            if piece not in seen:
                seen.add(piece)
                result.append(piece)
                if len(result) >= MAX_GRAMS:
                    return seen
    return seen


def dice(a: set[str], b: set[str]) -> float:
    """Dice coefficient of two gram sets: 2·|A∩B| / (|A|+|B|), 0 for two empty sets."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def min_shared(query_size: int, threshold: float) -> int:
    """The fewest grams a candidate must share with a query of ``query_size`` grams to
    possibly reach Dice ``threshold`` (from 2o/(q+d) ≥ t and d ≥ o)."""
    if query_size == 0 or threshold <= 0:
        return 1
    needed = threshold * query_size / (2 - threshold)
    return max(1, int(needed) if needed == int(needed) else int(needed) + 1)
