"""Staff accounts, their roles, login sessions and failed-login counters."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import TimestampMixin, enum_column, utcnow
from core.models.enums import LabelledEnum
from core.models.office import Office
from core.models.types import UTCDateTime


class Role(LabelledEnum):
    """What a staff account may do; see core.permissions for the rules."""

    TOWNSHIP_ADMIN = "township_admin", _l("乡镇管理员")
    OFFICE_ADMIN = "office_admin", _l("科室管理员")
    STAFF = "staff", _l("工作人员")
    LEADER = "leader", _l("领导")
    AUDITOR = "auditor", _l("监督审计员")


class User(TimestampMixin, db.Model):
    """A staff member: login, role, office and the public badge (佩证上岗)."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Badge (佩证上岗): shown on the printable badge and, where public, in the directory.
    post: Mapped[str | None] = mapped_column(String(64))  # 职务/岗位
    staff_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    contact_phone: Mapped[str | None] = mapped_column(String(32))  # work line printed on the badge
    photo_key: Mapped[str | None] = mapped_column(String(128))  # key in core.storage
    in_public_directory: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    office: Mapped[Office] = relationship()

    def __str__(self) -> str:
        return self.display_name

    # Flask-Login protocol. get_id() is the *session* token, not the user id, so that
    # logging out (which revokes the token server-side) really ends the session.
    session_token = None  # set per request by core.auth.sessions (not a column)

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.session_token


class UserSession(db.Model):
    """A server-side login session; revoked on logout, expired when idle."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()


class LoginFailure(db.Model):
    """Failed-login counters per key (account name + address, or address alone).

    Kept in the database so the limit holds across several app processes and machines.
    """

    __tablename__ = "login_failure"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
