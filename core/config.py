"""Configuration defaults; overridden by instance/config.py and then by environment variables."""

import os
from pathlib import Path

# Environment variables read at start-up; each overrides the key of the same name.
ENV_KEYS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "SESSION_IDLE_MINUTES",
    "UPLOAD_FOLDER",
    "SMTP_HOST",
    "SMTP_PORT",
    "MAIL_FROM",
    "TOWNSHIP_PLUGINS",
    "PUBLIC_BASE_URL",
    "RQ_QUEUE",
    "SESSION_COOKIE_SECURE",
)


class Defaults:
    """Settings every deployment starts from."""

    SECRET_KEY = None  # generated into instance/secret_key when not configured
    DATABASE_URL = None  # None means SQLite in instance/township.sqlite3
    REDIS_URL = None  # None means jobs run in-process
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Send the session cookie over HTTPS only. None: on when PUBLIC_BASE_URL is https://;
    # "1"/"true"/"yes"/"on" or "0"/"false"/"no"/"off" (environment) force it. See
    # session_cookie_secure().
    SESSION_COOKIE_SECURE = None
    SESSION_IDLE_MINUTES = 30
    LOGIN_MAX_FAILURES = 5  # per account name and address within the window
    LOGIN_MAX_FAILURES_PER_IP = 30
    LOGIN_FAILURE_WINDOW_MINUTES = 15
    # Throttled logins and refused pages are logged summarised per key and window (core.auth.alarms).
    AUDIT_SUMMARY_WINDOW_MINUTES = 15
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh_CN": "中文", "en": "English"}
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    BADGE_PHOTO_MAX_BYTES = 2 * 1024 * 1024
    EXPORT_MAX_ROWS = 10_000  # rows one request may export; more runs as a background job
    BACKGROUND_EXPORT_MAX_ROWS = 500_000
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead
    TOWNSHIP_PLUGINS = None  # comma-separated allow-list of plugin names; None loads all
    TOWNSHIP_NAME = "示范镇"
    # Where residents reach the site: absolute links in feeds, PDFs and posters are built on it,
    # never on the request's Host header (those outputs are cached and shared).
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def session_cookie_secure(config: dict) -> bool:
    """Whether the session cookie carries ``Secure``: SESSION_COOKIE_SECURE when set (a bool,
    or text from the environment), else whether PUBLIC_BASE_URL is an https:// address.

    Unrecognised text is a configuration error, raised at start-up rather than guessed.
    """
    value = config.get("SESSION_COOKIE_SECURE")
    if value is None:
        return str(config.get("PUBLIC_BASE_URL") or "").strip().lower().startswith("https://")
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"SESSION_COOKIE_SECURE must be true or false, not {value!r}")


def database_uri(config: dict, instance_path: str) -> str:
    """The SQLAlchemy URI: DATABASE_URL when set, else SQLite under instance/."""
    url = config.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "township.sqlite3")
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def load_secret_key(instance_path: str) -> str:
    """Read instance/secret_key, creating it on first start, so sessions survive restarts."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()
