"""Rollover tasks: move the bookings of a closed day or session; ids and dates only."""

import datetime as dt

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from applicants.services.rollover import closure_rollover, excess_rollover, rollover_finish
from applicants.tasks.allocation import RETRY


@shared_task(name="applicants.tasks.rollover_closure", **RETRY)
def rollover_closure(office_id: int, date: str, start: str | None = None, actor_id: int | None = None) -> dict:
    """Enqueued on commit after a closure is created. ``date`` is ISO, ``start`` HH:MM[:SS]."""
    actor = get_user_model().objects.filter(id=actor_id).first() if actor_id else None
    result = closure_rollover(
        office_id=office_id,
        date=dt.date.fromisoformat(date),
        start=dt.time.fromisoformat(start) if start else None,
        now=timezone.now(),
        actor=actor,
    )
    return {"office_id": office_id, "moved": len(result.moved), "waiting": len(result.waiting)}


@shared_task(name="applicants.tasks.rollover_excess", **RETRY)
def rollover_excess(office_id: int, slot_ids: list[int], actor_id: int | None = None) -> dict:
    """Enqueued on commit when a supervisor asks to move the bookings beyond a lowered plan."""
    actor = get_user_model().objects.filter(id=actor_id).first() if actor_id else None
    result = excess_rollover(office_id=office_id, slot_ids=slot_ids, now=timezone.now(), actor=actor)
    return {"office_id": office_id, "moved": len(result.moved), "waiting": len(result.waiting)}


@shared_task(name="applicants.tasks.rollover_finish", **RETRY)
def rollover_finish_task(office_id: int) -> dict:
    """Place the bookings a stop of service moved, ahead of everyone waiting, and tell them."""
    rollover_finish(office_id=office_id, now=timezone.now())
    return {"office_id": office_id}
