"""Bulk entry of a year's holidays and make-up workdays from pasted lines or a CSV file.

One day or range per line: a date or ``start~end`` (also ``至`` or ``..``), a name, and 休 (rest
day) or 班 (make-up working day); spaces, tabs or commas separate the fields::

    2027-01-01 元旦 休
    2027-02-06~2027-02-12, 春节, 休
    2027-02-14 春节调休 班

Empty lines and lines starting with ``#`` are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from core.sla.models import DayKind
from core.sla.text import _

KIND_WORDS = {
    "休": DayKind.HOLIDAY,
    "休息": DayKind.HOLIDAY,
    "假": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
    "holiday": DayKind.HOLIDAY,
    "rest": DayKind.HOLIDAY,
    "班": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY,
    "工作": DayKind.WORKDAY,
    "调休": DayKind.WORKDAY,
    "workday": DayKind.WORKDAY,
    "work": DayKind.WORKDAY,
}
MAX_RANGE_DAYS = 31
HEADER_WORDS = {"日期", "date", "day"}
MAX_NAME_LENGTH = 64
_RANGE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:~|～|至|\.\.)\s*(\d{4}-\d{1,2}-\d{1,2}))?$")


@dataclass(frozen=True)
class EnteredDay:
    """One day to store: date, kind, name, and the input line it came from."""

    day: date
    kind: DayKind
    name: str
    line: int


def _parse_date(text: str) -> date:
    year, month, day = (int(part) for part in text.split("-"))
    return date(year, month, day)


class _LineError(ValueError):
    """A pasted line that cannot be read; the message names the line."""


def _fields(raw: str) -> list[str] | None:
    """The fields of a pasted line; None for blank lines, comments and a CSV header."""
    line = raw.strip().lstrip("\ufeff")
    if not line or line.startswith("#"):
        return None
    # Tolerate "2027-02-06 ~ 2027-02-12" by closing up the range marker first.
    line = re.sub(r"\s*(~|～|至|\.\.)\s*(?=\d{4}-)", r"\1", line)
    fields = [f for f in re.split(r"[\s,，;；\t]+", line) if f]
    return None if fields and fields[0].lower() in HEADER_WORDS else fields


def _parse_fields(number: int, fields: list[str]):
    """(first day, last day, kind, name) of one line; raises _LineError."""
    if len(fields) < 3:
        raise _LineError(
            _("第 %(n)d 行：应为“日期 名称 休/班”，例如“2027-01-01 元旦 休”。", n=number)
        )
    match = _RANGE.match(fields[0])
    kind = KIND_WORDS.get(fields[-1].lower())
    name = " ".join(fields[1:-1]).strip()
    if match is None:
        raise _LineError(
            _(
                "第 %(n)d 行：无法识别日期“%(text)s”，请写成 2027-01-01 或 2027-02-06~2027-02-12。",
                n=number,
                text=fields[0],
            )
        )
    if kind is None:
        raise _LineError(
            _("第 %(n)d 行：最后一项应为“休”或“班”，而不是“%(text)s”。", n=number, text=fields[-1])
        )
    if len(name) > MAX_NAME_LENGTH:
        raise _LineError(
            _("第 %(n)d 行：名称过长（最多 %(max)d 个字符）。", n=number, max=MAX_NAME_LENGTH)
        )
    try:
        first = _parse_date(match.group(1))
        last = _parse_date(match.group(2)) if match.group(2) else first
    except ValueError:
        raise _LineError(_("第 %(n)d 行：日期不存在。", n=number)) from None
    if last < first:
        raise _LineError(_("第 %(n)d 行：结束日期早于开始日期。", n=number))
    if (last - first).days >= MAX_RANGE_DAYS:
        raise _LineError(_("第 %(n)d 行：一个区间最多 %(max)d 天。", n=number, max=MAX_RANGE_DAYS))
    return first, last, kind, name


def parse_lines(text: str) -> tuple[list[EnteredDay], list[str]]:
    """(days, errors) from pasted lines; any error means nothing should be saved.

    Errors are Chinese sentences naming the line. A day given twice is an error.
    """
    days: list[EnteredDay] = []
    errors: list[str] = []
    seen: dict[date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        fields = _fields(raw)
        if fields is None:
            continue
        try:
            first, last, kind, name = _parse_fields(number, fields)
        except _LineError as exc:
            errors.append(str(exc))
            continue
        day = first
        while day <= last:
            if day in seen:
                errors.append(
                    _(
                        "第 %(n)d 行：%(day)s 已在第 %(other)d 行出现。",
                        n=number,
                        day=day.isoformat(),
                        other=seen[day],
                    )
                )
            else:
                seen[day] = number
                days.append(EnteredDay(day, kind, name, number))
            day += timedelta(days=1)
    if not days and not errors:
        errors.append(_("没有可录入的日期。"))
    return days, errors


def decode_upload(data: bytes) -> str:
    """The text of an uploaded CSV/TXT file (UTF-8, with or without BOM, or GB18030)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(_("无法识别文件编码，请保存为 UTF-8 后再上传。"))
