"""The case register as one of the core's own plugins (as Datasette ships its defaults): its
dashboard tiles come through the same ``dashboard_widgets`` hook as every module's.

Registered by ``core.plugins.load_plugins`` (``CORE_PLUGINS``); always on, never a module an
office switches.
"""

from core.hookspecs import hookimpl


@hookimpl
def dashboard_widgets(user):
    """The case tiles for ``user``: open, near the limit, overdue, and what waits for a leader
    (scoped by the case rules, ``core.cases.queries.list_office_ids``)."""
    from core.cases.widgets import case_widgets

    return case_widgets(user)
