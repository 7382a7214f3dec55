"""Beat jobs that follow each office's own clock. Each sweep fans out one task per office.

The sweeps run every few minutes in UTC; the services decide per office whether its
local moment (closing time, the reminder hour, the day before) has come.
"""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from applicants.dispatch import enqueue_on_commit
from applicants.services.dayend import day_end, day_end_due, reminders_send, reserves_release
from applicants.tasks.allocation import RETRY, allocate_waiting
from offices.models import Office, Slot


@shared_task(name="applicants.tasks.end_of_day_sweep", **RETRY)
def end_of_day_sweep() -> int:
    """Beat: every office-date whose day has ended and still has confirmed bookings."""
    due = day_end_due(now=timezone.now())
    for office_id, date in due:
        enqueue_on_commit(end_of_day.name, office_id=office_id, date=date.isoformat())
    return len(due)


@shared_task(name="applicants.tasks.end_of_day", **RETRY)
def end_of_day(office_id: int, date: str) -> dict:
    result = day_end(office_id=office_id, date=dt.date.fromisoformat(date), now=timezone.now())
    return {"office_id": office_id, "date": date, "no_show": len(result.no_show), "expired": len(result.expired)}


@shared_task(name="applicants.tasks.send_reminders_sweep", **RETRY)
def send_reminders_sweep() -> int:
    """Beat: one reminder task per active office; each sends only when its local hour has come."""
    office_ids = list(Office.objects.filter(is_active=True).values_list("id", flat=True))
    for office_id in office_ids:
        enqueue_on_commit(send_reminders.name, office_id=office_id)
    return len(office_ids)


@shared_task(name="applicants.tasks.send_reminders", **RETRY)
def send_reminders(office_id: int) -> int:
    return len(reminders_send(now=timezone.now(), office_id=office_id))


@shared_task(name="applicants.tasks.release_reserves_sweep", **RETRY)
def release_reserves_sweep() -> int:
    """Beat: offices holding places back for rollover on a day that is near."""
    # Tomorrow anywhere in Indonesia is at most UTC+9 plus one day.
    horizon = (timezone.now() + dt.timedelta(hours=9)).astimezone(dt.UTC).date() + dt.timedelta(days=1)
    office_ids = sorted(set(Slot.objects.filter(reserved__gt=0, date__lte=horizon).values_list("office_id", flat=True)))
    for office_id in office_ids:
        enqueue_on_commit(release_reserves.name, office_id=office_id)
    return len(office_ids)


@shared_task(name="applicants.tasks.release_reserves", **RETRY)
def release_reserves(office_id: int) -> int:
    """Release tomorrow's held-back places, then let waiting requests have them."""
    released = reserves_release(office_id=office_id, now=timezone.now())
    if released:
        enqueue_on_commit(allocate_waiting.name, office_id=office_id)
    return released
