"""Petitions (信访): letters, visits, calls and online petitions handled to the statutory limits
of the Regulations on Letters and Visits Work; repeat and collective petitions; written notices;
three-level mediation (三级调处); observed reception sessions (信访旁听); supervision.

"不推、不拖、不积压，件件有着落、事事有结果" — every petition is a core case with a receipt number,
and each stage of its procedure has its own start event and due date from ``core.sla``.
"""

from flask_babel import lazy_gettext as _l

from core.kit import Manifest

manifest = Manifest(
    name="petitions",
    title=_l("信访"),
    version="1.0",
    description=_l("信访登记与法定时限、重复信访、书面告知、三级调处、信访旁听、督查统计"),
)
