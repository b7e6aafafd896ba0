"""Error pages in the user's language (Chinese first), for staff and residents alike."""

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

# What each status means to a resident or staff member, and what to do next.
_MESSAGES = {
    400: lambda: _("请求无效，未保存任何更改。请返回上一页检查后重试。"),
    403: lambda: _("您没有权限访问该页面。如需开通，请联系乡镇管理员。"),
    404: lambda: _("没有找到该页面，或该单位未启用此功能。"),
    405: lambda: _("不支持这种访问方式。"),
    429: lambda: _("操作过于频繁，请稍后再试。"),
    500: lambda: _("服务器出错，未保存任何更改。请稍后重试；如果问题持续，请联系管理员。"),
}


def _page(status: int, message: str):
    return render_template("public/error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    """Render HTTP errors as readable pages (the JSON API keeps its own JSON handler)."""

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return _page(400, _("表单已过期或缺少安全令牌，未保存任何更改。请返回并刷新页面后重新提交。"))

    @app.errorhandler(HTTPException)
    def _http(exc):
        if exc.code not in _MESSAGES or exc.code in (301, 302):
            return exc
        return _page(exc.code, _MESSAGES[exc.code]())
