"""Dashboard widgets: small figures that core and plugins put on each user's dashboard."""

from dataclasses import dataclass


@dataclass
class Widget:
    """One tile: a title, a figure, an optional link and tone (ok, warn, alert, info)."""

    title: str
    value: str | int
    url: str | None = None
    tone: str = "info"
    note: str = ""


@dataclass
class SupervisionSection:
    """A table a plugin adds to the core's supervision screen (督办): a title, column headings,
    rows of plain values (one per office, say), and a link to the plugin's own screen."""

    title: str
    headers: list[str]
    rows: list[list]
    url: str | None = None
    note: str = ""
