"""An item's body: plain text or Markdown, rendered to sanitised HTML for the public pages."""

import nh3
from markdown_it import MarkdownIt

from core.masking import mask_private_numbers

# Raw HTML in the body is shown as text, never rendered; nh3 is the second line.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False,
                                "breaks": True})
_md.enable("table")

_ALLOWED_TAGS = {"p", "br", "hr", "h2", "h3", "h4", "strong", "em", "code", "blockquote",
                 "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a"}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}


def render_body(text: str | None) -> str:
    """The body as HTML that is safe to put on a page (line breaks kept for plain text), with
    ID and mobile numbers starred: residents read it, and so does the API."""
    return nh3.clean(_md.render(mask_private_numbers(text or "")), tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer nofollow")
