"""Allocating waiting requests to places, first come first served (DESIGN rule 6).

Order of service: bookings moved by a closure or a stop of service (``rollover_rank``
set) come first, in the order they were moved; then plain waiting requests by
``waiting_since``; ``id`` breaks ties. Each takes the earliest session with room, in
its track, on or after the date it asked for and inside the office's released
window. Rolled-over bookings may use the places held back for them
(``Slot.reserved``) and look only after the session they lost.

Why FIFO holds with several workers: with two allocators working the same queue side
by side, a later request could commit the last place of a day while an earlier one is
still being looked at, and the earlier one would end up on a later date. So the work
is done in short transactions of a few rows, each holding a per-office lock (a
PostgreSQL transaction-level advisory lock, which a dead worker cannot leave behind;
on SQLite every write transaction is serialized anyway), and rows are re-read under
it. Contention is per office anyway. Between those transactions another run may
go, so a run also refuses to let a later request take a place that an earlier
request of the same run could not find: such a place can only have appeared during
the run and belongs to the earlier request (the run enqueued by that new capacity
gives it to them).
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from applicants.models import Booking, BookingStatus, Notification
from applicants.notifications import notify
from applicants.services.transitions import booking_transition
from offices.cache import availability_invalidate
from offices.models import Office, Slot
from offices.selectors import office_release_window
from offices.services.capacity import slot_take
from offices.timeutils import office_now

logger = logging.getLogger(__name__)

# First key of the two-int advisory lock; the second is the office id.
OFFICE_LOCK_NAMESPACE = 0x4150  # "AP"
CHUNK_SIZE = 25
# Slots tried per request before the candidates are read again (another writer may
# take the last place of a candidate between the read and the conditional update).
CANDIDATES_PER_READ = 5


@dataclass
class AllocationResult:
    office_id: int
    allocated: list[int] = field(default_factory=list)
    still_waiting: list[int] = field(default_factory=list)

    @property
    def allocated_count(self) -> int:
        return len(self.allocated)


def waiting_order() -> list:
    """The one ordering of the waiting queue: rolled-over first, then first come."""
    return [
        Case(When(rollover_rank__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField()),
        F("waiting_since").asc(nulls_last=True),
        F("rollover_rank").asc(nulls_last=True),
        "id",
    ]


def waiting_queryset(*, office_id: int) -> QuerySet[Booking]:
    return Booking.objects.filter(office_id=office_id, status=BookingStatus.WAITING).order_by(*waiting_order())


def office_allocation_lock(*, office_id: int) -> None:
    """Take the office's allocation lock until the current transaction ends.

    A transaction-level advisory lock: it cannot outlive the transaction, so a worker
    that dies or fails never leaves an office locked. Rollover and allocation take it
    around every short transaction that hands out places of the office.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [OFFICE_LOCK_NAMESPACE, office_id])


def _start_point(booking: Booking, first: dt.date) -> tuple[dt.date, dt.time | None]:
    """Where a booking's search begins: (date, after this session start or None)."""
    if booking.rollover_rank is not None and booking.requested_slot_id is not None:
        requested = booking.requested_slot
        if requested.date >= first:
            return requested.date, requested.start
        return first, None
    return max(booking.requested_date, first), None


def _candidates(
    *,
    booking: Booking,
    start: tuple[dt.date, dt.time | None],
    last: dt.date,
    blocked: tuple[dt.date, dt.time] | None,
    use_reserve: bool,
    local_now: dt.datetime,
) -> list[Slot]:
    start_date, after = start
    room = F("capacity") if use_reserve else F("capacity") - F("reserved")
    qs = Slot.objects.filter(
        office_id=booking.office_id,
        track=booking.track,
        closed=False,
        date__gte=start_date,
        date__lte=last,
        booked__lt=room,
    )
    if after is not None:
        qs = qs.filter(Q(date__gt=start_date) | Q(start__gt=after))
    if start_date <= local_now.date():
        # An office whose window starts today: a session that has begun is no place.
        qs = qs.exclude(date=local_now.date(), start__lte=local_now.time())
    if blocked is not None:
        blocked_date, blocked_start = blocked
        qs = qs.filter(Q(date__lt=blocked_date) | Q(date=blocked_date, start__lt=blocked_start))
    return list(qs.order_by("date", "start")[:CANDIDATES_PER_READ])


