"""Moving bookings off closed sessions to the next sessions with room (DESIGN rule 6).

The rollover model: the old booking ends as ``rolled_over`` (an exit of the life
cycle, rule 8) and a new booking takes its place, with a new code (so staff scanning
the old QR learn it moved) and the same secret token (so the link the applicant
already has keeps working and leads to the new proof). ``rolled_from`` links them.

Two steps, so a worker that dies half-way leaves nothing half-done:

1. One transaction ends every affected booking and creates its successor as a
   ``waiting`` request with ``rollover_rank`` set (their original order). Either all
   of them move or none does.
2. The allocator serves those ranked requests ahead of every other waiting request,
   each to the earliest session with room after the one it lost (they may use the
   places held back for rollover), and tells each applicant once. It works in short
   transactions; a run that is killed is finished by the next, with the same result.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, Exists, IntegerField, Max, OuterRef, Value, When
from django.utils.translation import gettext_lazy as _

from applicants.dispatch import enqueue_on_commit
from applicants.models import ACTIVE_STATUSES, Booking, BookingStatus, BookingTransition, Notification
from applicants.notifications import notify
from applicants.proof import new_booking_code
from applicants.services.allocation import office_allocation_lock, waiting_allocate
from applicants.services.transitions import booking_transition
from offices.cache import availability_invalidate
from offices.models import Closure, Office, Slot
from offices.services.capacity import slot_release
from offices.timeutils import office_today

logger = logging.getLogger(__name__)

# Bookings that hold a place on the day and have not been served yet.
MOVABLE_STATUSES = tuple(s for s in ACTIVE_STATUSES if s != BookingStatus.WAITING)


@dataclass
class RolloverResult:
    office_id: int
    date: dt.date | None  # None for a move over several dates
    moved: list[int] = field(default_factory=list)  # new booking ids, in order
    confirmed: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)


def _unused_code() -> str:
    # A clash is about one in 10^11; a clash would undo the whole move, so look first.
    while True:
        code = new_booking_code()
        if not Booking.objects.filter(code=code).exists():
            return code


def _booking_move(*, old: Booking, rank: int, reason: str, now: dt.datetime, actor=None) -> Booking:
    """End ``old`` as rolled over and create its waiting successor. Inside the caller's transaction."""
    slot_id = old.slot_id
    old_status = old.status
    # The old booking must stop being active before the new one is inserted: the
    # partial unique index allows one active booking per person.
    booking_transition(
        booking=old,
        to_status=BookingStatus.ROLLED_OVER,
        reason=reason,
        now=now,
        actor=actor,
        detail={"slot": slot_id, "date": old.date.isoformat() if old.date else None},
    )
    if slot_id is not None:
        slot_release(slot_id=slot_id)
    new = Booking.objects.create(
        code=_unused_code(),
        token_hash=old.token_hash,
        token_encrypted=old.token_encrypted,
        applicant_id=old.applicant_id,
        nik_hash=old.nik_hash,
        person_slot=old.person_slot,
        office_id=old.office_id,
        requested_date=old.date or old.requested_date,
        requested_slot_id=slot_id,
        track=old.track,
        service=old.service,
        channel=old.channel,
        priority_group=old.priority_group,
        status=BookingStatus.WAITING,
        language=old.language,
        waiting_since=now,
        rollover_rank=rank,
        rolled_from=old,
        reschedule_count=old.reschedule_count,
    )
    BookingTransition.objects.create(
        booking=new,
        from_status="",
        to_status=BookingStatus.WAITING,
        at=now,
        actor=actor,
        reason=reason,
        detail={"rolled_from": old.code, "from_status": old_status},
    )
    return new


def _roll(
    *, office: Office, date: dt.date, bookings_qs, reason: str, now: dt.datetime, actor=None, place_now: bool = True
) -> RolloverResult:
    result = _move_all(office=office, date=date, bookings_qs=bookings_qs, reason=reason, now=now, actor=actor)
    if not place_now:
        # Step 2 in a worker (the caller is a web request): see ``rollover_finish``.
        enqueue_on_commit(FINISH_TASK, office_id=office.id)
        return result
    rollover_finish(office_id=office.id, now=now)
    _sort_placed(result)
    return result


