"""WSGI entry point: ``gunicorn wsgi:app`` (production) or ``flask --app wsgi run``.

The admin screens are built on first need (the first request, ``url_for``, ``flask routes``),
so CLI commands and workers that never use them start faster; see ``core.app.create_app``.
"""

from core import create_app

app = create_app(defer_admin=True)
