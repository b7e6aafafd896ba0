"""Wiring of the case register into the application (kept out of ``core.cases``, its API)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Load the categories (core defaults + plugins'), mount the residents' pages and schedule
    the deadline sweep (every ``CASE_SWEEP_SECONDS``, default 600)."""
    from core.cases.categories import load_categories
    from core.cases.display import init_filters
    from core.cases.public import bp
    from core.jobs import schedule

    load_categories(app)
    init_filters(app)
    app.register_blueprint(bp)
    schedule(
        "core.case_sweep",
        "core.cases.sweep:run_sweep",
        int(app.config.get("CASE_SWEEP_SECONDS", 600)),
    )
