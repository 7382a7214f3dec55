"""Real worker processes against PostgreSQL and a Redis broker: two workers racing on one
queue, and a worker killed with SIGKILL in the middle of a rollover.

The workers are ``celery worker`` subprocesses on the test database; rows are committed
(``transaction=True``) so they see them. Each test starts from an empty broker queue.
"""

import datetime as dt
import time

import pytest
from django.db.models import Count
from django.utils import timezone

from applicants import dispatch
from applicants.models import Booking, BookingStatus, BookingTransition, Notification
from applicants.services.rollover import closure_rollover
from applicants.tasks.allocation import allocate_waiting
from applicants.tasks.rollover import rollover_closure
from offices.models import Slot
from offices.timeutils import office_today
from tests.factories import OfficeFactory
from tests.rollover.conftest import days
from tests.rollover.helpers import SESSIONS, make_confirmed, make_slots, make_waiting
from tests.rollover.workers import Worker, broker_purge, worker_env

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def workers(tmp_path):
    started: list[Worker] = []

    def start(name: str, *, slow: bool = False, **env: str) -> Worker:
        worker = Worker(name, worker_env(tmp_path, **env), tmp_path, slow=slow)
        started.append(worker)
        return worker

    broker_purge()
    yield start
    for worker in started:
        worker.stop()
    broker_purge()


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_two_workers_place_300_waiting_requests_into_200_places_once_each_first_come_first_served(workers):
    office = OfficeFactory(code="batam", timezone="Asia/Jakarta")
    now = timezone.now()
    first = office_today(office, now) + dt.timedelta(days=1)
    dates = days(first, 4)
    make_slots(office, dates, capacity=25, sessions=SESSIONS[:2])  # 4 days x 2 sessions x 25 = 200
    queue = make_waiting(office, 300, requested_date=first, since=now - dt.timedelta(hours=1), email=False)
    one, two = workers("alloc-1"), workers("alloc-2")
    one.wait_ready()
    two.wait_ready()

    started = time.monotonic()
    runs = [allocate_waiting.apply_async(kwargs={"office_id": office.id}) for _ in range(8)]
    outcomes = [run.get(timeout=60) for run in runs]
    elapsed = time.monotonic() - started

    # Both workers worked; together they placed exactly 200, nobody twice.
    assert one.succeeded("applicants.tasks.allocate_waiting") and two.succeeded("applicants.tasks.allocate_waiting")
    assert sum(o["allocated"] for o in outcomes) == 200
    rows = Booking.objects.in_bulk([b.id for b in queue])
    statuses = [rows[b.id].status for b in queue]
    assert statuses == [BookingStatus.CONFIRMED] * 200 + [BookingStatus.WAITING] * 100
    # First come, first served: the queue fills the sessions in order, 25 to a session.
    slots = Slot.objects.in_bulk()
    placed = [(slots[rows[b.id].slot_id].date, slots[rows[b.id].slot_id].start) for b in queue[:200]]
    assert placed == [(d, start) for d in dates for start, _ in SESSIONS[:2] for _ in range(25)]
    counted = dict(
        Booking.objects.filter(office=office, status=BookingStatus.CONFIRMED)
        .values_list("slot_id")
        .annotate(n=Count("id"))
    )
    assert {s.id: s.booked for s in Slot.objects.filter(office=office)} == counted
    assert set(counted.values()) == {25}
    confirmations = BookingTransition.objects.filter(booking__office=office, to_status=BookingStatus.CONFIRMED)
    assert confirmations.count() == 200
    print(f"\n300 requests, 2 workers, 8 runs: {elapsed:.2f}s; placed per run {[o['allocated'] for o in outcomes]}")


def _closed_day_world(code: str, first: dt.date, at: dt.datetime):
    """120 confirmed bookings on ``first`` (closed), 60 places a day after it, 20 waiting requests."""
    office = OfficeFactory(code=code, timezone="Asia/Jakarta")
    make_slots(office, [first], capacity=40)
    make_slots(office, days(first + dt.timedelta(days=1), 3), capacity=20)
    old = []
    for n, slot in enumerate(Slot.objects.filter(office=office, date=first).order_by("start")):
        old += make_confirmed(slot, 40, at=at + dt.timedelta(minutes=n), phone=True, email=False)
    plain = make_waiting(
        office,
        20,
        requested_date=first + dt.timedelta(days=1),
        since=at - dt.timedelta(days=1),
        phone=True,
        email=False,
    )
    Slot.objects.filter(office=office, date=first).update(closed=True, closed_reason="Banjir")
    return office, plain


def _outcome(office, plain) -> dict:
    """Everything a rollover decides, in a form two offices can be compared by."""
    olds = Booking.objects.filter(office=office, rolled_from__isnull=True, waiting_since__isnull=True)
    by_old = {b.rolled_from_id: b for b in Booking.objects.filter(office=office, rolled_from__isnull=False)}
    moved = []
    for old in olds.order_by("created_at", "id"):
        new = by_old.get(old.id)
        moved.append(
            (
                old.status,
                new and new.status,
                new and new.slot and (new.slot.date, new.slot.start),
                new and new.rollover_rank,
                new and sorted(new.notifications.values_list("kind", "channel", "dedupe_key")),
                new and list(new.transitions.order_by("id").values_list("from_status", "to_status", "reason")),
                list(old.transitions.order_by("id").values_list("from_status", "to_status", "reason")),
            )
        )
    for entry in moved:
        key = entry[4]
        if key:  # ids differ between offices; the key's shape must not
            entry[4][:] = [(k, c, d.split(":")[0]) for k, c, d in key]
    waiting = [
        (b.status, b.slot and (b.slot.date, b.slot.start))
        for b in Booking.objects.filter(id__in=[p.id for p in plain]).order_by("waiting_since")
    ]
    slots = list(
        Slot.objects.filter(office=office).order_by("date", "start").values_list("date", "start", "booked", "closed")
    )
    return {"moved": moved, "waiting": waiting, "slots": slots}


