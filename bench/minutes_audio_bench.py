"""Benchmark of the minutes read aloud: one 3,000-character minutes version to MP3.

Run: ``.venv/bin/python bench/minutes_audio_bench.py [--chars 3000] [--runs 5]``

On a fresh SQLite database (a temporary file) with the demo township, it publishes a correction
of the demo's held hearing's minutes of about ``--chars`` characters (prose with dates, times,
percentages, amounts and a planted phone number, as minutes have), then runs the job that
reads a version aloud (``plugins.hearings.jobs:make_minutes_audio``: published view through
the gate, numbers to words, espeak-ng ``cmn``, lame MP3, stored) ``--runs`` times, the stored
audio dropped before each run. It prints the wall time of the job (median, p95) and of its
parts (text preparation, espeak-ng, lame), and the result's format, duration and size.
Needs Debian's ``espeak-ng`` and ``lame``.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from core.app import create_app  # noqa: E402
from core.extensions import db  # noqa: E402

PARAGRAPH = (
    "2026年12月18日上午9:30，镇政府三楼会议室召开听证会，到会32人，其中村民代表18人。"
    "会议就土地流转租金、合同期限和机井维护逐条讨论，租金每亩每年800元，三年后上浮5%，"
    "同意率85.5%。村民李某（电话 13800138000）提出补偿款1,200元应在2027-01-15前发放，"
    "镇农业技术推广站当场作了说明，不能当场答复的明确责任人和期限，会后公示7天。"
)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def minutes_text(chars: int) -> str:
    """Markdown minutes of about ``chars`` characters: numbered sections of prose."""
    parts, i = ["# 听证会会议纪要", ""], 0
    while len("\n".join(parts)) < chars:
        i += 1
        parts += [f"## {i}. 第 {i} 项议题", "", PARAGRAPH, ""]
    return "\n".join(parts)[:chars]


def publish(app, chars: int) -> int:
    """Publish a correction of the demo's held hearing at ``chars`` characters; its id."""
    from core.cli.demo import load_demo
    from plugins.hearings import services
    from plugins.hearings.demo import HELD_TITLE
    from plugins.hearings.models import Hearing

    with app.app_context():
        db.create_all()
        load_demo()
        hearing = db.session.scalar(select(Hearing).where(Hearing.title == HELD_TITLE))
        services.save_minutes_draft(hearing, minutes_text(chars))
        result = services.publish_minutes(hearing, correction_note="补充全文")
        db.session.commit()
        return result["minutes_id"]


def time_parts(app, version_id: int) -> dict[str, float]:
    """One run of the job's parts, timed separately."""
    import shutil
    import subprocess

    from core.speech import MP3_KBPS, VOICE, WORDS_PER_MINUTE, speech_text
    from plugins.hearings.audio import speech_source
    from plugins.hearings.models import MinutesVersion

    with app.app_context(), tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        words = speech_text(speech_source(db.session.get(MinutesVersion, version_id)))
        prepared = time.perf_counter()
        wav, mp3 = f"{tmp}/a.wav", f"{tmp}/a.mp3"
        subprocess.run(
            [shutil.which("espeak-ng"), "-v", VOICE, "-s", str(WORDS_PER_MINUTE), "-b", "1"]
            + ["-w", wav],
            input=words.encode(),
            check=True,
            capture_output=True,
        )
        spoken = time.perf_counter()
        subprocess.run(
            [shutil.which("lame"), "--quiet", "-m", "m", "-q", "7", "--resample", "16"]
            + ["-b", str(MP3_KBPS), wav, mp3],
            check=True,
        )
        encoded = time.perf_counter()
    return {"text": prepared - began, "espeak-ng": spoken - prepared, "lame": encoded - spoken}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from core.kit import speech_available

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "SECRET_KEY": "bench",
                "REDIS_URL": None,
                "UPLOAD_FOLDER": f"{tmp}/up",
            }
        )
        if not speech_available():
            sys.exit("espeak-ng is not installed (apt-get install espeak-ng lame)")
        version_id = publish(app, args.chars)
        from plugins.hearings import jobs
        from plugins.hearings.audio import drop_audio
        from plugins.hearings.models import MinutesVersion

        timings, parts = [], []
        for _ in range(args.runs):
            with app.app_context():
                drop_audio(db.session.get(MinutesVersion, version_id))
                db.session.commit()
                began = time.perf_counter()
                key = jobs.make_minutes_audio(version_id)
                timings.append(time.perf_counter() - began)
            parts.append(time_parts(app, version_id))
        with app.app_context():
            from core.storage import get_storage

            version = db.session.get(MinutesVersion, version_id)
            size = get_storage().path(key).stat().st_size
            chars = len(version.body_md)
            seconds, mimetype = version.audio_seconds, version.audio_mimetype
    print(f"Minutes of {chars:,} characters read aloud, {args.runs} runs of the job:")
    print(
        f"  job wall time   median {statistics.median(timings):.2f} s  "
        f"p95 {percentile(timings, 0.95):.2f} s  max {max(timings):.2f} s"
    )
    for name in ("text", "espeak-ng", "lame"):
        values = [p[name] for p in parts]
        print(f"    {name:<10}    median {statistics.median(values):.2f} s")
    print(
        f"  result          {mimetype}, {seconds / 60:.1f} min ({seconds:.0f} s), "
        f"{size / 1024:.0f} KiB ({size * 8 / seconds / 1000:.0f} kbit/s), "
        f"{seconds / max(statistics.median(timings), 1e-9):.0f}x faster than real time"
    )


if __name__ == "__main__":
    main()
