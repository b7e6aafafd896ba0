"""Benchmark of the publication masker on a 20,000-character minutes text.

Run: /work/main/.venv/bin/python bench/masker_bench.py [--runs 50] [--chars 20000]

The text is built from the labelled name sample (minutes excerpts, reasons, questions and
answers, about 240 names) with phones, ID and card numbers in several notations mixed in,
repeated to ``--chars`` characters. It times ``mask_text(markdown=True)`` (numbers, suspected
names; no app context, so no known-name lookup):

1. the very first call of the process (jieba's dictionary loads then);
2. uncached calls: ``--runs`` different texts of the same size (a new minutes version at
   publish time, or the first page view after a restart): median and p95;
3. cached calls: the same text again (every later page view): median and p95.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.publication.masker import NUMBER, SUSPECT, analyse, mask_text  # noqa: E402

SAMPLE = Path(__file__).resolve().parent.parent / "tests" / "data" / "names_sample.jsonl"
NUMBERS = [
    "联系电话139-1234-5678。",
    "身份证号110101 19900307 123X。",
    "手机+86 138 0013 8000。",
    "座机0571-88886666。",
    "卡号6222 0212 3456 7890 123。",
    "会议于2026-12-18 14:30召开。",
]


def minutes_text(chars: int, variant: int) -> str:
    """A minutes-like text of ``chars`` characters; each variant differs (no cache hits)."""
    lines = [json.loads(line)["text"] for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    parts, size, k = [f"第{variant}次会议纪要\n\n"], 0, 0
    while size < chars:
        piece = (
            lines[(k + variant) % len(lines)]
            + NUMBERS[k % len(NUMBERS)]
            + f"（第{variant}-{k}项）\n"
        )  # every sentence new: no sentence-cache hits
        parts.append(piece)
        size += len(piece)
        k += 1
    return "".join(parts)[:chars]


def timed(func, *args, **kwargs) -> float:
    """Milliseconds one call takes."""
    start = time.perf_counter()
    func(*args, **kwargs)
    return (time.perf_counter() - start) * 1000


def summary(times: list[float]) -> str:
    """Median and p95 of the times, in milliseconds."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"median {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms"


def main() -> None:
    """Time the masker and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--chars", type=int, default=20000)
    args = parser.parse_args()
    texts = [minutes_text(args.chars, v) for v in range(args.runs + 1)]

    first = timed(mask_text, texts[0], markdown=True)
    uncached = [timed(mask_text, t, markdown=True) for t in texts[1:]]
    cached = [timed(mask_text, texts[-1], markdown=True) for _ in range(args.runs)]
    kinds = [seg.kind for seg in analyse(texts[-1])]
    print(
        f"masker on {args.chars:,} characters ({kinds.count(SUSPECT)} names and "
        f"{kinds.count(NUMBER)} numbers masked)"
    )
    print(f"first call (loads jieba): {first:7.1f} ms")
    print(f"uncached ({args.runs} texts): {summary(uncached)}")
    print(f"cached   ({args.runs} calls): {summary(cached)}")


if __name__ == "__main__":
    main()
