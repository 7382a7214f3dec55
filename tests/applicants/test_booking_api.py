"""The booking API end to end: book, read, cancel, reschedule, look up."""

import pytest

from applicants.models import Booking, BookingStatus
from tests.applicants.conftest import NIK, payload

pytestmark = pytest.mark.django_db


def test_a_booking_takes_a_place_and_answers_with_its_proof(api, slot):
    response = api.post("/api/v1/bookings/", payload(slot), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["session"] == {"id": slot.id, "start": "08:00", "end": "10:00", "track": "regular"}
    assert body["applicant"] == {"full_name": "Siti Rahayu", "nik_masked": "3578********0001"}
    assert body["proof_url"].endswith(f"/b/{body['code']}/{body['token']}/")
    assert body["qr"].startswith(f"AP1.{body['code']}.surabaya.20261207.0800.R.")
    assert body["checkin_window"] == {"opens": "2026-12-07T07:00:00+07:00", "closes": "2026-12-07T10:00:00+07:00"}
    assert response["Cache-Control"] == "no-store"
    slot.refresh_from_db()
    assert slot.booked == 1
    booking = Booking.objects.get(code=body["code"])
    assert booking.status == BookingStatus.CONFIRMED
    assert NIK not in booking.applicant.nik_encrypted