def _place(
    *,
    booking: Booking,
    start: tuple[dt.date, dt.time | None],
    last: dt.date,
    blocked: tuple[dt.date, dt.time] | None,
    local_now: dt.datetime,
) -> Slot | None:
    """Take the earliest place the booking may have; None when there is none."""
    use_reserve = booking.rollover_rank is not None
    while True:
        candidates = _candidates(
            booking=booking, start=start, last=last, blocked=blocked, use_reserve=use_reserve, local_now=local_now
        )
        if not candidates:
            return None
        for slot in candidates:
            if slot_take(slot_id=slot.id, use_reserve=use_reserve):
                if use_reserve:
                    # A moved booking draws on the held-back places first, so the share
                    # open to everyone else is not shrunk while the reserve sits idle.
                    Slot.objects.filter(id=slot.id, reserved__gt=0).update(reserved=F("reserved") - 1)
                return slot


def booking_allocate(*, booking: Booking, slot: Slot, now: dt.datetime) -> Booking:
    """Confirm a waiting booking in ``slot`` (whose place the caller has taken) and tell the applicant."""
    booking_transition(
        booking=booking,
        to_status=BookingStatus.CONFIRMED,
        reason="rolled_over" if booking.rolled_from_id else "allocated",
        now=now,
        detail={"slot": slot.id, "date": slot.date.isoformat()},
        slot=slot,
        date=slot.date,
    )
    availability_invalidate(office_id=slot.office_id, date=slot.date, slot_ids=(slot.id,))
    if booking.rolled_from_id:
        notify(booking=booking, kind=Notification.Kind.ROLLED_OVER, dedupe_key=f"rolled_over:{booking.id}")
    else:
        notify(booking=booking, kind=Notification.Kind.ALLOCATED, dedupe_key=f"allocated:{booking.id}")
    return booking


def waiting_allocate(*, office_id: int, now: dt.datetime, limit: int | None = None) -> AllocationResult:
    """Allocate the office's waiting requests in order; safe to run twice or side by side.

    ``limit`` caps how many requests are looked at (from the head of the queue), so a
    later request is never looked at before an earlier one.
    """
    result = AllocationResult(office_id=office_id)
    office = Office.objects.filter(id=office_id, is_active=True).first()
    if office is None:
        return result
    window = office_release_window(office=office, now=now)
    while True:
        queue = waiting_queryset(office_id=office_id)
        ids = list(queue.values_list("id", flat=True)[:limit])
        # ``last < first``: nothing is released yet (a batch office before its first block).
        if not ids or window[1] < window[0]:
            result.still_waiting = ids
            return result
        moved = set(queue.filter(rollover_rank__isnull=False).values_list("id", flat=True))
        outcome = _allocate_pass(ids=ids, moved=moved, office=office, window=window, now=now)
        result.allocated.extend(outcome.allocated)
        if outcome.restart:
            continue
        result.still_waiting = outcome.still_waiting
        break
    if result.allocated:
        logger.info(
            "allocation office=%s allocated=%s still_waiting=%s",
            office_id,
            len(result.allocated),
            len(result.still_waiting),
        )
    return result


@dataclass
class _Pass:
    allocated: list[int] = field(default_factory=list)
    still_waiting: list[int] = field(default_factory=list)
    restart: bool = False


