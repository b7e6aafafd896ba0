"""How loans and files read in the archive's staff lists (Flask-Admin formatters)."""

from flask import url_for
from markupsafe import Markup

from plugins.archives.models import ArchiveFile


def file_link(view, context, model, name):
    """The file (or a row's file) linking to its history on the desk."""
    file = model if isinstance(model, ArchiveFile) else model.file
    return Markup('<a href="{}">{}</a>').format(
        url_for("archives_desk.file_page", file_id=file.id),
        file.catalogue_no if name == "catalogue_no" else str(file),
    )


def loan_link(view, context, model, name):
    """The loan's reference linking to its page on the desk."""
    return Markup('<a href="{}">{}</a>').format(
        url_for("archives_desk.loan_page", loan_id=model.id), model.reference
    )


def borrower(view, context, model, name):
    """The borrower as staff lists show it (a resident's name masked)."""
    return model.borrower_label
