"""One demo office-day at the desk, played through the product's services (``make run``).

``demo_day_play`` plays a day that has its bookings already (``applicants.services.demo``
makes them) from the moment check-in opens up to ``until``: most booked people come, around
their session's start (the quarter hour before it is the busiest), a few people of the
priority groups walk in (the elderly, and parents with an infant), and the counters call and
serve in turn, a few minutes each; now and then someone does not come up when called and
goes to the back of the line (a second miss ends their visit). Counters open as the first
session starts, so the early arrivals wait longest and each session's rush makes the waits
grow and shrink through the day. Once the day is over at ``until``, its end runs as the
beat's end-of-day sweep would have a quarter of an hour after closing: whoever booked and
never came becomes a no-show.

Every step is a service call dated at its simulated moment (``checkin_confirm``,
``walkin_register``, ``queue_call_next``, ``queue_served``, ``queue_missed``,
``day_end``), so waits, queue numbers, queue events and status logs are what the
product would have recorded, and no capacity can be exceeded. The choices come from a
generator seeded with the office and the date, so a day plays the same every time.

A day played up to one moment can be played again up to a later one (``make run`` in
the morning, then again in the afternoon). The play starts over from the same seed and,
up to the earlier play's last desk step, reads what happened from the queue's log
(``_Journal``) instead of doing it again; from there on it calls the services. So two
plays end where one play up to the later moment ends. Only the demo's own steps are
read back (those without an actor). A booking that staff changed by hand in between is
no longer where the play left it, and the services refuse to move it: the play leaves
it alone and goes on with the others.
"""

import datetime as dt
import heapq
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from applicants.demo_people import Person
from applicants.exceptions import BookingError
from applicants.exceptions_staff import CounterBusy, StaffError
from applicants.models import (
    Booking,
    BookingStatus,
    BookingTransition,
    Channel,
    PriorityGroup,
    QueueEvent,
    ServiceCounter,
)
from applicants.proof import checkin_opens, checkin_window
from applicants.services.checkin import checkin_confirm
from applicants.services.dayend import day_end, day_end_due, day_has_ended
from applicants.services.queue import (
    MISSES_BEFORE_NO_SHOW,
    counter_open,
    queue_call_next,
    queue_missed,
    queue_served,
)
from applicants.services.walkin import ELDERLY_FROM_AGE, age_on, walkin_register
from offices.models import Office, Slot
from offices.timeutils import office_datetime, office_today

# Share of the booked people who come.
SHOW_UP = 0.9
# One priority walk-in for this many arrivals.
ARRIVALS_PER_WALK_IN = 15
# Minutes at a counter, drawn evenly from this range; a call nobody answers takes less.
SERVICE_MINUTES = (4.0, 9.0)
MISSED_CALL_MINUTES = 2.0
MISS_CHANCE = 0.03
MISS_AGAIN_CHANCE = 0.3
# Arrivals from check-in's opening: most within this many minutes of their session's start.
ARRIVAL_SPREAD_AFTER_START = 75
# The beat's end-of-day sweep runs every quarter of an hour (settings.CELERY_BEAT_SCHEDULE).
DAY_END_SWEEP_DELAY = dt.timedelta(minutes=15)
MAX_COUNTERS = 8

_ARRIVE, _COUNTER = 0, 1


@dataclass
class DayPlayed:
    """What this play did at one office on one day (an earlier play's steps not counted)."""

    arrivals: int = 0
    walk_ins: int = 0
    served: int = 0
    missed: int = 0
    no_show: int = 0
    counters: int = 0
    # The earlier play's last desk step, when this play carried the day on from it.
    carried_on_from: dt.datetime | None = None


@dataclass
class _Journal:
    """The demo's own desk steps on a day so far, read back from the queue's log."""

    # The last of them: every step of the play up to here was done by an earlier play.
    until: dt.datetime | None = None
    checked_in: dict[int, dt.datetime] = field(default_factory=dict)  # booked person -> when
    walk_ins: set[dt.datetime] = field(default_factory=set)  # when a walk-in joined the queue
    calls: dict[tuple[int, dt.datetime], int] = field(default_factory=dict)  # (counter, when) -> booking

    def done(self, at: dt.datetime) -> bool:
        return self.until is not None and at <= self.until

    def joined(self, payload: object, at: dt.datetime) -> bool:
        if isinstance(payload, Booking):
            return self.checked_in.get(payload.id) == at
        return at in self.walk_ins


