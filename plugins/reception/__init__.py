"""领导接待制度、群众预约领导制度 — leaders' reception days and appointments (SPEC P3).

A duty leader receives residents' letters, visits and calls on reception days; each matter is
registered, handed to the responsible office as a core case and supervised to the end.
Residents see the schedule, book a slot and cancel it by code. When the leader asked for is
away, staff fill 《群众预约领导办公卡》; back, the leader visits the resident at home, and the
outcome is registered.
"""

from flask_babel import lazy_gettext as _l

from core.kit import Manifest

manifest = Manifest(
    name="reception",
    title=_l("领导接待"),
    version="1.0",
    description=_l(
        "领导接待日排班与调整、群众网上预约、来信来访来电登记交办督办、群众预约领导办公卡与上门走访。"
    ),
)
