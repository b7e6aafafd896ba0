"""Staff screens of the worklog module: the desk (stages, memo sheet, log supervision) and
the lists (stages, feedback, memo items, the cadres' roster, logs), each exportable."""

from flask_babel import lazy_gettext as _l

DESK_URL = "/admin/worklog"


def admin_views() -> list:
    """The desk first, then the lists."""
    from plugins.worklog.admin.desk import DeskView
    from plugins.worklog.admin.lists import model_views

    return [DeskView(name=_l("信息工作台"), endpoint="worklog_desk", url=DESK_URL), *model_views()]
