"""档案管理制度 — the office archive and its lending procedure (SPEC P5).

A designated keeper per office; each activity has its own archive (other modules file their
records through the ``file_record`` hook); files are catalogued as 全宗 › 类别 › 案卷 › 件; lending
strictly follows the procedure (借阅手续) — request, approval (a leader too for restricted files),
hand-out and return with the file's condition — and a loss is traced to the borrower and the
keeper. Residents may ask to consult the public records (土地利用资料可查询制度).
"""

from flask_babel import lazy_gettext as _l

from core.kit import Manifest, hookimpl

manifest = Manifest(
    name="archives",
    title=_l("档案管理"),
    version="1.0",
    description=_l(
        "档案编目（全宗、类别、案卷、件）、借阅审批、借出归还、逾期提醒、遗失追查和群众查询。"
    ),
)


@hookimpl
def file_record(record):
    """Catalogue another module's record in the office's archive (None where switched off)."""
    from plugins.archives.services.catalogue import file_record

    return file_record(record)
