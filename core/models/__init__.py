"""The core's models. Plugins import what they need from here (or from ``core``)."""

from core.models.base import TimestampMixin, VersionedMixin, enum_column, utcnow
from core.models.enums import LabelledEnum
from core.models.module import OfficeModule
from core.models.office import Office, OfficeKind
from core.models.types import UTCDateTime
from core.models.user import LoginFailure, Role, User, UserSession
