"""Helpers of the petitions plugin's tests: the module on for offices A and B, petitions in any
stage, dates in local time.

Plain functions the test modules import; the fixtures are in this folder's conftest.py."""

from datetime import date, datetime, time

from core.time import LOCAL_ZONE
from plugins.petitions import services

# Made-up ID numbers with valid check characters.
ID_WANG = "110101199003070011"
ID_LI = "11010119850512007X"


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    """A local (Asia/Shanghai) moment on that day."""
    return datetime.combine(date(year, month, day), time(hour), tzinfo=LOCAL_ZONE)


def register(
    office_id: int,
    *,
    actor_id=None,
    subject="王家村修路占用我家承包地未给补偿",
    received_at=None,
    people_count=1,
    petitioners=None,
    **fields,
):
    """Register a petition with sensible defaults (inside an app context; flushed, not
    committed)."""
    petitioners = (
        petitioners
        if petitioners is not None
        else [{"name": "王大山", "phone": "13812345678", "id_number": ID_WANG}]
    )
    return services.register_petition(
        office_id=office_id,
        channel=fields.pop("channel", "visit"),
        received_at=received_at or at(2025, 3, 3),
        subject=subject,
        demands=fields.pop("demands", "要求按标准给付占地补偿"),
        people_count=people_count,
        petitioners=petitioners,
        actor_id=actor_id,
        **fields,
    )


def accepted(office_id: int, *, received=None, decided=None, actor_id=None, **fields):
    """A petition registered and accepted (handling stage)."""
    petition = register(
        office_id, received_at=received or at(2025, 3, 3), actor_id=actor_id, **fields
    )
    services.decide_acceptance(
        petition, accepted=True, decided_at=decided or at(2025, 3, 10), note=None, actor_id=actor_id
    )
    return petition


def replied_and_delivered(office_id: int, *, delivered, replied=None, actor_id=None, **fields):
    """A petition answered in writing, the reply delivered on ``delivered``."""
    petition = accepted(office_id, actor_id=actor_id, **fields)
    notice = services.reply(
        petition,
        result="经核实，已按标准补偿。",
        replied_at=replied or delivered,
        actor_id=actor_id,
    )
    services.record_delivery(notice, method="in_person", delivered_at=delivered, actor_id=actor_id)
    return petition
