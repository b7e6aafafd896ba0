"""Error pages in the user's language (Chinese first), for staff and residents alike."""

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

# The one message for a save based on a record someone else changed meanwhile.
STALE_MESSAGE = _l("该记录已被他人修改，您的更改未保存。请刷新页面，查看最新内容后重试。")


class UserError(ValueError):
    """A refusal a person reads: the message (Chinese first) says what was wrong and nothing
    was saved. The base of every core and plugin error that a screen shows as it is."""


class StaleError(UserError):
    """A save based on a record that changed since the person loaded it (optimistic locking)."""

    def __init__(self, message=None):
        super().__init__(message or STALE_MESSAGE)


# What each status means to a resident or staff member, and what to do next.
_MESSAGES = {
    400: lambda: _("请求无效，未保存任何更改。请返回上一页检查后重试。"),
    403: lambda: _("您没有权限访问该页面。如需开通，请联系乡镇管理员。"),
    404: lambda: _("没有找到该页面，或该单位未启用此功能。"),
    405: lambda: _("不支持这种访问方式。"),
    429: lambda: _("操作过于频繁，请稍后再试。"),
    500: lambda: _("服务器出错，未保存任何更改。请稍后重试；如果问题持续，请联系管理员。"),
    503: lambda: _("系统繁忙，请稍后再试，未保存任何更改。"),
}

# Database answers that mean "busy now, try again", not a fault: SQLite's lock that outlasted
# the busy timeout, PostgreSQL's lock timeout, serialisation failure and deadlock.
_BUSY_SQLSTATES = frozenset({"55P03", "40001", "40P01"})


def is_busy_error(exc) -> bool:
    """Whether a database error means the database was busy (the work can simply be retried)."""
    original = getattr(exc, "orig", None)
    if getattr(original, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    text = str(original or exc).lower()
    return "database is locked" in text or "database table is locked" in text


API_PREFIX = "/api/"


def problem(status: int, detail: str | None = None, *, allow=None):
    """A JSON problem-details answer (RFC 9457) for the public API: never cached, and a 405
    says which methods the path takes."""
    message = _MESSAGES.get(status)
    body = {
        "type": "about:blank",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail or (message() if message else ""),
    }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    response.headers["Cache-Control"] = "no-store"
    if allow:
        response.headers["Allow"] = ", ".join(sorted(allow))
    return response


_TITLES = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def _wants_json() -> bool:
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def _page(status: int, message: str):
    if _wants_json():
        return problem(status, message)
    return render_template("public/error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    """Render HTTP errors as readable pages (the JSON API keeps its own JSON handler)."""

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return _page(
            400, _("表单已过期或缺少安全令牌，未保存任何更改。请返回并刷新页面后重新提交。")
        )

    @app.errorhandler(HTTPException)
    def _http(exc):
        if exc.code not in _MESSAGES or exc.code in (301, 302):
            return exc
        if _wants_json():
            return problem(exc.code, allow=getattr(exc, "valid_methods", None))
        return _page(exc.code, _MESSAGES[exc.code]())

    @app.errorhandler(500)
    def _server_error(exc):
        return _page(500, _MESSAGES[500]())

    @app.errorhandler(OperationalError)
    def _database_busy(exc):
        from core.extensions import db

        db.session.rollback()
        if not is_busy_error(exc):
            raise exc
        response = _page(503, _MESSAGES[503]())
        if isinstance(response, tuple):
            response = app.make_response(response)
        response.headers["Retry-After"] = "5"
        return response
