"""The headers the API answers with are in the OpenAPI schema, and the schema's are sent.

A created booking's ``Location`` (201 and 202), ``Retry-After`` on every 429 (rate
limited) and 503 (database out), and ``Idempotent-Replayed`` on a stored answer given
again to a retry with the same ``Idempotency-Key``: a client generated from the schema reads them only if
the schema names them. ``tests/foundation/test_api_contract.py`` checks them too
(schemathesis' ``response_headers_conformance``) on the answers its requests meet.
"""

import pytest
from django.db import OperationalError

from applicants.api import bookings
from tests.applicants.conftest import DAY, nik_number, payload
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"
SAID = ("Location", "Retry-After", "Idempotent-Replayed")


@pytest.fixture
def schema(client) -> dict:
    return client.get("/api/schema/?format=json").json()["paths"]


def assert_headers_as_documented(schema: dict, path: str, method: str, response) -> None:
    """Each of ``SAID`` that ``response`` carries is documented for its status, and each
    header the status documents as required is carried."""
    documented = schema[path][method]["responses"][str(response.status_code)].get("headers", {})
    for name in SAID:
        if response.has_header(name):
            assert name in documented, (method, path, response.status_code, name)
    for name, header in documented.items():
        if header.get("required"):
            assert response.has_header(name), (method, path, response.status_code, name)


def test_a_booking_made_names_its_address(api, slot, schema):
    response = api.post(URL, payload(slot), format="json")

    assert response.status_code == 201
    assert response["Location"] == f"/api/v1/bookings/{response.json()['code']}/"
    assert_headers_as_documented(schema, "/api/v1/bookings/", "post", response)


def test_a_waiting_request_names_its_address(api, office, schema):
    full = SlotFactory(office=office, date=DAY, capacity=1, booked=1)

    response = api.post(URL, payload(full, if_full="next_available"), format="json")

    assert response.status_code == 202
    assert_headers_as_documented(schema, "/api/v1/bookings/", "post", response)


def test_a_replayed_answer_says_it_is_one(api, slot, schema):
    first = api.post(URL, payload(slot), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    headers = {"HTTP_X_BOOKING_TOKEN": first.json()["token"], "HTTP_IDEMPOTENCY_KEY": "retry-2"}
    cancel = f"{URL}{first.json()['code']}/cancel/"
    api.post(cancel, **headers)

    again = api.post(URL, payload(slot), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    cancelled_again = api.post(cancel, **headers)

    assert (again.status_code, again["Idempotent-Replayed"]) == (201, "true")
    assert (cancelled_again.status_code, cancelled_again["Idempotent-Replayed"]) == (200, "true")
    assert_headers_as_documented(schema, "/api/v1/bookings/", "post", again)
    assert_headers_as_documented(schema, "/api/v1/bookings/{code}/cancel/", "post", cancelled_again)


def test_a_rate_limited_booking_says_when_to_try_again(api, slot, settings, schema):
    settings.RATELIMIT_BOOKING_IP = "1/m"
    api.post(URL, payload(slot, nik=nik_number(1)), format="json")

    response = api.post(URL, payload(slot, nik=nik_number(2)), format="json")

    assert response.status_code == 429
    assert_headers_as_documented(schema, "/api/v1/bookings/", "post", response)


def test_a_rate_limited_lookup_says_when_to_try_again(api, settings, schema):
    settings.RATELIMIT_LOOKUP_IP = "1/m"
    api.post(f"{URL}lookup/", {"code": "ZZZZZZZZ", "nik": nik_number(1)}, format="json")

    response = api.post(f"{URL}lookup/", {"code": "ZZZZZZZZ", "nik": nik_number(1)}, format="json")

    assert response.status_code == 429
    assert_headers_as_documented(schema, "/api/v1/bookings/lookup/", "post", response)


def test_a_read_while_the_database_is_out_says_when_to_try_again(api, monkeypatch, schema):
    def out(**kwargs):
        raise OperationalError("the database restarted")

    monkeypatch.setattr(bookings, "booking_get_for_token", out)

    response = api.get(f"{URL}ZZZZZZZZ/", HTTP_X_BOOKING_TOKEN="x")

    assert response.status_code == 503
    assert_headers_as_documented(schema, "/api/v1/bookings/{code}/", "get", response)


def test_every_429_and_503_of_the_schema_names_retry_after(schema):
    answers = [
        (path, method, status, response)
        for path, operations in schema.items()
        for method, operation in operations.items()
        for status, response in operation["responses"].items()
        if status in ("429", "503")
    ]

    assert {status for *_rest, status, _response in answers} == {"429", "503"}
    for path, method, status, response in answers:
        header = response.get("headers", {}).get("Retry-After")
        assert header is not None, (method, path, status)
        assert header["required"] is True
        assert header["schema"]["type"] == "integer"
