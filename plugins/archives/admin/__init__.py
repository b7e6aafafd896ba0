"""Staff screens of the archives module, one module per concern: ``desk`` (the lending
procedure), ``catalogue`` (fonds, series, files, items), ``records`` (settings, loans,
losses); ``columns`` holds the list formatters they share."""

from flask_babel import lazy_gettext as _l

from core.kit import db
from plugins.archives import access
from plugins.archives.admin.catalogue import FileView, FondsView, ItemView, SeriesView
from plugins.archives.admin.desk import DeskView
from plugins.archives.admin.records import LoanView, LossView, SettingsView
from plugins.archives.models import (
    ArchiveFile,
    ArchiveItem,
    ArchiveSettings,
    Fonds,
    Loan,
    LossReport,
    Series,
)


def admin_views() -> list:
    """The module's staff screens, in menu order."""
    return [
        DeskView(name=_l("借阅工作台"), endpoint="desk", url=access.DESK_URL),
        FileView(ArchiveFile, db, name=_l("案卷目录"), endpoint="files"),
        ItemView(ArchiveItem, db, name=_l("卷内文件（件）"), endpoint="items"),
        SeriesView(Series, db, name=_l("档案类别"), endpoint="series"),
        FondsView(Fonds, db, name=_l("全宗"), endpoint="fonds"),
        LoanView(Loan, db, name=_l("借阅记录"), endpoint="loans"),
        LossView(LossReport, db, name=_l("遗失登记"), endpoint="losses"),
        SettingsView(ArchiveSettings, db, name=_l("档案设置"), endpoint="settings"),
    ]
