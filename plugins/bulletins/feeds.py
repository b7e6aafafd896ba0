"""The Atom feed of an office's (or the township's) current information products (feedgen).

It takes published views only, never rows: every text in the feed is what the gate lets
residents see. Feeds are cached publicly, so their absolute URLs come from the configured
public base URL (``public_url``), never the request's Host header. An expired product is no
longer in the feed (readers drop it on the next fetch).
"""

from datetime import time

from feedgen.feed import FeedGenerator
from flask_babel import gettext as _

from core.kit import local_datetime, utc_now


def atom(title: str, author: str, rows, self_url: str, alternate_url: str, url_of) -> bytes:
    """An Atom feed with one entry per product, newest first. ``rows`` are (published
    product, office name, first day on the residents' pages)."""
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(title)
    fg.language("zh-CN")
    fg.link(href=self_url, rel="self")
    fg.link(href=alternate_url, rel="alternate")
    fg.author({"name": author})
    fg.updated(max((p.updated_at for p, _o, _d in rows), default=utc_now()))
    for product, office_name, day in reversed(rows):  # feedgen prepends each added entry
        entry = fg.add_entry()
        link = url_of(product)
        entry.id(link)
        entry.title(f"【{product.kind.label}】{product.title}")
        entry.link(href=link)
        entry.updated(product.updated_at)
        if day is not None:
            entry.published(local_datetime(day, time(0, 0)))
        entry.author({"name": office_name})
        until = _("有效期至 %(day)s", day=product.valid_until.isoformat())
        entry.summary(f"{product.summary}\n{until}" if product.summary else until)
    return fg.atom_str(pretty=False)
