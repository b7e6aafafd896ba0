"""The kit's speech helper: numbers, dates, times and percentages read the Chinese way,
masked numbers never read out, a clear error without espeak-ng, and a real synthesis."""

import shutil

import pytest
from support import IN_CI

from core import speech
from core.speech import (
    MASKED_WORDS,
    SpeechUnavailable,
    integer_reading,
    number_reading,
    speak,
    speech_text,
)

needs_espeak = pytest.mark.skipif(
    not IN_CI and shutil.which("espeak-ng") is None,
    reason="espeak-ng not installed (apt-get install espeak-ng lame); required under CI=true",
)


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "零"),
        (7, "七"),
        (10, "十"),
        (15, "十五"),
        (20, "二十"),
        (101, "一百零一"),
        (115, "一百一十五"),
        (1050, "一千零五十"),
        (10005, "一万零五"),
        (110000, "十一万"),
        (100001000, "一亿零一千"),
        (320000000, "三亿二千万"),
    ],
)
def test_whole_numbers_in_chinese_words(number, words):
    assert integer_reading(number) == words


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("2026-12-18召开", "二零二六年十二月十八日召开"),
        ("2026/1/5", "二零二六年一月五日"),
        ("2026年12月18日", "二零二六年十二月十八日"),
        ("上午09:30开始", "上午九点三十分开始"),
        ("下午2：05", "下午两点零五分"),
        ("14:00:30", "十四点三十秒"),
        ("同意率85%", "同意率百分之八十五"),
        ("反对12.5％", "反对百分之十二点五"),
        ("共32人，2人缺席，2个村", "共三十二人，两人缺席，两个村"),
        ("补偿1,200.50元", "补偿一千二百点五零元"),
        ("每亩800元", "每亩八百元"),
        ("第3版", "第三版"),
        ("受理号20261218001", "受理号二零二六幺二幺八零零幺"),
        ("座机0571-88889999", "座机零五七幺，八八八八九九九九"),
    ],
)
def test_numbers_dates_times_and_percentages_read_the_chinese_way(text, spoken):
    assert speech_text(text) == spoken


@pytest.mark.parametrize(
    "masked",
    [
        "139****5678",
        r"139\*\*\*\*5678",  # as the gate escapes it in Markdown
        "330102********1234",
        "z***@example.com",
        "6222 **** **** 0123",
        "0571-****9999",
    ],
)
def test_a_masked_number_is_said_to_be_masked_never_read_out(masked):
    spoken = speech_text(f"电话{masked}。")
    assert spoken == f"电话{MASKED_WORDS}。"
    assert "*" not in spoken and not any(c.isdigit() for c in spoken)


def test_markup_is_not_read_and_blank_lines_fold():
    spoken = speech_text("# 标题\n\n- **要点** 一\n\n\n| 甲 | 乙 |")
    assert spoken == "标题\n- 要点 一\n甲 乙"


def test_hostile_input_stays_fast():
    speech_text("1-" * 50_000 + "***")
    speech_text("1 " * 50_000 + "**")
    speech_text("*" * 100_000)


def test_without_espeak_a_clear_error(monkeypatch):
    monkeypatch.setattr(speech.shutil, "which", lambda name: None)
    assert not speech.speech_available()
    with pytest.raises(SpeechUnavailable, match="espeak-ng"):
        speak("有内容")


def test_nothing_to_read_is_refused():
    with pytest.raises(ValueError):
        speak("  ** \n ")


@needs_espeak
def test_a_short_text_becomes_mp3_of_plausible_length():
    text = "2026年12月18日上午9:30，石帆镇召开听证会，到会32人，同意率85%。"
    result = speak(text)
    assert result.spoken_text == speech_text(text)
    assert "二零二六年十二月十八日" in result.spoken_text
    if shutil.which("lame"):
        assert (result.mimetype, result.suffix) == ("audio/mpeg", ".mp3")
        assert result.data[:3] == b"ID3" or result.data[0] == 0xFF
        # 24 kbit/s: 3 kB a second
        assert 2_000 * result.seconds < len(result.data) < 6_000 * result.seconds
    else:
        assert result.data[:4] == b"RIFF"
    # about 50 syllables: between 1.5 and 8 syllables a second
    assert 6 < result.seconds < 35


def test_decimals_and_codes():
    assert number_reading("3.05") == "三点零五"
    assert number_reading("1,200") == "一千二百"
    assert number_reading("007") == "零零七"
    assert number_reading("123456789") == "幺二三四五六七八九"  # nine digits: a code
    assert number_reading("12345678") == "一千二百三十四万五千六百七十八"
