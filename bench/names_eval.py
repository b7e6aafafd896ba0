"""Recall and precision of the offline person-name recogniser on a labelled sample.

The sample (tests/data/names_sample.jsonl) is hand-written township text — minutes excerpts,
postponement reasons, questions, answers, topic texts — one JSON object a line with the text
and every full name of a person in it (officials, residents, 2- to 4-character names, compound
surnames), among words that start with a surname character (周边, 万一, 林业…) and places
named after families (杨家湾, 马庄村).

A suspected name counts as found only when its span is exactly a labelled name's occurrence;
"covered" also counts a labelled name some suspect overlaps (partly masked, partly leaked).

Run: /work/main/.venv/bin/python bench/names_eval.py [-v]
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.publication.suspects import suspected_names  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SAMPLE = DATA / "names_sample.jsonl"  # the rules were tuned on this one
HOLDOUT = DATA / "names_holdout.jsonl"  # written afterwards, never tuned on


def load_sample(path: Path = SAMPLE) -> list[dict]:
    """The labelled texts: [{"text": ..., "names": [...]}, ...]."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def gold_spans(text: str, names: list[str]) -> set[tuple[int, int]]:
    """Every occurrence of every labelled name (longest names first, no overlaps)."""
    spans: set[tuple[int, int]] = set()
    for name in sorted(set(names), key=len, reverse=True):
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if not any(start < e and s < end for s, e in spans):
                spans.add((start, end))
            start = text.find(name, end)
    return spans


def evaluate(sample: list[dict], verbose: bool = False) -> dict:
    """Counts and ratios of the recogniser against the labels."""
    tp = fp = fn = covered = 0
    for item in sample:
        text = item["text"]
        gold = gold_spans(text, item["names"])
        found = {(s.start, s.end) for s in suspected_names(text)}
        tp += len(gold & found)
        fp += len(found - gold)
        fn += len(gold - found)
        covered += sum(1 for g in gold if any(g[0] < e and s < g[1] for s, e in found))
        if verbose and gold != found:
            missed = [text[s:e] for s, e in sorted(gold - found)]
            wrong = [text[s:e] for s, e in sorted(found - gold)]
            print(f"missed {missed} wrong {wrong}: {text}")
    gold_total = tp + fn
    return {
        "texts": len(sample),
        "names": gold_total,
        "found": tp,
        "missed": fn,
        "false": fp,
        "covered": covered,
        "recall": tp / gold_total if gold_total else 0.0,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "covered_recall": covered / gold_total if gold_total else 0.0,
    }


def main() -> None:
    """Print the figures (and, with -v, every text the recogniser got wrong)."""
    for label, path in (("sample", SAMPLE), ("held-out", HOLDOUT)):
        result = evaluate(load_sample(path), verbose="-v" in sys.argv)
        print(
            f"{label}: {result['texts']} texts, {result['names']} labelled names: "
            f"{result['found']} found exactly, {result['missed']} missed, "
            f"{result['false']} false suspects"
        )
        print(
            f"  recall {result['recall']:.3f}  precision {result['precision']:.3f}  "
            f"(names at least partly covered: {result['covered_recall']:.3f})"
        )


if __name__ == "__main__":
    main()
