"""Minutes: Markdown rendered to sanitised HTML; what residents get of it passes the gate."""

import functools
import re
from functools import lru_cache

MINUTES_MAX_CHARS = 100_000



@functools.cache
def _md():
    """The Markdown parser, built on first use (markdown-it is not imported at start-up).

    Raw HTML in the Markdown is shown as text, never rendered; nh3 is the second line.
    """
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}
                      ).enable("table").enable("strikethrough")


_ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code",
    "pre", "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"style"}, "td": {"style"},
                       "ol": {"start"}}
_SCRIPTY = re.compile(r"<\s*/?\s*(script|iframe|object|embed|style|svg|img)\b|javascript:|on\w+\s*=",
                      re.IGNORECASE)


def render_html(markdown_text: str) -> str:
    """Markdown to HTML that is safe to put on a page."""
    import nh3

    html = _md().render(markdown_text or "")
    return nh3.clean(
        html, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )


def looks_scripted(markdown_text: str) -> bool:
    """True when the text carries HTML tags or script that will be shown as plain text."""
    return bool(_SCRIPTY.search(markdown_text or ""))


def plain_text(markdown_text: str) -> str:
    """The words of the minutes without Markdown markup, for search and feeds."""
    tokens = _md().parse(markdown_text or "")
    parts = []
    for token in tokens:
        if token.type == "inline":
            parts.append("".join(child.content for child in token.children or []
                                 if child.type in ("text", "code_inline")))
    return "\n".join(p for p in parts if p)


@lru_cache(maxsize=64)
def published_html(masked_markdown: str) -> str:
    """The HTML residents get of minutes already masked by the gate (``MARKDOWN`` class: the
    stars of a masked number are escaped, so ``139****5678`` is shown, not read as emphasis)."""
    return render_html(masked_markdown)


def resident_html(markdown_text: str, *, allowed=frozenset()) -> str:
    """The HTML residents would get of ``markdown_text`` (the editor's preview)."""
    from core.publication import mask_text

    return published_html(mask_text(markdown_text, allowed=frozenset(allowed), markdown=True))


def search_text(markdown_text: str, *, allowed=frozenset()) -> str:
    """The words residents may search: the plain text as published (masked), so a search is
    never an oracle on what the gate hides."""
    from core.publication import mask_text

    return mask_text(plain_text(markdown_text), allowed=frozenset(allowed))
