"""Allocation tasks: one office per task, ids only, safe to run twice or side by side."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from applicants.dispatch import enqueue_on_commit
from applicants.models import Booking, BookingStatus
from applicants.services.allocation import waiting_allocate, waiting_expire

# A database restart or a dropped connection is worth a few more tries; anything else
# is a bug and fails loudly. Backoff stays far below the broker's visibility timeout.
RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="applicants.tasks.allocate_waiting", **RETRY)
def allocate_waiting(office_id: int, expire: bool = False) -> dict:
    """Place the office's waiting requests; enqueued on commit whenever room may have appeared."""
    now = timezone.now()
    expired = waiting_expire(office_id=office_id, now=now) if expire else []
    result = waiting_allocate(office_id=office_id, now=now)
    return {
        "office_id": office_id,
        "allocated": result.allocated_count,
        "waiting": len(result.still_waiting),
        "expired": len(expired),
    }


@shared_task(name="applicants.tasks.allocate_waiting_sweep", **RETRY)
def allocate_waiting_sweep() -> int:
    """Beat: every office with waiting requests gets a run (expiry first).

    Catches anything a lost message missed. Fans out one task per office.
    """
    office_ids = sorted(set(Booking.objects.filter(status=BookingStatus.WAITING).values_list("office_id", flat=True)))
    for office_id in office_ids:
        enqueue_on_commit(allocate_waiting.name, office_id=office_id, expire=True)
    return len(office_ids)
