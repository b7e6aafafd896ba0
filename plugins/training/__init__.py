"""学习培训制度 — training hours: sessions, attendance, self-study, notes, techniques, and
monthly/yearly compliance against the rulebook's numbers (see ``rules`` for the readings)."""

from flask_babel import lazy_gettext as _l

from core.kit import Manifest

manifest = Manifest(
    name="training",
    title=_l("学习培训"),
    version="1.0",
    description=_l(
        "集中培训与村集中学习、考勤签到、自学学时、学习笔记、实用技术，按月按年核对达标情况。"
    ),
)
