"""A change that meets another at the same moment: the answer is a documented 409.

A cancel or reschedule reads the booking, then writes it only if it is still as read
(``booking_transition``'s and ``booking_reschedule``'s conditional updates). When staff
check the person in, or a closure rolls the booking over, in between, the write finds
the booking changed and the answer is 409 ``booking_state_changed``: nothing was done,
and the client reloads. A client generated from the schema must know that code.
"""

import re

import pytest

from applicants.api import bookings
from applicants.models import Booking, BookingStatus
from tests.applicants.conftest import payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"


@pytest.fixture
def booked(api, slot):
    response = api.post(URL, payload(slot), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def changed_meanwhile(monkeypatch):
    """The booking becomes ``status`` between the view's read and its write."""

    def make(status: str) -> None:
        read = bookings.booking_get_for_token

        def read_then_changed(**kwargs) -> Booking:
            booking = read(**kwargs)
            Booking.objects.filter(id=booking.id).update(status=status)
            return booking

        monkeypatch.setattr(bookings, "booking_get_for_token", read_then_changed)

    return make


def documented_codes(client, path: str, status: int) -> set[str]:
    operation = client.get("/api/schema/?format=json").json()["paths"][path]["post"]
    return set(re.findall(r"`([a-z_]+)`", operation["responses"][str(status)]["description"]))


def test_a_cancel_meeting_a_check_in_is_a_documented_409(api, booked, slot, changed_meanwhile):
    changed_meanwhile(BookingStatus.CHECKED_IN)

    response = api.post(f"{URL}{booked['code']}/cancel/", HTTP_X_BOOKING_TOKEN=booked["token"])

    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "booking_state_changed"
    assert Booking.objects.get().status == BookingStatus.CHECKED_IN
    slot.refresh_from_db()
    assert slot.booked == 1
    assert "booking_state_changed" in documented_codes(api, "/api/v1/bookings/{code}/cancel/", 409)


def test_a_reschedule_meeting_a_rollover_is_a_documented_409(api, booked, slot, later_slot, changed_meanwhile):
    changed_meanwhile(BookingStatus.ROLLED_OVER)
    move = {"date": later_slot.date.isoformat(), "session": later_slot.id}

    response = api.post(f"{URL}{booked['code']}/reschedule/", move, format="json", HTTP_X_BOOKING_TOKEN=booked["token"])

    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "booking_state_changed"
    later_slot.refresh_from_db()
    assert later_slot.booked == 0
    assert "booking_state_changed" in documented_codes(api, "/api/v1/bookings/{code}/reschedule/", 409)
