"""The leak test's machinery: planted private data, the staff-field planter, the form planter
and the crawler of everything residents can fetch (pages, feeds, PDFs, the JSON API).

Nothing here names a plugin, a form or a route: models come from SQLAlchemy's registry, columns
from their tables, published fields from the gate's declarations, forms from the HTML residents
get, URLs from links, the app's URL map and the OpenAPI document. A new plugin is covered as soon
as it is installed.
"""

import html
import json
import re
import shutil
import subprocess
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html
import sqlalchemy as sa

# --- planted values --------------------------------------------------------------------------

# Real but rare surnames, none of them in the demo township. Names with the first set are
# planted into person-name columns as well (the masker knows them: asserted strictly); names
# with the second set appear only in free text (only the recogniser can find them).
KNOWN_SURNAMES = "郗谯笪蒯逄阚禚隗郯"
UNKNOWN_SURNAMES = "郜宓缑訾仉亓璩郦鄢"
GIVEN_NAMES = (
    "沐阳",
    "雨桐",
    "若溪",
    "思远",
    "嘉禾",
    "明轩",
    "子涵",
    "浩然",
    "静怡",
    "梓萱",
    "宇航",
    "欣妍",
    "俊熙",
    "诗琪",
    "晨曦",
    "一鸣",
    "书瑶",
    "振华",
    "秀兰",
    "国栋",
    "丽娟",
    "建军",
    "海燕",
    "志强",
    "春梅",
    "永福",
    "桂芝",
    "文博",
    "佳怡",
    "立新",
    "红霞",
    "德胜",
    "玉兰",
    "长青",
    "淑珍",
    "金山",
    "翠花",
    "宏伟",
    "凤英",
    "保国",
    "雪松",
    "兰芳",
    "启明",
    "慧敏",
    "卫东",
    "小燕",
    "瑞祥",
    "美玲",
    "树林",
    "家豪",
    "婉清",
    "天佑",
    "玉珍",
    "光辉",
    "素梅",
    "学文",
    "秋菊",
    "安邦",
    "月娥",
    "鹏飞",
)

_FULLWIDTH = str.maketrans("0123456789+- ", "０１２３４５６７８９＋－　")


def _mobile_notations(digits: str) -> list[str]:
    a, b, c = digits[:3], digits[3:7], digits[7:]
    return [
        digits,
        f"{a}-{b}-{c}",
        f"+86 {a} {b} {c}",
        f"{a}-{b}-{c}".translate(_FULLWIDTH),
        f"{a} {b} {c}",
        f"86{digits}",
    ]


def _id_notations(raw: str) -> list[str]:
    a, b, c = raw[:6], raw[6:14], raw[14:]
    return [raw, f"{a} {b} {c}", f"{a}-{b}-{c}", raw.lower(), raw.translate(_FULLWIDTH)]


@dataclass
class Source:
    """One place something was planted: a column (Model.column) or a form field."""

    label: str
    mobile: str  # 11 digits
    mobile_written: str  # as planted (one of the notations)
    id_number: str  # 18 characters, upper-case X where it ends in X
    id_written: str
    known_name: str
    unknown_name: str
    mark: str  # a harmless token showing that the source's text reached a page
    written: set = field(default_factory=set)  # which values were actually planted


