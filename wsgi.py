"""WSGI entry point: ``gunicorn wsgi:app`` (production) or ``flask --app wsgi run``.

The plugins' models, pages, API and admin screens are wired on first need (the first request,
``url_for``, ``flask routes``, any CLI command but ``flask modules``), so importing the app is
cheap; see ``core.app.create_app``.
"""

from core import create_app

app = create_app(defer_setup=True)
