"""URL helpers."""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


def safe_next(target: str | None, default: str) -> str:
    """``target`` when it is a path on this site, else ``default`` (no open redirects)."""
    if not target:
        return default
    target = target.strip().replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def client_ip() -> str | None:
    """The client's address as the WSGI server (or a configured proxy fix) reports it."""
    return request.remote_addr


def site_path(endpoint: str, **values) -> str:
    """The path of ``endpoint`` on this site, in a request or outside one (a job, a command).

    ``url_for`` needs a request (or ``SERVER_NAME``) to build a URL; a worker has neither, so
    outside a request the path is built from the app's URL map alone.
    """
    if has_request_context():
        return url_for(endpoint, _external=False, **values)
    current_app.inject_url_defaults(endpoint, values)
    adapter = current_app.url_map.bind(
        "localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/"
    )
    return adapter.build(endpoint, values)
