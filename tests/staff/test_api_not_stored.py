"""Every staff API answer is ``Cache-Control: no-store``, refusals included.

They carry applicants' names, masked NIKs and queue numbers: nothing a shared cache or the
browser's own cache should keep once the officer has moved on.
"""

import datetime as dt

import pytest

from applicants.services.checkin import checkin_confirm
from offices.models import Track
from tests.staff.conftest import at, make_booking

pytestmark = pytest.mark.django_db

OFFICES = "/api/v1/staff/offices/"
BOOKINGS = "/api/v1/staff/bookings/"


def test_every_staff_answer_is_never_stored(officer_client, office, slots, desk, morning):
    booking = make_booking(slots[(dt.time(8), Track.REGULAR)], name="Rina")
    checkin_confirm(office=office, booking=booking, now=at(8, 0))
    code = office.code
    answers = {
        "checkin (refused)": officer_client.post(
            "/api/v1/staff/checkins/", {"code": "ZZZZZZZZ"}, content_type="application/json"
        ),
        "counters": officer_client.get(f"{OFFICES}{code}/counters/"),
        "counter open": officer_client.post(
            f"{OFFICES}{code}/counters/", {"name": "Loket 9"}, content_type="application/json"
        ),
        "call next": officer_client.post(
            f"{OFFICES}{code}/call-next/", {"counter": desk.id}, content_type="application/json"
        ),
        "served": officer_client.post(f"{BOOKINGS}{booking.code}/served/"),
        "missed (refused)": officer_client.post(f"{BOOKINGS}{booking.code}/missed/"),
        "recall (refused)": officer_client.post(f"{BOOKINGS}{booking.code}/recall/"),
        "walk-in (refused)": officer_client.post(f"{OFFICES}{code}/walk-ins/", {}, content_type="application/json"),
        "another office (refused)": officer_client.get(f"{OFFICES}no-such-office/counters/"),
    }

    statuses = {name: r.status_code for name, r in answers.items()}
    assert statuses["call next"] == statuses["served"] == statuses["counters"] == 200, statuses
    assert all(status >= 400 for name, status in statuses.items() if "refused" in name), statuses
    assert {name: r.get("Cache-Control") for name, r in answers.items()} == dict.fromkeys(answers, "no-store")