def _journal(*, office: Office, date: dt.date) -> _Journal:
    journal = _Journal()
    steps = (
        QueueEvent.objects.filter(office=office, date=date, actor__isnull=True)
        .order_by()
        .values_list("action", "at", "booking_id", "booking__channel", "counter_id")
    )
    for action, at, booking_id, channel, counter_id in steps:
        journal.until = at if journal.until is None else max(journal.until, at)
        if action == QueueEvent.Action.CHECKED_IN:
            if channel == Channel.WALK_IN:
                journal.walk_ins.add(at)
            else:
                journal.checked_in[booking_id] = at
        elif action == QueueEvent.Action.CALLED:
            journal.calls[(counter_id, at)] = booking_id
    return journal


def _expected(*, office: Office, date: dt.date, opens: dt.datetime) -> list[Booking]:
    """The people booked for the day as it began: confirmed then, whatever became of them
    since (a check-in, a no-show, a cancellation by hand), so that every play of the day
    draws its arrivals for the same people in the same order."""
    left_since = BookingTransition.objects.filter(
        booking=OuterRef("pk"), from_status=BookingStatus.CONFIRMED, at__gte=opens
    ).exclude(to_status=BookingStatus.CONFIRMED)
    return list(
        Booking.objects.filter(office=office, date=date)
        .exclude(channel=Channel.WALK_IN)
        .filter(Q(status=BookingStatus.CONFIRMED) | Exists(left_since))
        .select_related("office", "slot", "applicant")
        .order_by("slot__start", "id")
    )


def _counter_count(*, arrivals: int, sessions: int, session_minutes: float) -> int:
    # Enough counters to serve a session's arrivals within its length, a little short of
    # it at the rush: the queue grows at each session's start and drains after.
    per_session = arrivals / max(sessions, 1)
    mean_service = sum(SERVICE_MINUTES) / 2
    return min(MAX_COUNTERS, max(2, math.ceil(per_session * mean_service / session_minutes)))


def _arrival_time(booking: Booking, rng: random.Random) -> dt.datetime | None:
    window = checkin_window(booking)
    if window is None:
        return None
    office = booking.office
    start = office_datetime(office, booking.slot.date, booking.slot.start)
    last = min(start + dt.timedelta(minutes=ARRIVAL_SPREAD_AFTER_START), window.closes - dt.timedelta(minutes=1))
    span = max((last - window.opens).total_seconds() / 60, 0)
    # Peaks a quarter of an hour before the session starts.
    peak = max(min((start - window.opens).total_seconds() / 60 - 15, span), 0)
    return window.opens + dt.timedelta(minutes=rng.triangular(0, span, peak))