def _sort_placed(result: RolloverResult) -> None:
    """Which moved bookings the allocator placed (``confirmed``) and which still wait."""
    statuses = dict(Booking.objects.filter(id__in=result.moved).values_list("id", "status"))
    result.confirmed = [i for i in result.moved if statuses.get(i) == BookingStatus.CONFIRMED]
    result.waiting = [i for i in result.moved if statuses.get(i) == BookingStatus.WAITING]


def _move_all(
    *, office: Office, date: dt.date, bookings_qs, reason: str, now: dt.datetime, actor=None
) -> RolloverResult:
    """Step 1: end ``bookings_qs`` and create their waiting successors, all or none."""
    result = RolloverResult(office_id=office.id, date=date)
    with transaction.atomic():
        office_allocation_lock(office_id=office.id)
        # Locked in their original order; re-read under the lock, so a booking already
        # moved (a second run, a redelivered task) is simply not there any more.
        old_bookings = list(bookings_qs.select_for_update(of=("self",)))
        slot_ids = {b.slot_id for b in old_bookings if b.slot_id}
        # Ranks follow on from bookings an earlier move left waiting, so two moves
        # recorded at the same moment still keep one order.
        base = (
            Booking.objects.filter(office_id=office.id, status=BookingStatus.WAITING).aggregate(
                top=Max("rollover_rank")
            )["top"]
            or 0
        )
        for rank, old in enumerate(old_bookings, start=base + 1):
            new = _booking_move(old=old, rank=rank, reason=reason, now=now, actor=actor)
            result.moved.append(new.id)
        if slot_ids:
            availability_invalidate(office_id=office.id, date=date, slot_ids=tuple(slot_ids))
    if result.moved:
        logger.info("rollover office=%s date=%s reason=%s moved=%s", office.id, date, reason, len(result.moved))
    return result


UNPLACED_KEY = "rolled_over_waiting:{id}"
FINISH_TASK = "applicants.tasks.rollover_finish"


def rollover_finish(*, office_id: int, now: dt.datetime) -> None:
    """Place moved bookings (ahead of everyone waiting) and tell those still without a place.

    Those placed are told the new date by the allocator. Those left waiting are told
    here, once (dedupe key), that their session is off and a new date will follow;
    they hear again, once, when a place is found.
    """
    waiting_allocate(office_id=office_id, now=now)
    told = Notification.objects.filter(booking=OuterRef("pk"), dedupe_key__startswith="rolled_over_waiting:")
    unplaced = (
        Booking.objects.filter(
            office_id=office_id, status=BookingStatus.WAITING, rollover_rank__isnull=False, rolled_from__isnull=False
        )
        .exclude(Exists(told))
        .order_by("id")
    )
    for booking in unplaced.select_related("applicant"):
        with transaction.atomic():
            notify(booking=booking, kind=Notification.Kind.ROLLED_OVER, dedupe_key=UNPLACED_KEY.format(id=booking.id))


def closure_rollover(
    *, office_id: int, date: dt.date, start: dt.time | None = None, now: dt.datetime, actor=None
) -> RolloverResult:
    """Move the active bookings of the office's closed sessions on ``date``.

    ``start`` limits it to one session. Only sessions marked closed are touched, so a
    closure that was lifted before this ran moves nobody. Safe to run twice.
    """
    office = Office.objects.get(id=office_id)
    slots = Slot.objects.filter(office_id=office_id, date=date, closed=True)
    if start is not None:
        slots = slots.filter(start=start)
    bookings = Booking.objects.filter(office_id=office_id, slot__in=slots, status__in=MOVABLE_STATUSES).order_by(
        "created_at", "id"
    )
    return _roll(office=office, date=date, bookings_qs=bookings, reason="closure", now=now, actor=actor)


