"""Minutes: Markdown rendered to sanitised HTML, personal data withheld before publication."""

import functools
import re

from core.masking import mask_name, mask_text

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


def withhold_personal_data(text: str, private_names: set[str], public_names: set[str]) -> str:
    """The text as it may be published: phones and ID numbers starred, private names as 张某.

    ``private_names`` are full names of private persons on the hearing's lists (attendees and
    askers who are not deputies, CPPCC members or officials); a name that also belongs to a
    public figure is left alone. Longer names go first so 欧阳明华 is not cut by 欧阳明.
    """
    text = mask_text(text)
    for name in sorted(private_names - public_names, key=len, reverse=True):
        if len(name) >= 2:
            text = text.replace(name, mask_name(name))
    return text
