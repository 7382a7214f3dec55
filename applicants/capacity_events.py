"""What the offices app tells the applicants app when room appears or sessions close.

The offices services call these inside their own transaction; the work is sent to the
applicants' workers by task name once it commits (``applicants.dispatch``), so the
offices app imports nothing heavy from here and a broker that is down never fails a
supervisor's change (the beat sweeps catch up).
"""

import datetime as dt
from collections.abc import Iterable

from applicants.dispatch import enqueue_on_commit
from offices.models import Slot

ALLOCATE_TASK = "applicants.tasks.allocate_waiting"
ROLLOVER_TASK = "applicants.tasks.rollover_closure"


def capacity_appeared(*, office_ids: Iterable[int]) -> None:
    """Room may have appeared at these offices (dates released, quota raised, closure lifted)."""
    for office_id in sorted(set(office_ids)):
        enqueue_on_commit(ALLOCATE_TASK, office_id=office_id)


def sessions_closed(*, slot_ids: Iterable[int], date: dt.date, start: dt.time | None, actor_id: int | None) -> None:
    """Sessions holding bookings were just closed: move those bookings, office by office."""
    slot_ids = list(slot_ids)
    if not slot_ids:
        return
    office_ids = sorted(set(Slot.objects.filter(id__in=slot_ids).values_list("office_id", flat=True)))
    for office_id in office_ids:
        enqueue_on_commit(
            ROLLOVER_TASK,
            office_id=office_id,
            date=date.isoformat(),
            start=start.isoformat() if start else None,
            actor_id=actor_id,
        )
