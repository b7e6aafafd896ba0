"""Who may see and who may work a case, and the checks transitions make before acting."""

from core import permissions
from core.cases.models import ACTIVE_STATUSES, Case, CaseOffice, CaseStatus
from core.cases.services.common import CaseError, t
from core.extensions import db
from core.models import Office, Role, User


def is_leader_for(user: User, office_id: int) -> bool:
    """A leader of the office or of an office above it (分管领导)."""
    if user.role != Role.LEADER:
        return False
    if user.office_id == office_id:
        return True
    office = db.session.get(Office, office_id)
    return office is not None and any(a.id == user.office_id for a in office.ancestors())


def may_view(user: User, case: Case) -> bool:
    """Who may open a case: its office, the office that accepted it and its first responder
    (they keep the right to follow it after a transfer), notified offices, its handler, and
    the roles that see every office."""
    if permissions.sees_all_offices(user):
        return True
    if user.office_id in (case.office_id, case.first_office_id):
        return True
    if user.id in (case.first_responder_id, case.handler_id):
        return True
    if is_leader_for(user, case.office_id):
        return True
    return db.session.get(CaseOffice, (case.id, user.office_id)) is not None


def may_act(user: User, case: Case) -> bool:
    """Who may work a case: staff of its current office, its handler, township admins."""
    if permissions.is_read_only(user):
        return False
    if user.role == Role.TOWNSHIP_ADMIN:
        return True
    return user.office_id == case.office_id or user.id == case.handler_id


def _require_act(actor: User | None, case: Case) -> None:
    if actor is not None and not may_act(actor, case):
        raise CaseError(t("只有案件当前承办单位的工作人员可以办理此事项。"))


def _require_leader(actor: User | None, office_id: int, what: str) -> None:
    if actor is not None and not is_leader_for(actor, office_id):
        raise CaseError(t("只有分管领导可以%(what)s。", what=what))


def _require_active(case: Case) -> None:
    if case.status not in ACTIVE_STATUSES:
        raise CaseError(t("案件已办结，不能再进行此操作。"))


def _require_not_paused(case: Case) -> None:
    if case.status == CaseStatus.PAUSED:
        raise CaseError(t("案件正在暂停计时，请先恢复计时。"))