def test_a_worker_killed_mid_rollover_leaves_the_same_state_as_one_clean_run(workers, monkeypatch):
    now = timezone.now()
    first = now.astimezone(dt.timezone(dt.timedelta(hours=7))).date() + dt.timedelta(days=1)
    at = now - dt.timedelta(days=10)
    killed_office, killed_plain = _closed_day_world("killed", first, at)
    clean_office, clean_plain = _closed_day_world("clean", first, at)

    # The reference: one clean run, here in the test process (its messages are not sent).
    with monkeypatch.context() as patch:
        patch.setattr(dispatch, "publish", lambda name, kwargs, **_options: None)
        clean = closure_rollover(office_id=clean_office.id, date=first, now=now)
    assert len(clean.moved) == 120 and len(clean.confirmed) == 120

    slow = workers("slow", slow=True, SLOW_ALLOCATE_SECONDS="0.05")
    slow.wait_ready()
    run = rollover_closure.apply_async(kwargs={"office_id": killed_office.id, "date": first.isoformat()})

    def placed() -> int:
        return Booking.objects.filter(
            office=killed_office, rolled_from__isnull=False, status=BookingStatus.CONFIRMED
        ).count()

    wait_for(lambda: placed() >= 30, timeout=40, what="the rollover to be under way")
    slow.kill()
    at_kill = placed()
    assert 30 <= at_kill < 120, at_kill
    # Every old booking had already ended and has a successor; some still wait for a place.
    assert Booking.objects.filter(office=killed_office, status=BookingStatus.ROLLED_OVER).count() == 120

    # A new worker takes the unacknowledged message back once the visibility timeout passed.
    fresh = workers("fresh", CELERY_VISIBILITY_TIMEOUT="1")
    result = run.get(timeout=60)

    assert result == {"office_id": killed_office.id, "moved": 0, "waiting": 0}
    # The worker stores the result before it writes its log line: wait for the line.
    wait_for(lambda: fresh.succeeded("applicants.tasks.rollover_closure") >= 1, timeout=10, what="the log line")
    assert fresh.succeeded("applicants.tasks.rollover_closure") == 1
    killed = _outcome(killed_office, killed_plain)
    reference = _outcome(clean_office, clean_plain)
    assert killed == reference
    assert [entry[1] for entry in killed["moved"]] == [BookingStatus.CONFIRMED] * 120
    notified = Notification.objects.filter(booking__office=killed_office, kind=Notification.Kind.ROLLED_OVER)
    assert notified.count() == 120
    print(f"\nkilled after {at_kill} of 120 placed; the redelivered run finished the rest")


def test_two_workers_send_the_coalesced_notifications_of_concurrent_bookings_once_each(workers, settings):
    """``NOTIFY_COALESCE_SECONDS``: 60 bookings from 6 threads ask for few drain tasks, and
    two real workers draining side by side send each of the 120 messages exactly once."""
    import threading

    from django.db import connection

    from applicants.services.booking import booking_request
    from tests.factories import SlotFactory, make_nik

    settings.NOTIFY_COALESCE_SECONDS = 30
    office = OfficeFactory(code="kupang", timezone="Asia/Makassar")
    slot = SlotFactory(office=office, date=office_today(office, timezone.now()) + dt.timedelta(days=3), capacity=100)
    one, two = workers("drain-1"), workers("drain-2")
    one.wait_ready()
    two.wait_ready()
    asked = []
    real_publish = dispatch.publish

    def counting_publish(name, kwargs, **options):
        asked.append(name)
        return real_publish(name, kwargs, **options)

    birth = dt.date(1991, 3, 4)

    def book(thread: int) -> None:
        try:
            for n in range(10):
                booking_request(
                    slot=slot,
                    nik=make_nik(birth, serial=thread * 100 + n + 1),
                    full_name=f"Pemohon {thread}-{n}",
                    birth_date=birth,
                    phone="081234567890",
                    email=f"p{thread}-{n}@example.org",
                    track="regular",
                    service="new",
                    if_full="reject",
                    now=timezone.now(),
                )
        finally:
            connection.close()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dispatch, "publish", counting_publish)
        threads = [threading.Thread(target=book, args=(t,)) for t in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert Booking.objects.filter(slot=slot, status=BookingStatus.CONFIRMED).count() == 60
    assert set(asked) == {"applicants.tasks.send_pending_notifications"}
    assert len(asked) < 60
    wait_for(
        lambda: not Notification.objects.exclude(state=Notification.State.SENT).exists(),
        timeout=60,
        what="every notification sent",
    )
    assert Notification.objects.count() == 120
    # Sent once each: one attempt per row, never a second.
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}
    print(f"\n60 bookings asked for {len(asked)} drain task(s)")
