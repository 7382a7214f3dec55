"""A database restart with CONN_HEALTH_CHECKS off (the default, see settings.py).

A web process keeps its connection between requests (CONN_MAX_AGE) and no longer
tests it with a ``SELECT 1`` first. After the server drops it, the next request on it
fails: the API answers 503 ``service_unavailable`` with ``Retry-After`` and saves
nothing, Django closes the broken connection at the end of that request, and the
request after that is served on a new one.

Requests here go through Django's WSGIHandler, as gunicorn calls it, and end with
``response.close()``, as a WSGI server does: that sends ``request_finished``, whose
``close_old_connections`` drops the broken connection. (Django's test client runs the
same signals but disconnects ``close_old_connections`` from them, so with it the broken
connection would survive into the next request.)
"""

import json
import logging
from dataclasses import dataclass

import pytest
import time_machine
from django.core.handlers.wsgi import WSGIHandler
from django.db import DataError, IntegrityError, InterfaceError, OperationalError, connection
from django.test import RequestFactory
from django.utils import translation

from applicants import dispatch
from applicants.models import Applicant, Booking
from queue_booking.api_errors import exception_handler
from tests.applicants.conftest import DAY, NIK, NOW, payload
from tests.factories import SlotFactory
from tests.foundation.conftest import backend_pid, terminate

LOOKUP = "/api/v1/bookings/lookup/"
CREATE = "/api/v1/bookings/"
UNKNOWN_BOOKING = {"code": "K7M2QX9A", "nik": NIK}


@dataclass
class Answer:
    status: int
    body: dict
    retry_after: str | None


def serve(path: str, data: dict) -> Answer:
    """POST ``data`` as JSON the way gunicorn would: WSGIHandler, then ``close()``."""
    environ = RequestFactory().post(path, data, content_type="application/json").environ
    response = WSGIHandler()(environ, lambda status, headers, exc_info=None: None)
    try:
        is_json = response.get("Content-Type", "").startswith("application/json")
        body = json.loads(response.content) if is_json else {"not json": response.content[:300]}
        return Answer(response.status_code, body, response.get("Retry-After"))
    finally:
        response.close()  # request_finished: close_old_connections


@pytest.fixture
def booking_world(monkeypatch, settings, office):
    """tests/applicants' world: its clock, no broker, SMS in memory; a session open for booking."""
    monkeypatch.setattr(dispatch, "publish", lambda name, kwargs, **_options: True)
    settings.SMS_BACKEND = "applicants.notifications.LocmemSmsBackend"
    with time_machine.travel(NOW, tick=False):
        yield SlotFactory(office=office, date=DAY, capacity=50)


def opened_by_a_request() -> int:
    """A first request opens the connection, which stays open after it; its pid."""
    connection.close()
    first = serve(LOOKUP, UNKNOWN_BOOKING)
    assert (first.status, first.body["code"]) == (404, "booking_not_found")
    assert connection.connection is not None, "CONN_MAX_AGE should keep the connection"
    return backend_pid()


def assert_unavailable(answer: Answer) -> None:
    assert answer.status == 503, answer.body
    assert answer.body["code"] == "service_unavailable"
    assert answer.body["detail"]
    assert answer.body["fields"] == {}
    assert answer.retry_after == "1"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("kept_connection")
def test_a_booking_on_a_dropped_connection_is_503_and_the_next_is_booked(booking_world, caplog):
    slot = booking_world
    pid = opened_by_a_request()
    terminate(pid)
    caplog.clear()

    with caplog.at_level(logging.WARNING):
        failed = serve(CREATE, payload(slot))

    assert_unavailable(failed)
    assert connection.connection is None, "Django should close the broken connection after the request"
    assert (Booking.objects.count(), Applicant.objects.count()) == (0, 0)
    slot.refresh_from_db()
    assert slot.booked == 0
    warnings = [r for r in caplog.records if r.name == "queue_booking.api_errors"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "OperationalError" in warnings[0].getMessage()
    # Logged once, by the handler: not again as an error by django.request.
    assert not [r for r in caplog.records if r.name == "django.request"]
    assert NIK not in caplog.text
    assert "Siti" not in caplog.text

    booked = serve(CREATE, payload(slot))

    assert booked.status == 201, booked.body
    assert backend_pid() != pid
    slot.refresh_from_db()
    assert (Booking.objects.count(), slot.booked) == (1, 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("kept_connection", "booking_world")
def test_a_lookup_on_a_dropped_connection_is_503_and_the_next_is_answered(caplog):
    pid = opened_by_a_request()
    terminate(pid)
    caplog.clear()

    with caplog.at_level(logging.WARNING):
        failed = serve(LOOKUP, UNKNOWN_BOOKING)

    assert_unavailable(failed)
    assert connection.connection is None
    # One warning line from the handler; django.request does not log it again as an error.
    assert [(r.name, r.levelname) for r in caplog.records] == [("queue_booking.api_errors", "WARNING")]
    message = caplog.records[0].getMessage()
    assert "api/v1/bookings/lookup/" in message
    assert NIK not in message

    again = serve(LOOKUP, UNKNOWN_BOOKING)

    assert (again.status, again.body["code"]) == (404, "booking_not_found")
    assert backend_pid() != pid


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kept_connection", [True], ids=["CONN_HEALTH_CHECKS=1"], indirect=True)
def test_with_health_checks_on_the_first_request_after_a_restart_is_served(kept_connection, booking_world):
    slot = booking_world
    pid = opened_by_a_request()
    terminate(pid)

    booked = serve(CREATE, payload(slot))

    assert booked.status == 201, booked.body
    assert backend_pid() != pid


@pytest.mark.parametrize("error", [OperationalError("server closed the connection"), InterfaceError("closed")])
def test_a_lost_database_is_503_with_a_translated_detail(error):
    with translation.override("en"):
        english = exception_handler(error, {})
    with translation.override("id"):
        indonesian = exception_handler(error, {})

    assert english.status_code == indonesian.status_code == 503
    assert english.data == {
        "code": "service_unavailable",
        "detail": "The service is busy or briefly unavailable. Please try again in a moment.",
        "fields": {},
    }
    assert english["Retry-After"] == "1"
    assert indonesian.data["detail"] != english.data["detail"]


@pytest.mark.parametrize("error", [IntegrityError("duplicate key"), DataError("value too long")])
def test_constraint_and_data_errors_are_not_taken_for_an_outage(error):
    assert not isinstance(error, OperationalError)
    assert exception_handler(error, {}) is None
