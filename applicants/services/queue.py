"""The on-site queue: numbers, and what the counters do with them.

Queue numbers run per office, day and track. Calling is a claim: the next booking is
locked with ``SKIP LOCKED`` and moved with ``booking_transition`` (a conditional
update), so two counters pressing "call next" at the same moment get two different
people, never the same one.

Call order (the office's policy): the priority track first; then people who have not
missed a call ahead of those who have (a first miss sends a person to the back of the
queue); then by the start of the session they queue with; then by the time they took
their place in the queue.

The session a person queues with is fixed at check-in (``queue_session_start``, see
``queue_session_for``). Someone who checks in within their session's window queues
with their own session, so people of an earlier session still go before a later
session's early arrivals. Someone let in after the window closed (a supervisor's
``allow_late``) queues with the session running when they came, or the next one if
they came between sessions (the last one after the day's sessions): they go behind
the people who came on time for that session and are already waiting, not ahead of
everyone of the later sessions. Bookings queued before that field existed fall back
on their own session's start.

Every screen that shows a place in the line (``queue_selectors.queue_position``, the
counter's "next" list) reads ``queue_waiting``, so what people are told is the order
in which they are called. A counter kept for one track (``ServiceCounter.track``) calls
from that track's part of the same order (``counter_waiting``): within a track people are
still called in this order, and such a desk only takes people out of the line ahead. The
people of such a track are told their place in their own track's line and its pace
(``queue_position``, the public queue's newcomer estimate).
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce

from applicants.exceptions_staff import (
    BookingNotCalled,
    CounterBusy,
    CounterNotFound,
    InvalidCounterName,
    InvalidCounterTrack,
)
from applicants.identity import visible_text
from applicants.models import Booking, BookingStatus, QueueCounter, QueueEvent, ServiceCounter
from applicants.proof import checkin_window
from applicants.services.transitions import booking_transition
from offices.models import QUEUE_PREFIX, Office, Slot, Track
from offices.timeutils import office_now, office_today

# A second miss ends the visit: the person is marked as not having come.
MISSES_BEFORE_NO_SHOW = 2


def queue_number_format(*, track: str, seq: int) -> str:
    return f"{QUEUE_PREFIX[Track(track)]}-{seq:03d}"


def queue_number_next(*, office: Office, date: dt.date, track: str) -> tuple[int, str]:
    """Take the next queue number for ``office``, ``date``, ``track``.

    Call inside ``transaction.atomic()`` together with the write that uses the number.
    The conditional UPDATE takes the counter row's lock and holds it until that
    transaction ends, so concurrent callers are serialized on this one row: numbers are
    distinct and, because a rolled-back caller rolls back its increment too, consecutive.
    """
    filters = {"office": office, "date": date, "track": track}
    if not QueueCounter.objects.filter(**filters).update(last_number=F("last_number") + 1):
        # First number of the day on this track. ON CONFLICT DO NOTHING: a concurrent
        # first caller may insert the row between our UPDATE and this INSERT.
        QueueCounter.objects.bulk_create([QueueCounter(**filters)], ignore_conflicts=True)
        QueueCounter.objects.filter(**filters).update(last_number=F("last_number") + 1)
    # Our own UPDATE holds the row lock, so this read sees our number and nobody else's.
    seq = QueueCounter.objects.filter(**filters).values_list("last_number", flat=True).get()
    return seq, queue_number_format(track=track, seq=seq)


def queue_event_log(
    *, booking: Booking, action: str, now: dt.datetime, actor=None, counter: ServiceCounter | None = None
) -> QueueEvent:
    return QueueEvent.objects.create(
        office_id=booking.office_id,
        date=booking.date,
        booking=booking,
        counter=counter,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=now,
    )


def queue_session_for(*, booking: Booking, now: dt.datetime) -> dt.time | None:
    """The start of the session whose line ``booking``, checking in at ``now``, joins.

    Within the check-in window: its own session. After the window closed (only a
    supervisor lets someone in then): the office's session running at ``now`` on its
    wall clock, else the next one that day, else the day's last one; never a session
    earlier than its own. Sessions are the day's open capacity rows of any track (the
    regular and express lines are called by one clock).
    """
    slot = booking.slot
    if slot is None:
        return None
    window = checkin_window(booking)
    if now <= window.closes:
        return slot.start
    clock = office_now(booking.office, now).time()
    sessions = set(
        Slot.objects.filter(office_id=booking.office_id, date=slot.date, closed=False).values_list("start", "end")
    )
    running = [start for start, end in sessions if start <= clock < end]
    upcoming = [start for start, _end in sessions if start > clock]
    if running:
        chosen = max(running)
    elif upcoming:
        chosen = min(upcoming)
    else:
        chosen = max((start for start, _end in sessions), default=slot.start)
    return max(chosen, slot.start)


def queue_ordered(queryset: QuerySet[Booking]) -> QuerySet[Booking]:
    """Order waiting bookings by the call policy (see the module docstring)."""
    return queryset.annotate(
        track_rank=Case(When(track=Track.PRIORITY, then=Value(0)), default=Value(1), output_field=IntegerField()),
        miss_rank=Case(When(missed_count__gt=0, then=Value(1)), default=Value(0), output_field=IntegerField()),
        session_rank=Coalesce("queue_session_start", "slot__start"),
    ).order_by("track_rank", "miss_rank", "session_rank", "queued_at", "queue_seq", "id")


def queue_waiting(*, office: Office, date: dt.date) -> QuerySet[Booking]:
    """Checked-in bookings waiting to be called, in call order."""
    return queue_ordered(Booking.objects.filter(office=office, date=date, status=BookingStatus.CHECKED_IN))


def counter_order(name: str) -> list:
    """Sort key for counters as people number them: "Loket 2" before "Loket 10"."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", name)]


