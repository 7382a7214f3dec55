"""Changing a booking after it was made: cancelling it (its place is freed at once) and
moving it to another session (one transaction takes the new place and frees the old).

The lock order is the one of ``applicants.services.booking``: booking row, then slot
rows in ascending id.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F

from applicants.exceptions import (
    RESCHEDULE_SESSION_FULL,
    BookingNotCancellable,
    BookingStateChanged,
    RescheduleLimitReached,
    RescheduleNotConfirmed,
    RescheduleTooLate,
    SessionFull,
    SessionNotFound,
    TooLateToChange,
)
from applicants.models import Booking, BookingStatus, Notification
from applicants.notifications import notify
from applicants.services.booking import enqueue_allocation, slot_check_bookable
from applicants.services.transitions import booking_transition, transition_record
from offices.cache import availability_invalidate, slot_mark_full
from offices.models import Slot
from offices.services.capacity import slot_release, slot_take
from offices.timeutils import office_datetime, office_today

S = BookingStatus


def booking_cancel_check(*, booking: Booking, now: dt.datetime, staff: bool = False) -> None:
    """Raise ``BookingNotCancellable`` (with the booking's status) or ``TooLateToChange``
    if ``booking`` cannot be cancelled: only a waiting or confirmed booking can, and an
    applicant (not ``staff``) only until the session starts. A cancelled booking cannot
    be cancelled either (``booking_cancel`` answers it unchanged, for a repeated request)."""
    if booking.status not in (S.WAITING, S.CONFIRMED):
        raise BookingNotCancellable(status=S(booking.status).label)
    if booking.status == S.CONFIRMED and not staff:
        office, slot = booking.office, booking.slot
        if now >= office_datetime(office, slot.date, slot.start):
            raise TooLateToChange()


def booking_cancel(
    *, booking: Booking, now: dt.datetime, actor=None, reason: str = "cancelled_by_applicant"
) -> Booking:
    """Cancel a waiting or confirmed booking and free its place at once.

    Idempotent: cancelling a cancelled booking returns it unchanged, and of two
    concurrent cancellations one frees the place and the other sees it done. An
    applicant (no ``actor``) can cancel until the session starts.
    """
    if booking.status == S.CANCELLED:
        return booking
    booking_cancel_check(booking=booking, now=now, staff=actor is not None)
    slot_id, date = booking.slot_id, booking.date
    try:
        with transaction.atomic():
            booking_transition(booking=booking, to_status=S.CANCELLED, reason=reason, now=now, actor=actor)
            if slot_id is not None:
                slot_release(slot_id=slot_id)
                availability_invalidate(office_id=booking.office_id, date=date, slot_ids=(slot_id,))
                enqueue_allocation(booking.office_id)
            notify(booking=booking, kind=Notification.Kind.CANCELLED)
    except BookingStateChanged:
        fresh = Booking.objects.select_related("office", "slot", "applicant").get(id=booking.id)
        if fresh.status == S.CANCELLED:
            return fresh
        raise
    return booking


# --- Reschedule -----------------------------------------------------------------------------


def booking_reschedule_check(*, booking: Booking, staff: bool = False, now: dt.datetime | None = None) -> None:
    """Raise ``RescheduleNotAllowed`` (its reason in the message) if ``booking`` cannot be
    moved at all: it is not confirmed, or, unless ``staff`` move it, its free reschedules
    are used up; given ``now``, also ``RescheduleTooLate`` from
    ``BOOKING_CHANGE_CUTOFF_DAYS`` before the booked date (office time), staff excepted."""
    if booking.status != S.CONFIRMED or booking.slot_id is None:
        raise RescheduleNotConfirmed(status=S(booking.status).label)
    if staff:
        return
    if booking.reschedule_count >= settings.BOOKING_FREE_RESCHEDULES:
        raise RescheduleLimitReached(count=settings.BOOKING_FREE_RESCHEDULES)
    if now is not None:
        days = settings.BOOKING_CHANGE_CUTOFF_DAYS
        if office_today(booking.office, now) > booking.date - dt.timedelta(days=days):
            raise RescheduleTooLate(days=days)


def booking_reschedule(*, booking: Booking, new_slot: Slot, now: dt.datetime, actor=None) -> Booking:
    """Move a confirmed booking to another session of the same office and track.

    One transaction takes the new place and gives back the old one: if the new session
    is full (``SessionFull``) the booking keeps its old place, and no interleaving can
    leave the applicant with none or two. Free ``BOOKING_FREE_RESCHEDULES`` times, until
    ``BOOKING_CHANGE_CUTOFF_DAYS`` before the booked date (office time); staff
    (``actor``) are not held to those two limits.
    """
    booking_reschedule_check(booking=booking, staff=actor is not None, now=now)
    office = booking.office
    if new_slot.office_id != booking.office_id:
        raise SessionNotFound()
    if new_slot.id == booking.slot_id:
        return booking
    slot_check_bookable(slot=new_slot, track=booking.track, channel=booking.channel, now=now)

    old_slot_id, old_date = booking.slot_id, booking.date
    with transaction.atomic():
        moved = Booking.objects.filter(id=booking.id, status=S.CONFIRMED, slot_id=old_slot_id).update(
            slot=new_slot,
            date=new_slot.date,
            requested_slot=new_slot,
            requested_date=new_slot.date,
            reschedule_count=F("reschedule_count") + 1,
            updated_at=now,
        )
        if moved != 1:
            raise BookingStateChanged()
        for slot_id in sorted((old_slot_id, new_slot.id)):
            if slot_id == new_slot.id:
                if not slot_take(slot_id=new_slot.id):
                    slot_mark_full(new_slot.id)
                    # Same code as a booking's; words for a move, which keeps the old place.
                    raise SessionFull(RESCHEDULE_SESSION_FULL)
            else:
                slot_release(slot_id=old_slot_id)
        count = booking.reschedule_count + 1
        transition_record(
            booking=booking,
            from_status=S.CONFIRMED,
            to_status=S.CONFIRMED,
            reason="rescheduled",
            now=now,
            actor=actor,
            detail={"from_slot": old_slot_id, "to_slot": new_slot.id, "count": count},
        )
        availability_invalidate(office_id=office.id, date=old_date, slot_ids=(old_slot_id,))
        availability_invalidate(office_id=office.id, date=new_slot.date)
        enqueue_allocation(office.id)
        booking.slot, booking.date = new_slot, new_slot.date
        booking.requested_slot, booking.requested_date = new_slot, new_slot.date
        booking.reschedule_count, booking.updated_at = count, now
        notify(booking=booking, kind=Notification.Kind.RESCHEDULED, dedupe_key=f"rescheduled:{count}")
    return booking
