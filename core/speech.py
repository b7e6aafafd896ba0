"""Text read aloud in Mandarin, offline: Debian's ``espeak-ng`` (voice ``cmn``) and ``lame``.

``speak(text)`` turns a text into an MP3 (mono, 16 kHz, 24 kbit/s: about 11 MB an hour, played
by every browser's ``<audio>``, older phones' included); where ``lame`` is missing it keeps the
WAV espeak-ng made. Before synthesis ``speech_text`` writes numbers the way a Chinese reader says them: dates
(``2026-12-18`` and ``2026年12月18日`` → 二零二六年十二月十八日), clock times (``09:30`` →
九点三十分), percentages (``85%`` → 百分之八十五), amounts (``1,200.5`` → 一千二百点五), long
digit strings such as codes digit by digit, and a number masked by the publication gate
(``139****5678``) as 号码已隐去 — the stars are never read out.

The caller hands in text that may be published: a plugin reads the *published* (masked) view
of a record, never the raw row. Without espeak-ng ``speak`` raises ``SpeechUnavailable`` with
a message saying what to install.
"""

import re
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

VOICE = "cmn"
WORDS_PER_MINUTE = 165  # a little slower than espeak-ng's 175, for older listeners
MP3_KBPS = 24  # at 16 kHz: speech stays clear, about 11 MB an hour
TIMEOUT_SECONDS = 900

DIGITS = "零一二三四五六七八九"
_GROUP_UNITS = ("", "万", "亿", "万亿")
_MEASURES = "人个次名位项件天条户家种份张本台辆间座所场周岁"


class SpeechUnavailable(RuntimeError):
    """espeak-ng is not installed (or failed): no audio can be made on this machine."""


@dataclass(frozen=True)
class Speech:
    """Synthesised audio: its bytes, MIME type, file suffix, length in seconds, and the exact
    text handed to the synthesiser (after ``speech_text``)."""

    data: bytes
    mimetype: str
    suffix: str
    seconds: float
    spoken_text: str


# --- numbers the Chinese way ----------------------------------------------------------------


def digits_reading(digits: str, *, one: str = "一") -> str:
    """Each digit by name (years, codes): ``2026`` → 二零二六; phone-style ``one="幺"``."""
    return "".join(one if d == "1" else DIGITS[int(d)] for d in digits)


def _section(n: int) -> str:
    """1..9999 in words, with 零 for inner gaps (1005 → 一千零五)."""
    out: list[str] = []
    gap = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d == 0:
            gap = gap or bool(out)
            continue
        if gap:
            out.append("零")
            gap = False
        out.append(DIGITS[d] + unit)
    return "".join(out)


def integer_reading(n: int) -> str:
    """A whole number in words (up to 万亿): 15 → 十五, 10005 → 一万零五, 110000 → 十一万."""
    if n == 0:
        return "零"
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out = ""
    for i in reversed(range(len(groups))):
        group = groups[i]
        if group == 0:
            continue
        if out and (group < 1000 or groups[i + 1] == 0):
            out += "零"
        out += _section(group) + _GROUP_UNITS[i]
    return out[1:] if out.startswith("一十") else out


def number_reading(text: str) -> str:
    """``12``, ``3.05``, ``1,200`` in words; a zero-led or nine-digit or longer string (a code,
    a number) digit by digit."""
    text = text.replace(",", "")
    whole, _dot, fraction = text.partition(".")
    if len(whole) > 8 or (len(whole) > 1 and whole.startswith("0")):
        words = digits_reading(whole, one="幺")
    else:
        words = integer_reading(int(whole))
    return words + ("点" + digits_reading(fraction) if fraction else "")


