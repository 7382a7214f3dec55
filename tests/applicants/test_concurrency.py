"""Racing for places, for real: many threads, each with its own PostgreSQL connection.

Each request runs in its own thread on its own database connection (opened for that
request and closed after it). All threads are released at once by a barrier; at most
``IN_FLIGHT`` hold a connection at the same moment, so the test leaves room under
PostgreSQL's default ``max_connections`` (100) for everything else on the server.
The control test runs the same flood with the guard removed, to show the race is real.
"""

import datetime as dt
import threading
import time
from collections import Counter

import pytest
from django.db import connection
from rest_framework.test import APIClient

from applicants.models import Booking, BookingStatus, BookingTransition
from offices.models import Slot
from tests.applicants.conftest import NIK, nik_number, payload
from tests.factories import SlotFactory

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

IN_FLIGHT = 40
URL = "/api/v1/bookings/"


def flood(requests: list) -> list:
    """Run every ``request(client)`` in its own thread, released together; return the responses."""
    results: list = [None] * len(requests)
    start = threading.Barrier(len(requests))
    gate = threading.BoundedSemaphore(IN_FLIGHT)

    def run(index: int, request) -> None:
        start.wait()
        with gate:
            try:
                results[index] = request(APIClient())
            except Exception as exc:  # noqa: BLE001 - reported by the assertions below
                results[index] = exc
            finally:
                connection.close()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def outcome(response) -> str:
    if isinstance(response, Exception):
        return f"{type(response).__name__}: {response}"
    if response.status_code in (200, 201, 202):
        return str(response.status_code)
    return response.json()["code"]


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATELIMIT_ENABLE = False


@pytest.fixture
def session(office):
    return SlotFactory(office=office, date=dt.date(2026, 12, 7), capacity=50)


def booking_requests(slot, count: int, *, same_nik: bool = False) -> list:
    def request_for(n: int):
        body = payload(slot, nik=NIK if same_nik else nik_number(n))
        return lambda client: client.post(URL, body, format="json")

    return [request_for(n) for n in range(1, count + 1)]


def test_200_requests_for_50_places_give_exactly_50_bookings(session):
    results = flood(booking_requests(session, 200))

    assert Counter(map(outcome, results)) == {"201": 50, "session_full": 150}
    session.refresh_from_db()
    assert session.booked == 50
    assert Booking.objects.filter(slot=session, status=BookingStatus.CONFIRMED).count() == 50


def test_200_requests_for_50_places_on_the_general_path_give_exactly_50_bookings(session, monkeypatch):
    """The same flood through the ORM path (waiting list, SQLite, several bookings per person)."""
    monkeypatch.setattr("applicants.services.booking._one_statement_possible", lambda: False)

    results = flood(booking_requests(session, 200))

    assert Counter(map(outcome, results)) == {"201": 50, "session_full": 150}
    session.refresh_from_db()
    assert session.booked == 50
    assert Booking.objects.filter(slot=session, status=BookingStatus.CONFIRMED).count() == 50


def test_control_without_the_room_condition_only_the_database_check_is_left(session, monkeypatch):
    """The one-statement booking takes its place with ``slot_take``'s WHERE clause. Drop
    it and only the backstop, ``CHECK (booked <= capacity)``, still holds the line: no
    place too many, but everyone after the 50th gets a server error, not "full"."""

    def unguarded_sql(*, slot_id: int, using: str = "default"):
        sql = 'UPDATE "offices_slot" SET "booked" = "booked" + 1 WHERE "id" = %s RETURNING "id", false AS filled'
        return sql, [slot_id]

    monkeypatch.setattr("applicants.services.one_statement.slot_take_sql", unguarded_sql)

    outcomes = Counter(outcome(result).split(":")[0] for result in flood(booking_requests(session, 200)))

    # (Which thread saw which error is not exact: Django's test client hears every
    # thread's request-exception signal. The database is the truth.)
    assert "session_full" not in outcomes
    assert outcomes["IntegrityError"] >= 150
    session.refresh_from_db()
    assert session.booked == 50
    assert Booking.objects.filter(slot=session, status=BookingStatus.CONFIRMED).count() == 50


