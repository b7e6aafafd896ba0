"""服务"四限" — the office's published catalogue of service matters (办事指南).

Each office lists the matters it may handle (限事: its powers and their legal basis), each with
the core case category it opens (限时: the limit is the core's), where it is handled and by whom
(限地: at home, the village convenience room, the township hall, or by the township on the
resident's behalf for a county office), the documents the resident brings, the fee (限费: free,
or the published standard with its basis) and the steps. Residents read the 办事指南 per office
and for the whole township, search it, and open one printable page per matter with a QR code.
"""

from flask_babel import lazy_gettext as _l

from core.kit import Manifest

manifest = Manifest(
    name="catalogue",
    title=_l("服务四限"),
    version="1.0",
    description=_l(
        "限时、限地、限事、限费：各单位的服务事项清单、办理地点、所需材料、收费标准和办理步骤，公开为办事指南。"
    ),
)