def counters_in_order(counters) -> list[ServiceCounter]:
    return sorted(counters, key=lambda counter: counter_order(counter.name))


def counter_name_clean(raw: str) -> str:
    """A counter's name as the TV board will show it (``visible_text``, at most 40
    characters); one of invisible characters only would be a blank tile
    (``InvalidCounterName``)."""
    name = visible_text(raw)[:40]
    if not name:
        raise InvalidCounterName(fields={"name": [str(InvalidCounterName.message)]})
    return name


@dataclass(frozen=True)
class CounterOpening:
    """What opening a counter did: ``joined`` when it was open already (another officer
    works there, or this one opened it before), and the track it called before this
    opening changed it (``None``: unchanged)."""

    counter: ServiceCounter
    joined: bool
    track_before: str | None = None


def counter_open(
    *, office: Office, name: str, now: dt.datetime, track: str | None = None, actor=None
) -> CounterOpening:
    """Open the counter called ``name`` at ``office``: created, reactivated, or joined
    when it is open already (its opener and time are kept, the track may change).

    ``track``: the only track it calls ("" for every track); ``None`` keeps what the
    counter already calls (every track for a new one).
    """
    with transaction.atomic():
        counter, created = ServiceCounter.objects.select_for_update().get_or_create(
            office=office,
            name=counter_name_clean(name),
            defaults={"track": track or "", "opened_at": now, "opened_by": actor},
        )
        if created:
            return CounterOpening(counter=counter, joined=False)
        joined = counter.is_active
        changed = []
        if not joined:
            counter.is_active, counter.opened_at, counter.opened_by = True, now, actor
            changed += ["is_active", "opened_at", "opened_by"]
        track_before = None
        if track is not None and track != counter.track:
            track_before, counter.track = counter.track, track
            changed.append("track")
        if changed:
            counter.save(update_fields=changed)
    return CounterOpening(counter=counter, joined=joined, track_before=track_before if joined else None)


def counter_close(*, counter: ServiceCounter, now: dt.datetime) -> ServiceCounter:
    """Close ``counter`` (end of the day, a break, a name typed wrong): it leaves the
    counters staff choose from and the display board. ``counter_open`` by its name opens
    it again. Refused while someone is called there (``CounterBusy``): they must be marked
    served or missed first, so nobody is left at a desk nobody staffs."""
    today = office_today(counter.office, now)
    with transaction.atomic():
        # The lock ``queue_call_next`` takes: no call slips in between the check and the close.
        ServiceCounter.objects.select_for_update().filter(id=counter.id).first()
        busy = (
            Booking.objects.filter(counter=counter, date=today, status=BookingStatus.CALLED)
            .values_list("queue_number", flat=True)
            .first()
        )
        if busy is not None:
            raise CounterBusy(number=busy)
        ServiceCounter.objects.filter(id=counter.id).update(is_active=False)
    counter.is_active = False
    return counter


def counter_set_track(*, counter: ServiceCounter, track: str) -> ServiceCounter:
    """Let ``counter`` call only ``track``'s numbers ("" for every track). A person already
    called there stays until marked served or missed."""
    if track not in ("", *Track.values):
        raise InvalidCounterTrack()
    if counter.track != track:
        counter.track = track
        counter.save(update_fields=["track"])
    return counter


def counter_waiting(*, office: Office, counter: ServiceCounter, date: dt.date) -> QuerySet[Booking]:
    """Who ``counter`` (of ``office``) may call on ``date``, in call order: its track's, or everyone."""
    waiting = queue_waiting(office=office, date=date)
    return waiting.filter(track=counter.track) if counter.track else waiting


def counter_get(*, office: Office, counter_id: int | str) -> ServiceCounter:
    try:
        return ServiceCounter.objects.get(office=office, id=int(counter_id), is_active=True)
    except (ServiceCounter.DoesNotExist, ValueError, TypeError):
        raise CounterNotFound() from None


