"""URL helpers."""

from urllib.parse import urlsplit

from flask import request


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