@dataclass
class Planted:
    """Every planted value with its source, and the search for them in responses."""

    sources: list[Source] = field(default_factory=list)
    known_pool: list[str] = field(default_factory=list)
    unknown_pool: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.known_pool = [s + g for g in GIVEN_NAMES for s in KNOWN_SURNAMES]
        self.unknown_pool = [s + g for g in GIVEN_NAMES for s in UNKNOWN_SURNAMES]

    def new_source(self, label: str) -> Source:
        """Distinct values for one more source (so a leak names where it came from)."""
        n = len(self.sources)
        if n >= len(self.known_pool):
            raise RuntimeError("more sources than planted names; extend GIVEN_NAMES")
        mobile = f"1398{n:07d}"
        id_raw = f"11010119900307{n:03d}" + ("X" if n % 2 else "7")
        source = Source(
            label,
            mobile,
            _mobile_notations(mobile)[n % 6],
            id_raw,
            _id_notations(id_raw)[n % 5],
            self.known_pool[n],
            self.unknown_pool[n],
            f"LK{n:03d}q",
        )
        self.sources.append(source)
        return source

    def sentence(self, source: Source, length: int | None) -> str:
        """Free text carrying every planted value of ``source`` that fits in ``length``."""
        parts = [
            source.mark,
            f"经办村民{source.known_name}反映",
            f"，联系电话{source.mobile_written}",
            f"，身份证号{source.id_written}",
            f"。{source.unknown_name}同志也到场说明了情况",
        ]
        kinds = ("mark", "known name", "mobile", "id", "unknown name")
        text = ""
        for kind, part in zip(kinds, parts, strict=True):
            if length is None or len(text + part) <= length:
                text += part
                source.written.add(kind)
        return text

    def leaks_in(self, body: str) -> list[tuple[str, str, Source]]:
        """(kind, value, source) of every planted value found in ``body`` (already text)."""
        plain = html.unescape(html.unescape(body)).replace("\r\n ", "").replace("\n ", "")
        compact = re.sub(
            r"[\s\-\u00a0\u3000－]",
            "",
            plain.translate(str.maketrans("０１２３４５６７８９ｘＸ＋", "0123456789xX+")),
        ).lower()
        found = []
        for s in self.sources:
            if s.mobile in compact:
                found.append(("mobile", s.mobile_written, s))
            if s.id_number.lower() in compact:
                found.append(("id", s.id_written, s))
            if s.known_name in plain:
                found.append(("known name", s.known_name, s))
            if s.unknown_name in plain:
                found.append(("unknown name", s.unknown_name, s))
        return found

    def marks_in(self, body: str) -> set[str]:
        """Labels of the sources whose text reached ``body``."""
        return {s.label for s in self.sources if s.mark in body}


# --- (b) staff fields ------------------------------------------------------------------------

# Columns never planted into, by the end of their name: codes, states, kinds, units and keys the
# app's logic matches on (planting there breaks the pages instead of testing them), hashes and
# tokens, references and file metadata. Documented in tests/test_leak.py.
SKIPPED_SUFFIXES = (
    "code",
    "status",
    "kind",
    "category",
    "unit",
    "_type",
    "key",
    "hash",
    "token",
    "receipt_no",
    "_id",
    "_no",
    "number",
    "_ref",
    "reference",
    "url",
    "filename",
    "file_name",
    "content_type",
    "colour",
    "role",
    "weekdays",
    "email",
    "email_state",
    "ip_address",
    "user_agent",
    "action",
    "gram",
    "func_path",
    "search_text",
    "body_html",
    "required_groups",
)
# Modules whose models are the audit log (append-only, refused by triggers) and the gate's own
# bookkeeping (known names, allowed names, withdrawals): planting there tests nothing.
SKIPPED_MODULES = ("core.audit", "core.publication")


def unique_together(table) -> set[str]:
    """Names of the columns in a table's multi-column unique constraints and indexes."""
    names = set()
    for c in table.constraints:
        if isinstance(c, sa.UniqueConstraint):
            names |= {col.name for col in c.columns}
    for index in table.indexes:
        if index.unique:
            names |= {col.name for col in index.columns}
    return names


def _is_person_column(column, person_columns) -> bool:
    return (column.table.name, column.name) in person_columns


def plantable_columns(db, declaration_of, person_fields):
    """[(model, column, reason or None)] for every String/Text column of every model; reason
    says why a column is skipped."""
    from core.publication.fields import Kind

    person_columns = {(f.column.class_.__table__.name, f.column.key) for f in person_fields()}
    out = []
    for mapper in sorted(db.Model.registry.mappers, key=lambda m: m.class_.__name__):
        model = mapper.class_
        decl = declaration_of(model)
        for column in mapper.columns:
            if not isinstance(column.type, sa.String | sa.Text) or isinstance(column.type, sa.Enum):
                continue
            key = mapper.get_property_by_column(column).key
            reason = None
            if model.__module__.startswith(SKIPPED_MODULES):
                reason = "audit log / gate bookkeeping"
            elif column.primary_key or column.foreign_keys or column.unique:
                reason = "key"
            elif column.name in unique_together(column.table):
                reason = "unique together with other columns"
            elif decl and key in decl.fields and decl.fields[key].kind is Kind.PUBLIC:
                reason = "declared PUBLIC"
            elif key.endswith(SKIPPED_SUFFIXES) and not _is_person_column(column, person_columns):
                reason = "code/state/reference column"
            out.append((model, key, column, reason))
    return out


