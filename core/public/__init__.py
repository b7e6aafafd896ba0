"""The residents' side: public pages at / with no login, plus each plugin's office pages.

Plugin blueprints are mounted at ``/o/<office_code>/<plugin>/``; the core resolves the office
into ``g.office`` and answers 404 where the module is switched off, so plugins never repeat it.
"""

from dataclasses import dataclass, field


@dataclass
class HomeSection:
    """A block a plugin adds to the residents' home page."""

    title: str
    items: list = field(default_factory=list)  # (text, url, note) tuples
    more_url: str | None = None
    order: int = 50
