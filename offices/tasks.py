"""Periodic jobs of the offices app. Thin: each calls one service."""

from celery import shared_task
from django.utils import timezone

from offices import signals
from offices.models import Slot
from offices.services.release import offices_release


@shared_task(name="offices.tasks.release_dates")
def release_dates() -> dict:
    """Materialize every office's window and report the dates released since last run.

    Runs every few minutes from beat; each office's clock decides what is released, and
    running twice changes nothing. The ``released`` pairs are where capacity appeared:
    the rollover allocation acts on them.
    """
    report = offices_release(now=timezone.now())
    # newly released dates are room for waiting requests.
    signals.capacity_appeared.send(sender=Slot, office_ids={office_id for office_id, _ in report.released})
    return {
        "offices": report.offices,
        "slots_created": report.slots_created,
        "released": [[office_id, date.isoformat()] for office_id, date in report.released],
    }
