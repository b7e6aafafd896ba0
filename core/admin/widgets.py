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
