"""信息反馈, 工作备忘, 工作日志 — information work of the township (issue 19).

The activity office sets reporting stages and each village reports at least three instructive
activity items per stage (short villages are listed at the end and reminded before it); the
work memo keeps important service matters and reports to the city or province with their
responsible person and time limit (the core's deadline engine, supervision colours) and a
printable sheet per office; cadres sent to villages keep a daily work log, checked by the
township, with working days without a log counted per cadre and month. The duty person's
handover report stays in the duty module (linked, not duplicated). Nothing here is public.

The core answers the hooks from the plugin's modules (``core.conventions``): ``models``,
``admin``, ``widgets`` (dashboard tile, ``supervision_sections``), ``jobs`` (stage reminders),
``publication`` (no published fields; the log's household reference as a person field),
``demo`` and ``migrations/versions``.
"""

from flask_babel import lazy_gettext as _l

from core.kit import Manifest

manifest = Manifest(
    name="worklog",
    title=_l("信息反馈与工作日志"),
    version="1.0",
    description=_l(
        "分阶段信息反馈（每村每阶段至少三条）、工作备忘及督办、驻村干部工作日志及审阅。"
    ),
)