def _allocate_pass(
    *, ids: list[int], moved: set[int], office: Office, window: tuple[dt.date, dt.date], now: dt.datetime
) -> _Pass:
    """One pass over a snapshot of the queue, in short transactions of a few rows.

    ``blocked`` remembers, per track, the earliest point from which an earlier request
    of this pass found no room: a later request may only take places before it.
    """
    first, last = window
    office_id = office.id
    local_now = office_now(office, now)
    outcome = _Pass()
    blocked: dict[str, tuple[dt.date, dt.time]] = {}
    for offset in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[offset : offset + CHUNK_SIZE]
        with transaction.atomic():
            office_allocation_lock(office_id=office_id)
            # Bookings moved by a closure while this pass ran go ahead of everyone
            # left in it: start again so they are served first.
            if (
                Booking.objects.filter(office_id=office_id, status=BookingStatus.WAITING, rollover_rank__isnull=False)
                .exclude(id__in=moved)
                .exists()
            ):
                outcome.restart = True
                return outcome
            # Re-read under row locks: a request may have been cancelled, or placed
            # by another pass in the meantime.
            rows = list(
                Booking.objects.select_for_update(of=("self",))
                .select_related("requested_slot", "applicant")
                .filter(id__in=chunk, status=BookingStatus.WAITING)
                .order_by(*waiting_order())
            )
            for booking in rows:
                start = _start_point(booking, first)
                track_blocked = blocked.get(booking.track)
                slot = _place(booking=booking, start=start, last=last, blocked=track_blocked, local_now=local_now)
                if slot is None:
                    point = (start[0], start[1] or dt.time.min)
                    if track_blocked is None or point < track_blocked:
                        blocked[booking.track] = point
                    outcome.still_waiting.append(booking.id)
                    continue
                booking_allocate(booking=booking, slot=slot, now=now)
                outcome.allocated.append(booking.id)
    return outcome


def waiting_position(*, booking: Booking) -> int | None:
    """1-based place of a waiting booking in its office's queue for its track."""
    if booking.status != BookingStatus.WAITING:
        return None
    same_queue = Booking.objects.filter(
        office_id=booking.office_id, track=booking.track, status=BookingStatus.WAITING
    ).exclude(id=booking.id)
    since = booking.waiting_since
    if booking.rollover_rank is not None:
        ahead = same_queue.filter(rollover_rank__isnull=False).filter(
            Q(waiting_since__lt=since)
            | Q(waiting_since=since, rollover_rank__lt=booking.rollover_rank)
            | Q(waiting_since=since, rollover_rank=booking.rollover_rank, id__lt=booking.id)
        )
    else:
        ahead = same_queue.filter(
            Q(rollover_rank__isnull=False)
            | Q(waiting_since__lt=since)
            | Q(waiting_since=since, id__lt=booking.id)
            | Q(waiting_since__isnull=True)
        )
    return ahead.count() + 1


def waiting_expire(*, office_id: int, now: dt.datetime) -> list[int]:
    """End requests that have waited longer than ``WAITING_EXPIRES_AFTER_DAYS``, with a message.

    Bookings moved by a closure never expire here: they held a confirmed place that
    the office took away, so they keep their priority until a place is found.
    """
    cutoff = now - dt.timedelta(days=settings.WAITING_EXPIRES_AFTER_DAYS)
    ids = list(
        Booking.objects.filter(
            office_id=office_id,
            status=BookingStatus.WAITING,
            rollover_rank__isnull=True,
            waiting_since__lte=cutoff,
        ).values_list("id", flat=True)
    )
    expired: list[int] = []
    for booking_id in ids:
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update(of=("self",))
                .filter(id=booking_id, status=BookingStatus.WAITING, waiting_since__lte=cutoff)
                .first()
            )
            if booking is None:
                continue
            booking_transition(
                booking=booking,
                to_status=BookingStatus.EXPIRED,
                reason="waiting_expired",
                now=now,
                detail={"days": settings.WAITING_EXPIRES_AFTER_DAYS},
            )
            notify(booking=booking, kind=Notification.Kind.EXPIRED, dedupe_key=f"expired:{booking.id}")
            expired.append(booking.id)
    return expired
