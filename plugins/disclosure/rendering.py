"""An item's body: Markdown rendered to sanitised HTML for the public pages.

Masking is not done here: the body comes out of the publication gate already masked (its
class escapes the stars the masker puts in, so ``139****5678`` is not read as emphasis).
"""

import functools


@functools.cache
def _md():
    """The Markdown parser, built on first use (markdown-it is not imported at start-up).

    Raw HTML in the body is shown as text, never rendered; nh3 is the second line.
    """
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False,
                                     "breaks": True}).enable("table")


_ALLOWED_TAGS = {"p", "br", "hr", "h2", "h3", "h4", "strong", "em", "code", "blockquote",
                 "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a"}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}


def render_body(masked_markdown: str | None) -> str:
    """Masked Markdown (a published item's ``body``) as HTML that is safe to put on a page,
    line breaks kept for plain text."""
    import nh3

    return nh3.clean(_md().render(str(masked_markdown or "")), tags=_ALLOWED_TAGS,
                     attributes=_ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer nofollow")


def masked_body(item, allowed=frozenset()) -> str:
    """An item's body exactly as residents get it (for staff screens, also once withdrawn)."""
    from core.kit import apply_class
    from plugins.disclosure.publication import OFFICE_MARKDOWN

    return str(apply_class(item.body or "", OFFICE_MARKDOWN, item, allowed=allowed) or "")
