"""The township core: offices, staff, cases, audit; and the public names plugins use.

A plugin imports from here (``from core import hookimpl, db, Manifest``) and from the modules
documented in README "Writing a plugin" — never from another plugin.
"""

from core.extensions import db
from core.hookspecs import hookimpl
from core.plugins import Manifest

__all__ = ["Manifest", "create_app", "db", "hookimpl"]


def create_app(*args, **kwargs):
    """Build the Flask application (see ``core.app.create_app``)."""
    from core.app import create_app as _create_app

    return _create_app(*args, **kwargs)
