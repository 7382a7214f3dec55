"""Bodies no client should send still get an answer in the API's shape, never a 500:
JSON nested too deeply for Python's decoder (a ``RecursionError``, which DRF let through),
and requests refused by the CSRF check, in the reader's language."""

import json

import pytest
from django.test import Client

from applicants.models import BookingStatus, ServiceCounter

pytestmark = pytest.mark.django_db

DEEP = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"office":' * 3000 + "1" + "}" * 3000


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["array", "object"])
@pytest.mark.parametrize("path", ["/api/v1/bookings/", "/api/v1/bookings/lookup/"])
def test_a_public_endpoint_refuses_json_nested_too_deeply(client, path, body):
    response = client.post(path, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"
    assert response.json()["detail"] == "The request body is not valid JSON."


# The staff endpoints that read a body of their own (a counter action reads none).
STAFF_BODY_PATHS = [
    "/api/v1/staff/checkins/",
    "/api/v1/staff/offices/surabaya/counters/",
    "/api/v1/staff/offices/surabaya/call-next/",
    "/api/v1/staff/offices/surabaya/walk-ins/",
]


@pytest.mark.parametrize("path", STAFF_BODY_PATHS)
def test_a_staff_endpoint_refuses_json_nested_too_deeply(officer_client, office, path):
    response = officer_client.post(path, DEEP, content_type="application/json", HTTP_ACCEPT_LANGUAGE="id")

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"
    assert response.json()["detail"] == "Isi permintaan bukan JSON yang valid."


@pytest.mark.parametrize("path", STAFF_BODY_PATHS)
def test_a_staff_endpoint_refuses_a_body_too_large_to_read_with_a_json_413(officer_client, office, path, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    body = json.dumps({"name": "Loket 9", "code": "x" * 3000})

    response = officer_client.post(path, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 413
    assert response.json() == {
        "code": "request_too_large",
        "detail": "The request body is too large to be read.",
        "fields": {},
    }
    assert not ServiceCounter.objects.filter(name="Loket 9").exists()


# Every endpoint answers JSON, whatever the Accept header asks: some answered a 406 that
# the schema does not document, others (the offices' reads, a booking's fast path) JSON.
@pytest.mark.parametrize("accept", ["application/xml", "text/html"])
@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/staff/offices/surabaya/counters/", None),
        ("/api/v1/staff/offices/surabaya/counters/", {"name": "Loket 9"}),
        ("/api/v1/staff/checkins/", {"code": "NOTACODE"}),
        ("/api/v1/bookings/lookup/", {"code": "K7M2QX9A", "nik": "3578014101900001"}),
        ("/api/v1/offices/surabaya/", None),
    ],
)
def test_an_accept_header_the_api_cannot_honour_still_gets_json(officer_client, office, path, body, accept):
    if body is None:
        response = officer_client.get(path, HTTP_ACCEPT=accept)
    else:
        response = officer_client.post(path, body, content_type="application/json", HTTP_ACCEPT=accept)

    assert response.status_code != 406, response.content
    assert response["Content-Type"] == "application/json"
    assert isinstance(response.json(), (dict, list))


def test_a_booking_with_a_null_body_is_refused_in_the_reader_s_language(client):
    response = client.post("/api/v1/bookings/", "null", content_type="application/json", HTTP_ACCEPT_LANGUAGE="id")

    assert response.status_code == 400
    body = response.json()
    assert "No data provided" not in str(body)
    assert body["detail"] == body["fields"]["non_field_errors"][0]
    assert "JSON" in body["detail"]


def test_a_nested_object_that_is_not_one_is_refused_in_the_reader_s_language(client):
    response = client.post(
        "/api/v1/bookings/",
        {"office": "surabaya", "date": "2026-12-10", "session": 1, "applicant": "x"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="id",
    )

    assert response.status_code == 400
    assert "Expected a dictionary" not in str(response.json())
    assert response.json()["fields"]["applicant.non_field_errors"] == ["Di sini harus ada objek JSON."]


@pytest.mark.parametrize("language, words", [("id", "pemeriksaan keamanan"), ("en", "security check")])
def test_a_signed_in_request_without_its_csrf_token_is_refused_with_its_own_code(officer, office, language, words):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    response = client.post(
        f"/api/v1/staff/offices/{office.code}/counters/",
        {"name": "Loket 9"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert words in response.json()["detail"].lower()
    assert "CSRF Failed" not in response.json()["detail"]
    assert not office.counters.exists()


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_a_method_a_staff_endpoint_does_not_answer_is_405(officer_client, office, method):
    response = getattr(officer_client, method)("/api/v1/staff/checkins/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize("body", ['{"note": ', "[]", "null"], ids=["broken", "list", "null"])
@pytest.mark.parametrize("action", ["served", "missed", "recall"])
def test_a_counter_action_refuses_a_body_it_cannot_read_and_changes_nothing(
    officer_client, office, booking, action, body
):
    booking.status = BookingStatus.CALLED
    booking.save(update_fields=["status"])

    response = officer_client.post(
        f"/api/v1/staff/bookings/{booking.code}/{action}/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] in {"malformed_request", "validation_error"}
    assert "JSON" in response.json()["detail"]
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CALLED


def test_a_counter_action_without_a_body_still_acts(officer_client, office, booking):
    booking.status = BookingStatus.CALLED
    booking.save(update_fields=["status"])

    response = officer_client.post(f"/api/v1/staff/bookings/{booking.code}/served/")

    assert response.status_code == 200
    assert response.json()["status"] == "served"


@pytest.mark.parametrize("path", [*STAFF_BODY_PATHS, "/api/v1/staff/bookings/{code}/served/"])
@pytest.mark.parametrize("send", [{}, {"content_type": "application/x-www-form-urlencoded"}], ids=["multipart", "form"])
def test_a_staff_endpoint_takes_json_bodies_only(officer_client, office, booking, path, send):
    body = {"code": booking.code, "name": "Loket 9", "counter": "1", "full_name": "Siti"}
    if send:
        body = "&".join(f"{name}={value}" for name, value in body.items())

    response = officer_client.post(path.format(code=booking.code), body, HTTP_ACCEPT_LANGUAGE="en", **send)

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert response.json()["detail"] == "Send the request body as JSON, with the header Content-Type: application/json."
    assert not office.counters.exists()
    booking.refresh_from_db()
    assert (booking.status, booking.queue_number) == (BookingStatus.CONFIRMED, "")


def test_a_staff_read_with_a_body_is_refused(officer_client, office):
    response = officer_client.generic(
        "GET",
        f"/api/v1/staff/offices/{office.code}/counters/",
        '{"name": "Loket 9"}',
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="id",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"
    assert response.json()["detail"] == (
        "Permintaan dengan metode GET tidak boleh membawa isi: kirim parameternya di alamat."
    )
    assert not office.counters.exists()