def _date(m: re.Match) -> str:
    year, month, day = m.group(1), int(m.group(2)), int(m.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return m.group(0)
    return f"{digits_reading(year)}年{integer_reading(month)}月{integer_reading(day)}日"


def _time(m: re.Match) -> str:
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 24 or minute > 59:
        return m.group(0)
    words = "两" if hour == 2 else integer_reading(hour)
    words += "点"
    if minute:
        words += ("零" if minute < 10 else "") + integer_reading(minute) + "分"
    if m.group(3) and int(m.group(3)):
        words += integer_reading(int(m.group(3))) + "秒"
    return words


def _plain(m: re.Match) -> str:
    if m.group(0) == "2" and m.group("measure"):
        return "两"
    return number_reading(m.group("number"))


_FULL_WIDTH = str.maketrans("０１２３４５６７８９％＊", "0123456789%*")
_NO_DIGIT = r"(?<![\d.])"
_STARS = re.compile(r"(?:\\?\*){2,}")
_MASK_CHARS = set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ@.+-*\\")
MASKED_WORDS = "号码已隐去"


def _unmask(text: str) -> str:
    """Each number the gate masked (139****5678, 0571-****9999, z***@example.com, a bank card
    ``6222 **** **** 0123``) becomes ``MASKED_WORDS``: the stars and what is left of the number
    are not read out. Linear: each run of stars is widened over the characters beside it."""
    out, done = [], 0
    for m in _STARS.finditer(text):
        if m.start() < done:
            continue
        start, end = m.start(), m.end()
        while start > done and (
            text[start - 1] in _MASK_CHARS
            or (text[start - 1] == " " and start > 1 and text[start - 2].isdigit())
        ):
            start -= 1
        while end < len(text) and (
            text[end] in _MASK_CHARS
            or (text[end] == " " and end + 1 < len(text) and text[end + 1] in "0123456789*")
        ):
            end += 1
        if not any(c.isalnum() for c in text[start:end]):
            continue  # stars alone are markup, not a masked number
        out += [text[done:start], MASKED_WORDS]
        done = end
    out.append(text[done:])
    return "".join(out)


_PASSES = (
    (re.compile(_NO_DIGIT + r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"), _date),
    (re.compile(_NO_DIGIT + r"(\d{4})(?=\s*年)"), lambda m: digits_reading(m.group(1))),
    (re.compile(_NO_DIGIT + r"(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?(?!\d)"), _time),
    (
        re.compile(_NO_DIGIT + r"(\d{3,4})-(\d{7,8})(?!\d)"),  # a landline with its area code
        lambda m: (
            digits_reading(m.group(1), one="幺") + "，" + digits_reading(m.group(2), one="幺")
        ),
    ),
    (
        re.compile(_NO_DIGIT + r"(\d+(?:\.\d+)?)\s*%"),
        lambda m: "百分之" + number_reading(m.group(1)),
    ),
    (
        re.compile(
            _NO_DIGIT + r"(?P<number>\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?)"
            rf"(?=(?P<measure>[{_MEASURES}])?)"
        ),
        _plain,
    ),
)
# Markup and symbols a synthesiser would spell out ("asterisk", "number sign").
_SYMBOLS = re.compile(r"[*#_`|~<>\\^=\[\]{}]+")


def speech_text(text: str) -> str:
    """``text`` as it is read aloud: numbers, dates, times and percentages in Chinese words,
    masked numbers said as masked, markup symbols dropped, blank runs folded."""
    out = _unmask((text or "").translate(_FULL_WIDTH))
    for pattern, words in _PASSES:
        out = pattern.sub(words, out)
    out = _SYMBOLS.sub(" ", out)
    return "\n".join(" ".join(line.split()) for line in out.splitlines() if line.strip())


# --- synthesis ------------------------------------------------------------------------------


def speech_available() -> bool:
    """Whether this machine can synthesise speech (espeak-ng is installed)."""
    return shutil.which("espeak-ng") is not None


def _missing() -> SpeechUnavailable:
    return SpeechUnavailable(
        _(
            "本机未安装语音合成程序 espeak-ng，无法生成朗读音频。"
            "请由管理员安装（apt-get install espeak-ng）后重试。"
        )
    )


def _run(args: list[str], stdin: bytes | None = None) -> None:
    try:
        subprocess.run(args, input=stdin, capture_output=True, check=True, timeout=TIMEOUT_SECONDS)
    except FileNotFoundError as exc:
        raise _missing() from exc
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        raise SpeechUnavailable(
            f"{args[0]} failed: {detail.decode('utf-8', 'replace')[-300:]}"
        ) from exc


def wav_seconds(path: Path) -> float:
    """The length in seconds of a WAV file."""
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate())


def speak(text: str, *, voice: str = VOICE, words_per_minute: int = WORDS_PER_MINUTE) -> Speech:
    """Read ``text`` aloud (after ``speech_text``) and return the audio: MP3 when ``lame`` is
    installed, else WAV. Raises ``SpeechUnavailable`` without espeak-ng, ValueError for a
    text with nothing to read. Takes about a second per thousand characters."""
    spoken = speech_text(text)
    if not spoken:
        raise ValueError("nothing to read aloud")
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise _missing()
    with tempfile.TemporaryDirectory(prefix="speech-") as tmp:
        wav = Path(tmp) / "speech.wav"
        _run(
            [espeak, "-v", voice, "-s", str(words_per_minute), "-b", "1", "-w", str(wav)],
            spoken.encode("utf-8"),
        )
        seconds = wav_seconds(wav)
        lame = shutil.which("lame")
        if lame is None:
            return Speech(wav.read_bytes(), "audio/wav", ".wav", seconds, spoken)
        mp3 = Path(tmp) / "speech.mp3"
        _run(
            [lame, "--quiet", "-m", "m", "-q", "7", "--resample", "16", "-b", str(MP3_KBPS)]
            + [str(wav), str(mp3)]
        )
        return Speech(mp3.read_bytes(), "audio/mpeg", ".mp3", seconds, spoken)
