"""Races at the counters, for real on PostgreSQL: threads, each with its own connection.

Each test has a control that runs the same race without the guard and shows it bites,
so a passing test means the guard works, not that the race never happened.
"""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction
from django.db.models import Count

from applicants.models import Booking, BookingStatus, QueueCounter, QueueEvent, ServiceCounter
from applicants.services.checkin import checkin_confirm
from applicants.services.queue import queue_call_next, queue_served, queue_waiting
from offices.models import Track
from tests.staff.conftest import DAY, at, make_booking, make_slots

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_threads(count: int, work):
    """Run ``work(i, barrier)`` in ``count`` threads at once; return results (or raise the first error)."""
    barrier = threading.Barrier(count, timeout=30)

    def wrapped(i):
        try:
            return work(i, barrier)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(wrapped, range(count)))


def test_fifty_concurrent_check_ins_get_fifty_distinct_consecutive_numbers(office):
    slot = make_slots(office, capacity={Track.REGULAR: 60})[(dt.time(8), Track.REGULAR)]
    bookings = [make_booking(slot) for _ in range(50)]

    def check_in(i, barrier):
        barrier.wait()
        return checkin_confirm(office=office, booking=bookings[i], now=at(8, 30)).queue_number

    numbers = _run_threads(50, check_in)

    assert sorted(numbers) == [f"A-{n:03d}" for n in range(1, 51)]
    assert QueueCounter.objects.get(office=office, date=DAY, track=Track.REGULAR).last_number == 50
    assert Booking.objects.filter(status=BookingStatus.CHECKED_IN).count() == 50


def test_control_a_counter_read_without_the_lock_hands_out_duplicates(office):
    QueueCounter.objects.create(office=office, date=DAY, track=Track.REGULAR)

    def naive_next(i, barrier):
        with transaction.atomic():
            last = QueueCounter.objects.get(office=office, date=DAY, track=Track.REGULAR).last_number
            barrier.wait()  # everyone has read before anyone writes
            QueueCounter.objects.filter(office=office, date=DAY, track=Track.REGULAR).update(last_number=last + 1)
            return last + 1

    numbers = _run_threads(5, naive_next)

    assert len(set(numbers)) < len(numbers)


def test_concurrent_call_next_never_hands_one_person_to_two_counters(office):
    slots = make_slots(office)
    bookings = [make_booking(slots[(dt.time(8), Track.REGULAR)]) for _ in range(30)]
    for minute, booking in enumerate(bookings):
        checkin_confirm(office=office, booking=booking, now=at(7, 30) + dt.timedelta(minutes=minute))
    desks = [ServiceCounter.objects.create(office=office, name=f"Loket {n}") for n in range(1, 7)]

    def counter_loop(i, barrier):
        served = []
        barrier.wait()
        while True:
            called = queue_call_next(office=office, counter=desks[i], now=at(8, 30))
            if called is None:
                return served
            queue_served(booking=called, now=at(8, 31))
            served.append(called.id)

    per_counter = _run_threads(len(desks), counter_loop)

    everyone = [booking_id for served in per_counter for booking_id in served]
    assert sorted(everyone) == sorted(b.id for b in bookings)
    calls = QueueEvent.objects.filter(action=QueueEvent.Action.CALLED).values("booking").annotate(n=Count("id"))
    assert {row["n"] for row in calls} == {1}
    assert Booking.objects.filter(status=BookingStatus.SERVED).count() == 30


def test_control_a_plain_read_picks_the_same_person_for_two_counters(office):
    slots = make_slots(office)
    for minute in range(3):
        booking = make_booking(slots[(dt.time(8), Track.REGULAR)])
        checkin_confirm(office=office, booking=booking, now=at(7, 30 + minute))

    def naive_pick(i, barrier):
        with transaction.atomic():
            candidate = queue_waiting(office=office, date=DAY).first()  # no row lock, no skip
            barrier.wait()
            return candidate.id

    picked = _run_threads(2, naive_pick)

    assert picked[0] == picked[1]


def test_a_double_clicked_call_next_calls_one_person_to_the_counter(office):
    from applicants.exceptions_staff import CounterBusy

    slots = make_slots(office)
    for minute in range(4):
        booking = make_booking(slots[(dt.time(8), Track.REGULAR)])
        checkin_confirm(office=office, booking=booking, now=at(7, 30 + minute))
    desk = ServiceCounter.objects.create(office=office, name="Loket 1")

    def click(i, barrier):
        barrier.wait()
        try:
            return queue_call_next(office=office, counter=desk, now=at(8, 30)).queue_number
        except CounterBusy:
            return "busy"

    outcomes = _run_threads(4, click)

    assert sorted(outcomes) == ["A-001", "busy", "busy", "busy"]
    assert Booking.objects.filter(status=BookingStatus.CALLED).count() == 1
