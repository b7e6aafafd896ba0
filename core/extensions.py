"""The Flask extension objects, created unbound so every module can import them."""

import sqlite3

from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every model, core and plugin."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """On SQLite (the embedded default): write-ahead logging so readers never wait for the
    writer, and NORMAL sync, which is safe in WAL mode and makes each commit far cheaper.

    The WAL is copied back into the database every 4,000 pages (16 MB) instead of SQLite's
    1,000: each audited save writes the entry and its index pages too, and pages rewritten by
    many saves (the chain head, the newest index leaves) are then copied back once per
    checkpoint rather than four times (audit_bench: 10,000 audited saves about 5 % faster)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA wal_autocheckpoint=4000")
        # Wait up to 15 s for another writer (the driver's default is 5 s) before giving up;
        # a lock that outlasts it is answered with the 503 page of core.errors.
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()