def test_control_without_the_guard_the_same_flood_overbooks(session, monkeypatch):
    """Replace the conditional UPDATE with "read, then write" on the general path and the race shows."""

    def unguarded_take(*, slot_id: int, count: int = 1, use_reserve: bool = False) -> bool:
        booked, capacity = Slot.objects.filter(id=slot_id).values_list("booked", "capacity").get()
        if booked + count > capacity:
            return False
        time.sleep(0.002)  # the gap a busy server has between the read and the write
        Slot.objects.filter(id=slot_id).update(booked=booked + count)
        return True

    monkeypatch.setattr("applicants.services.booking.slot_take", unguarded_take)
    monkeypatch.setattr("applicants.services.booking._one_statement_possible", lambda: False)

    results = flood(booking_requests(session, 200))

    confirmed = Booking.objects.filter(slot=session, status=BookingStatus.CONFIRMED).count()
    session.refresh_from_db()
    assert confirmed > session.capacity, Counter(map(outcome, results))
    # Lost updates: the counter no longer matches the bookings it stands for.
    assert session.booked < confirmed


def test_20_simultaneous_bookings_with_one_nik_give_exactly_one(session):
    results = flood(booking_requests(session, 20, same_nik=True))

    assert Counter(map(outcome, results)) == {"201": 1, "active_booking_exists": 19}
    session.refresh_from_db()
    assert session.booked == 1
    assert Booking.objects.count() == 1


def _book(slot, n: int) -> dict:
    response = APIClient().post(URL, payload(slot, nik=nik_number(n)), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_booking_cancelled_ten_times_at_once_frees_its_place_once(session):
    booked = _book(session, 1)
    _book(session, 2)
    cancel = f"{URL}{booked['code']}/cancel/"

    results = flood([lambda c: c.post(cancel, HTTP_X_BOOKING_TOKEN=booked["token"])] * 10)

    assert Counter(map(outcome, results)) == {"200": 10}
    session.refresh_from_db()
    assert session.booked == 1
    assert BookingTransition.objects.filter(booking__code=booked["code"], to_status="cancelled").count() == 1


def test_reschedules_racing_for_few_places_leave_everyone_with_exactly_one(office, settings):
    settings.BOOKING_FREE_RESCHEDULES = 5
    origin = SlotFactory(office=office, date=dt.date(2026, 12, 7), capacity=20)
    target = SlotFactory(office=office, date=dt.date(2026, 12, 8), capacity=10)
    other = SlotFactory(office=office, date=dt.date(2026, 12, 9), capacity=10)
    bookings = [_book(origin, n) for n in range(1, 21)]

    def move(booked: dict, to: Slot):
        url = f"{URL}{booked['code']}/reschedule/"
        body = {"date": to.date.isoformat(), "session": to.id}
        return lambda c: c.post(url, body, format="json", HTTP_X_BOOKING_TOKEN=booked["token"])

    # Every booking asks for the target twice and for the other session once, at once.
    requests = [move(b, target) for b in bookings] * 2 + [move(b, other) for b in bookings]
    results = flood(requests)

    outcomes = Counter(map(outcome, results))
    # booking_state_changed: another request moved this booking first; nothing was done.
    assert set(outcomes) <= {"200", "session_full", "booking_state_changed"}, outcomes
    for slot in (origin, target, other):
        slot.refresh_from_db()
        holders = Booking.objects.filter(slot=slot, status=BookingStatus.CONFIRMED).count()
        assert slot.booked == holders, slot
    assert target.booked == 10
    assert origin.booked + target.booked + other.booked == 20
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 20


def test_reschedules_in_opposite_directions_do_not_deadlock(office):
    one = SlotFactory(office=office, date=dt.date(2026, 12, 7), capacity=50)
    two = SlotFactory(office=office, date=dt.date(2026, 12, 8), capacity=50)
    forward = [_book(one, n) for n in range(1, 16)]
    backward = [_book(two, n) for n in range(16, 31)]

    def move(booked: dict, to: Slot):
        url = f"{URL}{booked['code']}/reschedule/"
        body = {"date": to.date.isoformat(), "session": to.id}
        return lambda c: c.post(url, body, format="json", HTTP_X_BOOKING_TOKEN=booked["token"])

    results = flood([move(b, two) for b in forward] + [move(b, one) for b in backward])

    assert Counter(map(outcome, results)) == {"200": 30}
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.booked, two.booked) == (15, 15)


def test_a_request_sent_ten_times_at_once_with_one_key_books_once(session):
    body = payload(session)
    results = flood([lambda c: c.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="double-click")] * 10)

    outcomes = Counter(map(outcome, results))
    assert set(outcomes) <= {"201", "idempotency_in_progress"}, outcomes
    assert outcomes["201"] >= 1
    assert len({r.json()["code"] for r in results if r.status_code == 201}) == 1
    assert Booking.objects.count() == 1
    session.refresh_from_db()
    assert session.booked == 1
