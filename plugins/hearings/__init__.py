"""群众听证质询制度 — public hearings and inquiries (SPEC P1).

A hearing convened by the Party committee is announced to residents, who register on the
public page; questions raised are answered on the spot or deferred to a tracked core case;
minutes are published with personal data withheld, and follow-up results are fed back.
"""

from flask_babel import lazy_gettext as _l

from core.kit import Manifest

manifest = Manifest(
    name="hearings",
    title=_l("群众听证质询"),
    version="1.0",
    description=_l("听证会、质询会的公告、报名、签到、提问答复、纪要公开和结果反馈。"),
)
