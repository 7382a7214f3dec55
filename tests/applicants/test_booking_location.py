"""The ``Location`` of a created booking is its API address, under any script prefix."""

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix

from applicants.api.booking_serializers import booking_location
from applicants.models import Booking


@pytest.fixture
def script_prefix():
    before = get_script_prefix()
    yield set_script_prefix
    set_script_prefix(before)


def test_it_is_the_booking_detail_address():
    booking = Booking(code="K7M2QX9A")

    assert booking_location(booking) == reverse("api:booking-detail", kwargs={"code": "K7M2QX9A"})
    assert booking_location(booking) == "/api/v1/bookings/K7M2QX9A/"


def test_each_booking_gets_its_own_code_in_it():
    assert booking_location(Booking(code="AAAA1111")) != booking_location(Booking(code="BBBB2222"))
    assert booking_location(Booking(code="BBBB2222")).endswith("/BBBB2222/")


def test_it_follows_the_script_prefix_the_app_is_mounted_under(script_prefix):
    script_prefix("/antrean/")

    assert booking_location(Booking(code="K7M2QX9A")) == "/antrean/api/v1/bookings/K7M2QX9A/"
    assert booking_location(Booking(code="K7M2QX9A")) == reverse("api:booking-detail", kwargs={"code": "K7M2QX9A"})
