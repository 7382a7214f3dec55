"""Why a booking cannot be moved: one machine code for clients, a message that says which reason."""

import datetime as dt

import pytest
from django.utils import translation

from applicants.exceptions import RescheduleLimitReached, RescheduleNotAllowed
from applicants.models import Booking, BookingStatus
from applicants.services.changes import booking_reschedule_check
from tests.applicants.conftest import payload
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"


@pytest.fixture
def booked(api, slot):
    response = api.post(URL, payload(slot), format="json")
    assert response.status_code == 201
    return response.json()


def _move(api, booked, slot):
    return api.post(
        f"{URL}{booked['code']}/reschedule/",
        {"date": slot.date.isoformat(), "session": slot.id},
        format="json",
        HTTP_X_BOOKING_TOKEN=booked["token"],
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_second_move_says_the_free_reschedule_is_used(api, booked, later_slot, office):
    assert _move(api, booked, later_slot).status_code == 200

    response = _move(api, booked, SlotFactory(office=office, date=dt.date(2026, 12, 8)))

    assert response.status_code == 409
    assert response.json()["code"] == "reschedule_not_allowed"
    assert response.json()["detail"] == "You have already used your free reschedule."


def test_a_cancelled_booking_says_its_status(api, booked, later_slot):
    Booking.objects.update(status=BookingStatus.CANCELLED)

    response = _move(api, booked, later_slot)

    assert response.status_code == 409
    assert response.json()["code"] == "reschedule_not_allowed"
    assert "“Cancelled”" in response.json()["detail"]
    assert "time(s)" not in response.json()["detail"]


@pytest.mark.parametrize(("limit", "expected"), [(1, "your free reschedule."), (3, "your 3 free reschedules.")])
def test_the_limit_message_is_pluralised(booked, settings, limit, expected):
    settings.BOOKING_FREE_RESCHEDULES = limit
    booking = Booking.objects.get()
    booking.reschedule_count = limit

    with pytest.raises(RescheduleLimitReached) as caught, translation.override("en"):
        booking_reschedule_check(booking=booking)

    assert isinstance(caught.value, RescheduleNotAllowed)
    assert caught.value.code == "reschedule_not_allowed"
    with translation.override("en"):
        assert caught.value.detail.endswith(expected)


def test_staff_are_not_held_to_the_free_limit(booked):
    booking = Booking.objects.get()
    booking.reschedule_count = 5

    booking_reschedule_check(booking=booking, staff=True)
