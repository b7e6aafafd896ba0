"""Cataloguing (分类、编目): fonds and series codes, catalogue numbers, items, and files filed
from other modules' records through the ``file_record`` hook.

A catalogue number (档号) reads 全宗号-类别号-年度-案卷号, e.g. ``A1-WS-2025-003``: codes are
capital letters and digits, so the hyphens separate them unambiguously and the number is
unique within the office (also enforced by a unique constraint).
"""

import re

from flask_babel import gettext as _
from sqlalchemy import or_, select

from core.kit import Office, User, db, is_enabled, local_today, next_number, utc_now
from plugins.archives.access import PLUGIN
from plugins.archives.errors import ArchivesError
from plugins.archives.models import (
    ArchiveEvent,
    ArchiveFile,
    ArchiveItem,
    EventKind,
    Fonds,
    Retention,
    Security,
    Series,
)

CODE_RE = re.compile(r"[A-Z0-9]{1,12}")
FIRST_YEAR = 1900
TITLE_MAX = 200


def clean_code(raw: str | None) -> str:
    """A fonds or series code, upper-cased; ArchivesError unless 1–12 letters or digits."""
    code = (raw or "").strip().upper()
    if not CODE_RE.fullmatch(code):
        raise ArchivesError(_("代号只能由英文字母和数字组成（1 至 12 位），如 WS、A1。"))
    return code


def catalogue_number(fonds_code: str, series_code: str, year: int, seq: int) -> str:
    """全宗号-类别号-年度-案卷号, the file number padded to three digits."""
    return f"{fonds_code}-{series_code}-{year}-{seq:03d}"


def check_year(year) -> int:
    """The year of a file, as an int between 1900 and next year."""
    latest = local_today().year + 1
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= latest:
        raise ArchivesError(
            _("年度应为 %(first)d 至 %(last)d 之间的年份。", first=FIRST_YEAR, last=latest)
        )
    return year


def check_title(title: str | None) -> str:
    """A non-empty title of at most 200 characters."""
    title = (title or "").strip()
    if not title:
        raise ArchivesError(_("请填写题名。"))
    if len(title) > TITLE_MAX:
        raise ArchivesError(_("题名不能超过 %(n)d 个字。", n=TITLE_MAX))
    return title


def parse_security(value) -> Security:
    """A Security from its value; ArchivesError (Chinese) for anything else."""
    try:
        return Security(value)
    except ValueError:
        raise ArchivesError(
            _("密级只能是 public（公开）、internal（内部）或 restricted（限制）。")
        ) from None


def parse_retention(value) -> Retention:
    """A Retention from its value (None: 30 years); ArchivesError for anything else."""
    if value is None:
        return Retention.YEARS_30
    try:
        return Retention(value)
    except ValueError:
        raise ArchivesError(
            _("保管期限只能是 permanent（永久）、30y（30 年）或 10y（10 年）。")
        ) from None


def add_event(
    file: ArchiveFile,
    kind: EventKind,
    *,
    actor_id: int | None = None,
    loan=None,
    note=None,
    at=None,
) -> ArchiveEvent:
    """Append a step to the file's history (actor's name kept as it reads today)."""
    actor = db.session.get(User, actor_id) if actor_id else None
    event = ArchiveEvent(
        office_id=file.office_id,
        file=file,
        loan=loan,
        kind=kind,
        at=at or utc_now(),
        actor_id=actor_id,
        actor_name=actor.display_name if actor else None,
        note=note,
    )
    db.session.add(event)
    return event


def lock_series(series: Series) -> Series:
    """Lock the series row until the transaction ends (PostgreSQL), so two clerks numbering
    files of one series take turns instead of taking the same number."""
    db.session.execute(select(Series.id).where(Series.id == series.id).with_for_update())
    return series


def create_file(
    *,
    series: Series,
    title: str,
    year: int,
    retention=None,
    security=None,
    location: str | None = None,
    description: str | None = None,
    actor_id: int | None = None,
    source_type: str | None = None,
    source_id: str | None = None,
    source_url: str | None = None,
) -> ArchiveFile:
    """Catalogue a new file in ``series``: checks the input, assigns the next number of the
    series and year under a lock of the series row, and records the step in its history.

    The caller commits. Raises ArchivesError with a Chinese message for bad input.
    """
    title = check_title(title)
    year = check_year(year)
    retention = parse_retention(retention)
    security = parse_security(security if security is not None else Security.INTERNAL)
    lock_series(series)
    seq = next_number(ArchiveFile.seq, ArchiveFile.series_id == series.id, ArchiveFile.year == year)
    file = ArchiveFile(
        office_id=series.office_id,
        series=series,
        seq=seq,
        year=year,
        title=title,
        catalogue_no=catalogue_number(series.fonds.code, series.code, year, seq),
        retention=retention,
        security=security,
        location=(location or "").strip() or None,
        description=(description or "").strip() or None,
        source_type=source_type,
        source_id=source_id,
        source_url=source_url,
    )
    db.session.add(file)
    db.session.flush()
    add_event(
        file,
        EventKind.FILED if source_type else EventKind.CATALOGUED,
        actor_id=actor_id,
        note=source_url,
    )
    return file


