"""Absolute URLs for outputs fetched and cached far from the request (feeds, PDFs, posters),
and the signal that a published record changed so cached outputs are made again."""

from flask import current_app

from core.urls import site_path


def public_url(endpoint: str, **values) -> str:
    """An absolute URL on the configured ``PUBLIC_BASE_URL`` — never the request's Host header,
    which a client chooses and a shared cache would then serve to everyone. Works outside a
    request too (a job rendering a PDF or a feed has none)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + site_path(endpoint, **values)


def published_changed(record) -> None:
    """Tell the plugins a published record changed or was withdrawn, so they drop or rebuild
    what they cached of it (PDFs, audio, feeds)."""
    from core.plugins import get_registry

    get_registry().pm.hook.published_record_changed(record=record)
