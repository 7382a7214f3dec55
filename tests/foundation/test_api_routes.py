"""The API's addresses (DESIGN section 5): each name reverses to its path and back."""

import pytest
from django.urls import resolve, reverse


@pytest.mark.parametrize(
    ("name", "kwargs", "path"),
    [
        ("api:office-list", {}, "/api/v1/offices/"),
        ("api:office-nearest", {}, "/api/v1/offices/nearest/"),
        ("api:office-detail", {"code": "surabaya"}, "/api/v1/offices/surabaya/"),
        ("api:office-availability", {"code": "surabaya"}, "/api/v1/offices/surabaya/availability/"),
        ("api:office-queue", {"code": "surabaya"}, "/api/v1/offices/surabaya/queue/"),
        ("api:booking-create", {}, "/api/v1/bookings/"),
        ("api:booking-lookup", {}, "/api/v1/bookings/lookup/"),
        ("api:booking-detail", {"code": "K7M2QX9A"}, "/api/v1/bookings/K7M2QX9A/"),
        ("api:booking-cancel", {"code": "K7M2QX9A"}, "/api/v1/bookings/K7M2QX9A/cancel/"),
        ("api:booking-reschedule", {"code": "K7M2QX9A"}, "/api/v1/bookings/K7M2QX9A/reschedule/"),
        ("api:booking-token", {"code": "K7M2QX9A"}, "/api/v1/bookings/K7M2QX9A/token/"),
        ("api:booking-position", {"code": "K7M2QX9A"}, "/api/v1/bookings/K7M2QX9A/position/"),
        ("api:staff-checkin", {}, "/api/v1/staff/checkins/"),
    ],
)
def test_every_api_address_is_where_the_contract_says(name, kwargs, path):
    assert reverse(name, kwargs=kwargs) == path
    assert resolve(path).view_name == name
