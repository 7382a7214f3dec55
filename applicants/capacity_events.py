"""The applicants app's answer to the offices app's capacity signals (``offices.signals``).

The offices services send the signals inside their own transaction; the work goes to
the applicants' workers by task name once it commits (``applicants.dispatch``), so a
broker that is down never fails a supervisor's change (the beat sweeps catch up).
"""

import datetime as dt
from collections.abc import Iterable

from django.dispatch import receiver

from applicants.dispatch import enqueue_on_commit
from applicants.models import Booking, BookingStatus
from offices import signals
from offices.models import Slot

ALLOCATE_TASK = "applicants.tasks.allocate_waiting"
ROLLOVER_TASK = "applicants.tasks.rollover_closure"
EXCESS_TASK = "applicants.tasks.rollover_excess"


@receiver(signals.capacity_appeared, dispatch_uid="applicants.capacity_appeared")
def capacity_appeared(*, office_ids: Iterable[int], **_) -> None:
    """Room may have appeared at these offices: allocate where someone is waiting.

    Offices with nobody waiting get no task; a request that starts waiting later
    enqueues its own allocation, and the sweep covers any message lost in between.
    """
    office_ids = set(office_ids)
    if not office_ids:
        return
    waiting = (
        Booking.objects.filter(office_id__in=office_ids, status=BookingStatus.WAITING)
        .values_list("office_id", flat=True)
        .distinct()
    )
    for office_id in sorted(set(waiting)):
        enqueue_on_commit(ALLOCATE_TASK, office_id=office_id)


@receiver(signals.sessions_closed, dispatch_uid="applicants.sessions_closed")
def sessions_closed(
    *, slot_ids: Iterable[int], date: dt.date, start: dt.time | None, actor_id: int | None, **_
) -> None:
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


@receiver(signals.sessions_over_plan, dispatch_uid="applicants.sessions_over_plan")
def sessions_over_plan(*, slot_ids: Iterable[int], actor_id: int | None, **_) -> None:
    """A supervisor asked to move the bookings beyond these sessions' plan: office by office."""
    by_office: dict[int, list[int]] = {}
    for slot_id, office_id in Slot.objects.filter(id__in=list(slot_ids)).values_list("id", "office_id"):
        by_office.setdefault(office_id, []).append(slot_id)
    for office_id, ids in sorted(by_office.items()):
        enqueue_on_commit(EXCESS_TASK, office_id=office_id, slot_ids=sorted(ids), actor_id=actor_id)
