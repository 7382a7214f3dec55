"""Renewing the same secret at the same moment, for real: threads on PostgreSQL connections.

Every thread opens the booking with the same (old) token, then all of them wait until
each has read it before any writes: the worst case, forced rather than hoped for. The
control removes the guard (the write conditional on the old token) to show the race is
real: then every thread is told a new token, and all but one of those are dead.
"""

import threading
from collections import Counter

import pytest

from applicants.models import Booking, BookingTransition, Notification
from applicants.selectors import booking_token
from applicants.services import tokens
from tests.applicants.conftest import payload
from tests.applicants.test_concurrency import flood, outcome

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

THREADS = 8


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATELIMIT_ENABLE = False


@pytest.fixture
def booked(api, slot):
    response = api.post("/api/v1/bookings/", payload(slot), format="json")
    assert response.status_code == 201
    return response.json()


@pytest.fixture
def all_read_first(monkeypatch):
    """Hold each renewal after it has read the booking until all of them have."""
    everyone = threading.Barrier(THREADS)
    check = tokens.booking_token_renew_check

    def check_then_wait(*, booking):
        check(booking=booking)
        everyone.wait(timeout=30)

    monkeypatch.setattr(tokens, "booking_token_renew_check", check_then_wait)


def renewals(booked) -> list:
    def renew(client):
        return client.post(f"/api/v1/bookings/{booked['code']}/token/", HTTP_X_BOOKING_TOKEN=booked["token"])

    return [renew] * THREADS


def test_of_renewals_at_once_exactly_one_gets_the_token_that_works(api, booked, all_read_first):
    results = flood(renewals(booked))

    assert Counter(map(outcome, results)) == {"200": 1, "booking_not_found": THREADS - 1}
    [winner] = [r.json()["token"] for r in results if r.status_code == 200]
    booking = Booking.objects.get(code=booked["code"])
    assert booking_token(booking) == winner
    assert api.get(f"/api/v1/bookings/{booked['code']}/", HTTP_X_BOOKING_TOKEN=winner).status_code == 200
    assert BookingTransition.objects.filter(booking=booking, reason="token_renewed").count() == 1
    assert Notification.objects.filter(booking=booking, kind=Notification.Kind.TOKEN_RENEWED).count() == 2


def test_control_without_the_guard_every_renewal_is_told_a_token_and_most_are_dead(
    api, booked, all_read_first, monkeypatch
):
    def unguarded(*, booking, proven, fields):
        return Booking.objects.filter(id=booking.id).update(**fields) == 1

    monkeypatch.setattr(tokens, "_token_swap", unguarded)

    results = flood(renewals(booked))

    assert Counter(map(outcome, results)) == {"200": THREADS}
    told = [r.json()["token"] for r in results]
    working = [
        t for t in told if api.get(f"/api/v1/bookings/{booked['code']}/", HTTP_X_BOOKING_TOKEN=t).status_code == 200
    ]
    assert len(set(told)) == THREADS and len(working) == 1