def plant_staff_fields(db, planted: Planted, declaration_of, person_fields) -> dict:  # noqa: C901
    """Write planted values into every plantable column of every existing row; returns
    {"columns": [...], "skipped": [...], "failed": {label: error}}."""
    person_columns = {(f.column.class_.__table__.name, f.column.key) for f in person_fields()}
    report = {"columns": [], "skipped": [], "failed": {}}
    by_model: dict[type, list] = {}
    for model, key, column, reason in plantable_columns(db, declaration_of, person_fields):
        label = f"{model.__name__}.{key}"
        if reason:
            report["skipped"].append((label, reason))
            continue
        by_model.setdefault(model, []).append((key, column, label))
    for model, cols in by_model.items():
        rows = list(db.session.scalars(sa.select(model)))
        if not rows:
            continue
        values = {}
        for key, column, label in cols:
            source = planted.new_source(label)
            length = getattr(column.type, "length", None)
            if _is_person_column(column, person_columns):
                values[key] = source.known_name  # the masker knows it after the flush
                source.written.add("known name")
            elif re.search(r"phone|mobile|tel$", key):
                values[key] = source.mobile_written
                source.written.add("mobile")
            elif "id_number" in key or "idcard" in key:
                values[key] = source.id_written
                source.written.add("id")
            else:
                values[key] = planted.sentence(source, length)
        decl = declaration_of(model)
        try:
            with db.session.begin_nested():
                for row in rows:
                    for key, value in values.items():
                        if _public_figure_here(decl, key, row):
                            continue  # a deputy's or official's name is published in full
                        setattr(row, key, value)
                db.session.flush()
            report["columns"] += [label for _k, _c, label in cols]
        except Exception as exc:  # noqa: BLE001 - reported by the test
            report["failed"][model.__name__] = f"{type(exc).__name__}: {str(exc)[:200]}"
    return report


def _public_figure_here(decl, key, row) -> bool:
    """Whether the row declares the person in ``key`` a public figure (``person(public_when)``)."""
    cls = decl.fields.get(key) if decl else None
    return bool(cls and cls.public_when and getattr(row, cls.public_when, False))


def make_names_known(db, planted: Planted, person_fields) -> int:
    """Save every known name of every source once into a person-name column (the first one
    with a row), so the gate collects it as a private person's name as a form would."""
    for f in person_fields():
        model = f.column.class_
        row = db.session.scalars(sa.select(model).limit(1)).first()
        if row is None:
            continue
        final = getattr(row, f.column.key)
        for source in planted.sources:
            setattr(row, f.column.key, source.known_name)
            db.session.flush()
        setattr(row, f.column.key, final)
        db.session.flush()
        return len(planted.sources)
    return 0


# --- the crawler -----------------------------------------------------------------------------

SKIP_PATH = re.compile(r"^/(static|admin|login|logout|lang)(/|$)|^/api/v1/openapi\.json$")


@dataclass
class Fetched:
    """One response residents could get."""

    url: str
    status: int
    content_type: str
    text: str  # what a reader gets: HTML/JSON/feeds decoded, PDFs through pdftotext


