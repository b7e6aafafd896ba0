"""Command-line tools: ``flask modules``, ``flask demo``, ``flask users``."""

from flask import Flask


def register_cli(app: Flask) -> None:
    """Attach the core's command groups to ``app.cli``."""
    from core.cli.demo import demo_cli
    from core.cli.modules import modules_cli
    from core.cli.users import users_cli

    for group in (modules_cli, demo_cli, users_cli):
        app.cli.add_command(group)
