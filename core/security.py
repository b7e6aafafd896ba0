"""HTTP security headers and the per-request CSP nonce."""

import secrets

from flask import Flask, flash, g, redirect, request
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from core.urls import safe_next


def csp_nonce() -> str:
    """The nonce for inline scripts on this response (one per request)."""
    if not hasattr(g, "csp_nonce"):
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def init_app(app: Flask) -> None:
    """Add CSP, nosniff, frame-ancestors and Referrer-Policy to every response."""
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc):
        """An upload over MAX_CONTENT_LENGTH: back to the same form with a clear message."""
        limit_mb = "{:g}".format((app.config.get("MAX_CONTENT_LENGTH") or 0) / (1024 * 1024))
        flash(_("上传的内容过大（最多 %(mb)s MB），未保存任何更改。", mb=limit_mb), "error")
        return redirect(safe_next(request.full_path.rstrip("?"), "/"))

    @app.after_request
    def _headers(response):
        nonce = csp_nonce()
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            f"style-src 'self' 'nonce-{nonce}'; "
            "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if "Cache-Control" not in response.headers and response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"
        return response