def demo_day_play(*, office: Office, date: dt.date, until: dt.datetime, walk_in: Callable[[int], Person]) -> DayPlayed:
    """Play ``office``'s day ``date`` up to ``until``, carrying on from an earlier play's
    last step if there was one (see the module); ``walk_in(n)`` is the ``n``-th walk-in
    of the day. Call inside a transaction: the day commits at once."""
    rng = random.Random(f"{office.code}:{date.isoformat()}")
    played = DayPlayed()
    slots = list(Slot.objects.filter(office=office, date=date, closed=False).order_by("start"))
    if not slots:
        return played
    first_start = office_datetime(office, date, slots[0].start)
    last_end = office_datetime(office, date, max(slot.end for slot in slots))
    opens = checkin_opens(office, date, slots[0].start)
    journal = _journal(office=office, date=date)
    played.carried_on_from = journal.until
    expected = _expected(office=office, date=date, opens=opens)
    events: list[tuple[dt.datetime, int, int, object]] = []
    for booking in expected:
        if rng.random() < SHOW_UP:
            at = _arrival_time(booking, rng)
            if at is not None:
                events.append((at, _ARRIVE, booking.id, booking))
    walk_in_span = max((last_end - opens).total_seconds() / 60 - 45, 1)
    for n in range(len(events) // ARRIVALS_PER_WALK_IN):
        at = opens + dt.timedelta(minutes=rng.uniform(0, walk_in_span))
        events.append((at, _ARRIVE, -1 - n, n))
    sessions = len({slot.start for slot in slots})
    session_minutes = (last_end - first_start).total_seconds() / 60 / sessions
    counters = [
        counter_open(office=office, name=f"Loket {n + 1}", now=opens).counter
        for n in range(_counter_count(arrivals=len(events), sessions=sessions, session_minutes=session_minutes))
    ]
    played.counters = len(counters)
    events += [(first_start + dt.timedelta(minutes=n), _COUNTER, n, None) for n in range(len(counters))]
    heapq.heapify(events)

    # Whom the earlier play called, to be served (or missed) by this one if still at a counter.
    called_before = Booking.objects.in_bulk(set(journal.calls.values())) if journal.calls else {}

    waiting = 0
    # Counter -> the person at it, whether they will miss the call, their misses before it.
    at_counter: dict[int, tuple[Booking, bool, int]] = {}
    misses: dict[int, int] = {}
    idle: set[int] = set()
    while events:
        at, kind, key, payload = heapq.heappop(events)
        if at > until:
            break
        done = journal.done(at)
        if kind == _ARRIVE:
            if (
                journal.joined(payload, at)
                if done
                else _arrive(office=office, payload=payload, at=at, walk_in=walk_in, played=played)
            ):
                waiting += 1
                if idle:
                    # A free counter calls the newcomer as they sit down.
                    counter = min(idle)
                    idle.discard(counter)
                    heapq.heappush(events, (at + dt.timedelta(minutes=1), _COUNTER, counter, None))
            continue
        finishing = at_counter.pop(key, None)
        if finishing is not None:
            booking, missed, missed_before = finishing
            if missed:
                misses[booking.id] = missed_before + 1
            if done:
                if missed and missed_before + 1 < MISSES_BEFORE_NO_SHOW:
                    waiting += 1
            elif _finish(booking=booking, missed=missed, at=at, played=played):
                waiting += 1
        if not waiting:
            called = None
        elif done:
            called = called_before.get(journal.calls.get((counters[key].id, at)))
        else:
            called = _call_next(office=office, counter=counters[key], at=at)
        if called is None:
            idle.add(key)
            continue
        waiting -= 1
        # The earlier play's count, not the row's: the row has the misses after it too.
        missed_before = misses.get(called.id, 0) if done else called.missed_count
        chance = MISS_CHANCE if missed_before == 0 else MISS_AGAIN_CHANCE
        missed = rng.random() < chance
        at_counter[key] = (called, missed, missed_before)
        minutes = MISSED_CALL_MINUTES if missed else rng.uniform(*SERVICE_MINUTES)
        heapq.heappush(events, (at + dt.timedelta(minutes=minutes), _COUNTER, key, None))

    closing = office_datetime(office, date, office.closing_time)
    if day_has_ended(office=office, date=date, now=until):
        played.no_show += _day_end_sweep(office=office, now=min(until, closing + DAY_END_SWEEP_DELAY))
    return played


def _arrive(
    *, office: Office, payload: object, at: dt.datetime, walk_in: Callable[[int], Person], played: DayPlayed
) -> bool:
    """Check a booked person in, or register the ``payload``-th walk-in; whether they joined the queue.
    A booking no longer confirmed (cancelled or checked in by hand) is left alone."""
    if isinstance(payload, Booking):
        try:
            checked_in = checkin_confirm(office=office, booking=payload, now=at)
        except StaffError:
            return False
        if not checked_in.created:
            return False
        played.arrivals += 1
        return True
    person = walk_in(payload)
    try:
        walkin_register(
            office=office,
            nik=person.nik,
            full_name=person.full_name,
            birth_date=person.birth_date,
            now=at,
            # Walk-ins are for priority groups while online booking works: the elderly by
            # their age, anyone younger as a parent with an infant in their arms.
            priority_group=PriorityGroup.ELDERLY
            if age_on(person.birth_date, office_today(office, at)) >= ELDERLY_FROM_AGE
            else PriorityGroup.INFANT,
        )
    except (BookingError, StaffError):
        return False  # The priority sessions are full, or the person is booked elsewhere.
    played.arrivals += 1
    played.walk_ins += 1
    return True


def _finish(*, booking: Booking, missed: bool, at: dt.datetime, played: DayPlayed) -> bool:
    """Serve the person at a counter, or mark the call they missed; whether they are back
    in the queue. One that staff served or marked by hand meanwhile is left alone."""
    try:
        if missed:
            result = queue_missed(booking=booking, now=at)
        else:
            queue_served(booking=booking, now=at)
    except (BookingError, StaffError):
        return False
    if not missed:
        played.served += 1
        return False
    played.missed += 1
    return result.status == BookingStatus.CHECKED_IN


def _call_next(*, office: Office, counter: ServiceCounter, at: dt.datetime) -> Booking | None:
    """The next person called to ``counter``; None when nobody waits, or when staff called
    someone to it by hand who is still there."""
    try:
        return queue_call_next(office=office, counter=counter, now=at)
    except CounterBusy:
        return None


def _day_end_sweep(*, office: Office, now: dt.datetime) -> int:
    """The beat's end-of-day sweep at ``now`` for ``office``'s ended days: their no-shows."""
    no_show = 0
    for office_id, date in day_end_due(now=now):
        if office_id == office.id:
            no_show += len(day_end(office_id=office_id, date=date, now=now).no_show)
    return no_show