def excess_rollover(*, office_id: int, slot_ids, now: dt.datetime, actor=None) -> RolloverResult:
    """Move the bookings that the office's sessions ``slot_ids`` hold beyond their plan.

    A lowered quota or weekly plan leaves a session that held more bookings than the new
    plan gives at its bookings (``planned_capacity`` keeps the plan; DESIGN rule 1). Asked
    by a supervisor (``offices.services.slots_excess_move``), this moves the excess
    explicitly: of each session, the confirmed bookings made last, as many as it holds
    beyond its plan, go to the next sessions with room, ahead of everyone waiting, and
    each person is told. The session's capacity comes down with them to the plan
    (``slot_release``), so nobody is moved back into it. People already checked in are
    never moved. Decided under the sessions' row locks, so a cancellation meanwhile
    lowers the count; a second run finds nothing beyond the plan and moves nobody.
    """
    office = Office.objects.get(id=office_id)
    result = RolloverResult(office_id=office_id, date=None)
    with transaction.atomic():
        slots = list(
            Slot.objects.select_for_update()
            .filter(office_id=office_id, id__in=list(slot_ids), planned_capacity__isnull=False)
            .order_by("date", "start", "track")
        )
        chosen: dict[dt.date, list[int]] = {}
        for slot in slots:
            excess = slot.booked - slot.planned_capacity
            if excess <= 0:
                continue
            last_made = Booking.objects.filter(slot=slot, status=BookingStatus.CONFIRMED).order_by("-created_at", "-id")
            chosen.setdefault(slot.date, []).extend(last_made.values_list("id", flat=True)[:excess])
        for date, ids in sorted(chosen.items()):
            bookings = Booking.objects.filter(id__in=ids).order_by("created_at", "id")
            moved = _move_all(
                office=office, date=date, bookings_qs=bookings, reason=EXCESS_REASON, now=now, actor=actor
            )
            result.moved += moved.moved
    if result.moved:
        rollover_finish(office_id=office_id, now=now)
        _sort_placed(result)
    return result


# The status-log reason of a booking moved off a session whose plan was lowered.
EXCESS_REASON = "plan_lowered"


# The reason a "Stop service now" closure is stored with, in the language of whoever stopped.
SERVICE_STOPPED_REASON = _("Service stopped for the day")


def service_stop(*, office: Office, now: dt.datetime, actor=None, place_now: bool = False) -> RolloverResult:
    """ "Stop service now": close the rest of today and move everyone not yet served.

    People already checked in (in the order they queued) go first, then the
    confirmed bookings of today's sessions in the order they were made. Today's
    sessions are closed so no walk-in or booking lands there afterwards. The moves
    are made at once; finding the new sessions (and telling each applicant) is left
    to a worker unless ``place_now``, so the supervisor's request stays short.
    """
    today = office_today(office, now)
    reason = str(SERVICE_STOPPED_REASON)
    with transaction.atomic():
        Closure.objects.get_or_create(
            office=office,
            date=today,
            start=None,
            kind=Closure.Kind.OUTAGE,
            defaults={"reason": reason, "created_by": actor},
        )
        slot_ids = list(Slot.objects.filter(office=office, date=today, closed=False).values_list("id", flat=True))
        Slot.objects.filter(id__in=slot_ids).update(closed=True, closed_reason=reason)
        availability_invalidate(office_id=office.id, date=today, slot_ids=tuple(slot_ids))
    bookings = Booking.objects.filter(office=office, date=today, status__in=MOVABLE_STATUSES).order_by(
        Case(When(status=BookingStatus.CONFIRMED, then=Value(1)), default=Value(0), output_field=IntegerField()),
        "queued_at",
        "created_at",
        "id",
    )
    return _roll(
        office=office,
        date=today,
        bookings_qs=bookings,
        reason="service_stopped",
        now=now,
        actor=actor,
        place_now=place_now,
    )
