"""Every answer of an address a booking's secret opens is ``Cache-Control: no-store``,
refusals included.

A 404 for a missing or wrong ``X-Booking-Token`` is cacheable by default (RFC 9111): a
shared cache that kept it would give "no such booking" to the holder of the right
token. The queue position is the booking's own, like the booking itself.
"""

import pytest

from tests.applicants.conftest import NIK, payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"


@pytest.fixture
def booked(api, slot):
    response = api.post(URL, payload(slot), format="json")
    assert response.status_code == 201
    return response.json()


def _answers(api, booked, token: str) -> dict[str, object]:
    code, headers = booked["code"], {"HTTP_X_BOOKING_TOKEN": token}
    return {
        "read": api.get(f"{URL}{code}/", **headers),
        "position": api.get(f"{URL}{code}/position/", **headers),
        "cancel": api.post(f"{URL}{code}/cancel/", **headers),
        "reschedule": api.post(f"{URL}{code}/reschedule/", {}, format="json", **headers),
        "contact": api.post(f"{URL}{code}/contact/", {}, format="json", **headers),
        "token": api.post(f"{URL}{code}/token/", **headers),
    }


def test_a_wrong_token_s_404_is_never_stored(api, booked):
    answers = _answers(api, booked, "wrong")

    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 404)
    assert {name: r.get("Cache-Control") for name, r in answers.items()} == dict.fromkeys(answers, "no-store")


def test_the_position_with_the_token_is_never_stored(api, booked):
    response = api.get(f"{URL}{booked['code']}/position/", HTTP_X_BOOKING_TOKEN=booked["token"])

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_a_refused_lookup_and_a_refused_keyed_booking_are_never_stored(api, slot):
    lookup = api.post(f"{URL}lookup/", {"code": "ZZZZZZZZ", "nik": NIK}, format="json")
    keyed = api.post(URL, {"office": slot.office.code}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (lookup.status_code, keyed.status_code) == (404, 400)
    assert lookup["Cache-Control"] == keyed["Cache-Control"] == "no-store"