def add_item(
    file: ArchiveFile, *, title: str, author=None, doc_ref=None, doc_date=None, pages=None
) -> ArchiveItem:
    """Add a document (件) to a file with the next item number. The caller commits."""
    title = check_title(title)
    if pages is not None and pages < 1:
        raise ArchivesError(_("页数至少为 1。"))
    item = ArchiveItem(
        office_id=file.office_id,
        file=file,
        item_no=next_number(ArchiveItem.item_no, ArchiveItem.file_id == file.id),
        title=title,
        author=author,
        doc_ref=doc_ref,
        doc_date=doc_date,
        pages=pages,
    )
    db.session.add(item)
    return item


# --- filing other modules' records (the file_record hook) --------------------------------------


def _find_source(office_id: int, source_type: str, source_id: str) -> ArchiveFile | None:
    return db.session.scalar(
        select(ArchiveFile).where(
            ArchiveFile.office_id == office_id,
            ArchiveFile.source_type == source_type,
            ArchiveFile.source_id == source_id,
        )
    )


def default_fonds(office: Office) -> Fonds:
    """The office's first fonds, created from its code and name when it has none."""
    fonds = db.session.scalar(
        select(Fonds).where(Fonds.office_id == office.id).order_by(Fonds.id).limit(1)
    )
    if fonds is None:
        code = re.sub(r"[^A-Z0-9]", "", office.code.upper())[:12] or "QZ"
        fonds = Fonds(office_id=office.id, code=code, title=office.name)
        db.session.add(fonds)
        db.session.flush()
    return fonds


def activity_series(office: Office, source_type: str, activity: str | None) -> Series:
    """The series that holds one activity's records in the office (created on first use), so
    each activity has its own archive (建立专门档案)."""
    series = db.session.scalar(
        select(Series).where(Series.office_id == office.id, Series.source_type == source_type)
    )
    if series is not None:
        return series
    fonds = default_fonds(office)
    base = re.sub(r"[^A-Z0-9]", "", source_type.upper())[:10] or "HD"
    taken = set(db.session.scalars(select(Series.code).where(Series.fonds_id == fonds.id)))
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base[:10]}{n}"
    series = Series(
        office_id=office.id,
        fonds=fonds,
        code=code,
        title=(activity or source_type)[:200],
        source_type=source_type,
    )
    db.session.add(series)
    db.session.flush()
    return series


def file_record(record) -> str | None:
    """The ``file_record`` hook: file another module's record (a kit ``RecordToFile``).

    Returns the catalogue number, the same one when the record was filed before, or None
    where the archive module is switched off for the office. Bad values raise ArchivesError
    (a ValueError) with a Chinese message. The caller commits.
    """
    office_id = record.office_id
    if not is_enabled(PLUGIN, office_id):
        return None
    if not record.source_type or record.source_id is None or str(record.source_id) == "":
        raise ArchivesError(_("归档来源的类型和编号不能为空。"))
    source_type, source_id = str(record.source_type)[:64], str(record.source_id)[:64]
    existing = _find_source(office_id, source_type, source_id)
    if existing is not None:
        return existing.catalogue_no
    security = parse_security(record.access)
    title, year = check_title(record.title), check_year(record.year)
    retention, url = parse_retention(record.retention), record.url
    if url is not None and (not str(url).startswith("/") or str(url).startswith("//")):
        raise ArchivesError(_("来源链接必须是本站内的路径，以“/”开头。"))
    office = db.session.get(Office, office_id)
    series = lock_series(activity_series(office, source_type, record.activity))
    existing = _find_source(office_id, source_type, source_id)  # filed while we waited
    if existing is not None:
        return existing.catalogue_no
    file = create_file(
        series=series,
        title=title,
        year=year,
        retention=retention,
        security=security,
        source_type=source_type,
        source_id=source_id,
        source_url=url,
    )
    return file.catalogue_no


# --- search ----------------------------------------------------------------------------------


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(query, term: str | None):
    """Limit a select of ArchiveFile to files whose number or title contain ``term``
    (case-insensitive, wildcards taken literally). Never the description: it is not published,
    and a search that matched it would tell residents what it says."""
    term = (term or "").strip()[:50]
    if not term:
        return query
    pattern = _like(term)
    return query.where(
        or_(
            ArchiveFile.catalogue_no.ilike(pattern, escape="\\"),
            ArchiveFile.title.ilike(pattern, escape="\\"),
        )
    )
