"""信息收集与发布 — information collected for residents and released on a plan (issue 19).

Information that helps residents prosper is collected from the internet, television, radio
and newspapers, sorted by kind and timeliness and made into information products; a yearly
plan fitted to the local economy sets the release dates of each product line on a regular
cycle (monthly unless the office sets another); each release records its channels and its
audience and is filed in the office's archive. Residents read the products still valid on
the office's and the township's information pages, an Atom feed, the JSON API and a printable
A4 leaflet with a QR code; planned releases not made on time turn yellow and red.

The plugin keeps the standard shape, so the core answers every hook from its modules
(``core/conventions.py``): models, migrations, publication declarations, admin views,
dashboard widget and supervision section (``widgets``), public blueprint and home section,
API and demo data.
"""

from flask_babel import lazy_gettext as _l

from core.kit import Manifest

manifest = Manifest(
    name="bulletins",
    title=_l("信息收集与发布"),
    version="1.0",
    description=_l(
        "收集市场价格、农业技术、务工就业、政策法规等信息，制成信息产品，按年度计划定期发布并归档。"
    ),
)