def counter_current(*, counter: ServiceCounter, date: dt.date) -> Booking | None:
    """The booking being called at ``counter`` on ``date``, if any."""
    return (
        Booking.objects.filter(counter=counter, date=date, status=BookingStatus.CALLED)
        .select_related("applicant", "slot")
        .order_by("-called_at")
        .first()
    )


def queue_call_next(*, office: Office, counter: ServiceCounter, now: dt.datetime, actor=None) -> Booking | None:
    """Call the next person in line to ``counter``; ``None`` when nobody is waiting.

    Refuses while the counter still has someone (``CounterBusy``): that person must be
    marked served or missed first, so nobody is lost between two calls.
    """
    if counter.office_id != office.id:
        raise CounterNotFound()
    today = office_today(office, now)
    with transaction.atomic():
        # One call at a time per counter: a double-clicked "call next" must not pass
        # the busy check twice and call two people to one desk.
        ServiceCounter.objects.select_for_update().filter(id=counter.id).first()
        # Only the number, for the refusal: the person and their session are not needed.
        busy = (
            Booking.objects.filter(counter=counter, date=today, status=BookingStatus.CALLED)
            .order_by("-called_at")
            .values_list("queue_number", flat=True)
            .first()
        )
        if busy is not None:
            raise CounterBusy(number=busy)
        # Two counters calling at once: each locks a different row and skips the
        # other's. ``of=self`` keeps the join to the slot (for the order) unlocked.
        candidate = (
            counter_waiting(office=office, counter=counter, date=today)
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        if candidate is None:
            return None
        booking = booking_transition(
            booking=candidate,
            to_status=BookingStatus.CALLED,
            reason="called",
            now=now,
            actor=actor,
            detail={"counter": counter.name},
            counter=counter,
            called_at=now,
        )
        queue_event_log(booking=booking, action=QueueEvent.Action.CALLED, now=now, actor=actor, counter=counter)
    return booking


def _called_booking(*, booking: Booking, counter: ServiceCounter | None = None) -> Booking:
    """``booking`` locked, while it is called (at ``counter``, when given); otherwise
    ``BookingNotCalled``. A counter screen passes its counter: shown a while ago, it may
    name someone who has since been missed there and called at another desk."""
    locked = Booking.objects.select_for_update(of=("self",)).select_related("counter").get(id=booking.id)
    if locked.status != BookingStatus.CALLED or (counter is not None and locked.counter_id != counter.id):
        raise BookingNotCalled()
    return locked


def queue_recall(*, booking: Booking, now: dt.datetime, actor=None, counter: ServiceCounter | None = None) -> Booking:
    """Call the person at the counter again (they did not come up yet). ``counter``: only
    while they are called there."""
    with transaction.atomic():
        locked = _called_booking(booking=booking, counter=counter)
        queue_event_log(booking=locked, action=QueueEvent.Action.RECALLED, now=now, actor=actor, counter=locked.counter)
    return locked


def queue_served(*, booking: Booking, now: dt.datetime, actor=None, counter: ServiceCounter | None = None) -> Booking:
    """The person called is served. ``counter``: only while they are called there."""
    with transaction.atomic():
        locked = _called_booking(booking=booking, counter=counter)
        counter = locked.counter
        served = booking_transition(
            booking=locked,
            to_status=BookingStatus.SERVED,
            reason="served",
            now=now,
            actor=actor,
            detail={"counter": counter.name if counter else ""},
            served_at=now,
        )
        queue_event_log(booking=served, action=QueueEvent.Action.SERVED, now=now, actor=actor, counter=counter)
    return served


def queue_missed(*, booking: Booking, now: dt.datetime, actor=None, counter: ServiceCounter | None = None) -> Booking:
    """The person did not come up. First time: back of the queue. Second time: no-show.
    ``counter``: only while they are called there."""
    with transaction.atomic():
        locked = _called_booking(booking=booking, counter=counter)
        counter = locked.counter
        misses = locked.missed_count + 1
        detail = {"counter": counter.name if counter else "", "missed_count": misses}
        if misses >= MISSES_BEFORE_NO_SHOW:
            result = booking_transition(
                booking=locked,
                to_status=BookingStatus.NO_SHOW,
                reason="missed_twice",
                now=now,
                actor=actor,
                detail=detail,
                missed_count=misses,
            )
        else:
            result = booking_transition(
                booking=locked,
                to_status=BookingStatus.CHECKED_IN,
                reason="missed",
                now=now,
                actor=actor,
                detail=detail,
                missed_count=misses,
                queued_at=now,
                counter=None,
            )
        queue_event_log(booking=result, action=QueueEvent.Action.MISSED, now=now, actor=actor, counter=counter)
    return result
