"""What an rq worker runs: each job inside an application context."""

from core.jobs import resolve

_app = None


def _get_app():
    global _app
    if _app is None:
        from core.app import create_app

        _app = create_app()
    return _app


def run_in_app(func_path: str, args: list, kwargs: dict):
    """Run a job function inside the app context (the worker's own app)."""
    from flask import has_app_context

    if has_app_context():
        return resolve(func_path)(*args, **kwargs)
    with _get_app().app_context():
        try:
            return resolve(func_path)(*args, **kwargs)
        finally:
            from core.extensions import db

            db.session.remove()
