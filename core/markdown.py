"""Markdown as residents read it: one parser, one sanitiser policy for the whole product.

Staff write minutes, notices and bodies in Markdown. Raw HTML in the text is shown as text,
never rendered (markdown-it with ``html`` off); nh3 is the second line, keeping only the tags
below. A single line break stays a line break (clerks type line by line, as on paper).
Masking is not done here: what a resident gets comes out of the publication gate already
masked, and only then is rendered.
"""

import functools
import re

MARKDOWN_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "em",
        "del",
        "s",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
    }
)
MARKDOWN_ATTRIBUTES = {"a": {"href", "title"}, "th": {"style"}, "td": {"style"}, "ol": {"start"}}
_SCRIPTY = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|style|svg|img)\b|javascript:|on\w+\s*=", re.IGNORECASE
)


@functools.cache
def _parser():
    """The Markdown parser, built on first use (markdown-it is not imported at start-up)."""
    from markdown_it import MarkdownIt

    return (
        MarkdownIt(
            "commonmark", {"html": False, "linkify": False, "typographer": False, "breaks": True}
        )
        .enable("table")
        .enable("strikethrough")
    )


def render_markdown(text: str | None) -> str:
    """Markdown to HTML that is safe to put on a page."""
    import nh3

    return nh3.clean(
        _parser().render(str(text or "")),
        tags=set(MARKDOWN_TAGS),
        attributes=MARKDOWN_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )


def markdown_plain_text(text: str | None) -> str:
    """The words of a Markdown text without its markup, for search, feeds and audio."""
    parts = []
    for token in _parser().parse(str(text or "")):
        if token.type == "inline":
            parts.append(
                "".join(
                    child.content
                    for child in token.children or []
                    if child.type in ("text", "code_inline")
                )
            )
    return "\n".join(part for part in parts if part)


def looks_scripted(text: str | None) -> bool:
    """True when the text carries HTML tags or script, which will be shown as plain text (so
    an editor can warn the writer)."""
    return bool(_SCRIPTY.search(text or ""))