class Crawler:
    """Fetches public URLs once each with a residents' (anonymous) test client."""

    def __init__(self, client, base_url: str, require_pdftotext: bool):
        self.client = client
        self.base = urlsplit(base_url)
        self.seen: dict[str, Fetched] = {}
        self.pdftotext = shutil.which("pdftotext")
        self.require_pdftotext = require_pdftotext
        self.pdf_skipped: list[str] = []

    def local_path(self, href: str, page: str = "/") -> str | None:
        """The site-relative URL of a link, or None for another site / a fragment."""
        href = (href or "").strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            return None
        parts = urlsplit(urljoin("http://localhost" + page, href))
        if parts.netloc not in ("localhost", self.base.netloc):
            return None
        path = parts.path + ("?" + parts.query if parts.query else "")
        return None if SKIP_PATH.search(parts.path) else path

    def fetch(self, url: str) -> Fetched:
        """GET ``url`` (cached); follows no redirect, records it as a link instead."""
        if url in self.seen:
            return self.seen[url]
        response = self.client.get(url)
        ctype = response.content_type or ""
        body = response.get_data()
        if "pdf" in ctype:
            text = self._pdf_text(url, body)
        elif "json" in ctype:
            try:
                text = json.dumps(json.loads(body), ensure_ascii=False)
            except ValueError:
                text = body.decode("utf-8", "replace")
        else:
            text = body.decode("utf-8", "replace")
        fetched = Fetched(url, response.status_code, ctype, text)
        if response.status_code in (301, 302, 303, 307, 308) and response.location:
            fetched.text += f'\n<a href="{response.location}"></a>'
        self.seen[url] = fetched
        return fetched

    def _pdf_text(self, url: str, body: bytes) -> str:
        if not self.pdftotext:
            if self.require_pdftotext:
                raise RuntimeError("CI=true but pdftotext (poppler-utils) is not installed")
            self.pdf_skipped.append(url)
            return ""
        done = subprocess.run(
            [self.pdftotext, "-enc", "UTF-8", "-", "-"],
            input=body,
            capture_output=True,
            timeout=30,
            check=False,
        )
        return done.stdout.decode("utf-8", "replace")

    def links(self, fetched: Fetched) -> list[str]:
        """Site links of a page or feed (a/link href, Atom links, URLs in the text)."""
        if not fetched.text:
            return []
        hrefs: list[str] = []
        if "html" in fetched.content_type or "<a " in fetched.text:
            try:
                doc = lxml.html.fromstring(fetched.text)
                hrefs += doc.xpath("//a/@href | //link/@href")
            except (ValueError, lxml.etree.ParserError):
                pass
        hrefs += re.findall(r'href="([^"]+)"', fetched.text)
        hrefs += re.findall(r"https?://[^\s\"'<>\\]+", fetched.text)
        out = []
        for href in hrefs:
            path = self.local_path(html.unescape(href), fetched.url.split("?")[0])
            if path and path not in out:
                out.append(path)
        return out

    def crawl(self, start: list[str], limit: int) -> None:
        """Breadth-first from ``start`` over site links, at most ``limit`` URLs in all."""
        queue = deque(u for u in start if u not in self.seen)
        while queue and len(self.seen) < limit:
            url = queue.popleft()
            if url in self.seen:
                continue
            for link in self.links(self.fetch(url)):
                if link not in self.seen:
                    queue.append(link)


def forms_of(fetched: Fetched) -> list[dict]:
    """Every <form> of an HTML page: {"page", "action", "method", "fields": [...]} where a
    field is {"name", "tag", "type", "value", "options"}."""
    if "html" not in fetched.content_type or "<form" not in fetched.text:
        return []
    doc = lxml.html.fromstring(fetched.text)
    forms = []
    for form in doc.forms:
        fields = []
        for el in form.xpath(".//input | .//select | .//textarea"):
            name = el.get("name")
            if not name:
                continue
            options = [o.get("value", o.text_content()) for o in el.xpath(".//option")]
            fields.append(
                {
                    "name": name,
                    "tag": el.tag,
                    "type": (el.get("type") or "").lower(),
                    "value": el.get("value") or "",
                    "options": options,
                    "checked": el.get("checked") is not None,
                    "maxlength": int(el.get("maxlength"))
                    if (el.get("maxlength") or "").isdigit()
                    else None,
                    "inputmode": el.get("inputmode") or "",
                    "min": el.get("min"),
                    "max": el.get("max"),
                }
            )
        forms.append(
            {
                "page": fetched.url,
                "action": form.get("action") or fetched.url,
                "method": (form.get("method") or "get").lower(),
                "fields": fields,
            }
        )
    return forms
