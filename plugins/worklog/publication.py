"""The worklog module publishes nothing: its stages, reports, memo items and logs are staff
records. The household a log names (``case_ref``) is a private person's name, registered so
that the core masks it in every other office's published text too."""

from core.kit import PersonField


def declarations():
    """No published fields (residents' pages, feeds and the API show nothing of this module)."""
    return []


def person_fields():
    """The work log's case or household reference."""
    from plugins.worklog.models import WorkLog

    return [PersonField(WorkLog.case_ref)]
