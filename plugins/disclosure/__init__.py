"""政务村务公开制度 — the disclosure board and residents' topics (群众点题公开).

A disclosure board (公开栏) at the township government and each village: matters residents
care about — homestead approval, tree felling, marriage registration, relief and subsidies,
finances — disclosed promptly and fully, with their policies, conditions, procedures, time
limits, results, fees, responsible staff and liability, before, during and after a matter
(阳光政务). Residents name a topic they want disclosed; it becomes a core case answered within
half a month (one month with the leader's approval), by a disclosure or a lawful reason.
"""

from flask_babel import lazy_gettext as _l

from core.kit import Manifest

manifest = Manifest(
    name="disclosure",
    title=_l("政务村务公开"),
    version="1.0",
    description=_l(
        "公开栏（政策、办事指南、收费、结果、财务、村务、承办人员与违诺责任）、事前事中事后公开、群众点题公开。"
    ),
)
