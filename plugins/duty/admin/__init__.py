"""Staff screens of the duty module: the rota (值班表) of the offices in scope."""

from flask_babel import lazy_gettext as _l

DESK_URL = "/admin/duty"


def admin_views() -> list:
    """The rota screen."""
    from plugins.duty.admin.rota import RotaView

    return [RotaView(name=_l("值班表"), endpoint="duty_rota", url=DESK_URL)]
