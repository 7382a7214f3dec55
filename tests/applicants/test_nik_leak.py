"""No full NIK leaves the system: not in a response, a log line, a task argument, a
message, a document or any stored column but the encrypted one.

The whole booking flow runs with every log record captured at DEBUG (SQL included) and
the log filter that masks NIK-like numbers taken off, so the check is on what the code
itself says, not on the last line of defence.
"""

import datetime as dt
import logging

import pytest
from django.core import mail
from django.db import connection

from applicants.models import Applicant, Booking, BookingTransition, IdempotencyKey, Notification
from applicants.notifications import SEND_EVENT_TASK, SEND_TASK
from applicants.tasks.notifications import send_notification, send_notifications
from queue_booking.logging import ScrubNikFilter
from tests.applicants.conftest import NIK, payload
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"


@pytest.fixture
def unscrubbed_logs():
    """Take the NIK-masking filter off the log handlers: the code itself must not log a NIK."""
    removed = []
    for handler in logging.getLogger().handlers:
        for log_filter in list(handler.filters):
            if isinstance(log_filter, ScrubNikFilter):
                handler.removeFilter(log_filter)
                removed.append((handler, log_filter))
    yield
    for handler, log_filter in removed:
        handler.addFilter(log_filter)


@pytest.fixture
def sql_logged():
    connection.force_debug_cursor = True
    yield
    connection.force_debug_cursor = False


def test_a_full_nik_appears_nowhere(
    api, client, office, slot, later_slot, published, sms_outbox, caplog, settings, sql_logged, unscrubbed_logs,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    settings.RATELIMIT_LOOKUP_NIK = "3/m"
    full = SlotFactory(office=office, date=dt.date(2026, 12, 8), capacity=1, booked=1)
    seen: list[str] = []

    def call(method, url, data=None, **headers):
        with django_capture_on_commit_callbacks(execute=True):
            response = (
                getattr(api, method)(url, data, format="json", **headers)
                if data is not None
                else getattr(api, method)(url, **headers)
            )
        seen.append(response.content.decode("latin-1"))
        seen.append(str(dict(response.items())))
        return response

    # Refused requests that carry the NIK.
    call("post", URL, payload(slot, applicant={"birth_date": "1990-01-02"}))
    call("post", URL, payload(slot, applicant={"phone": "12"}))
    call("post", URL, payload(full))
    # The booking, its retry, its reading.
    created = call("post", URL, payload(slot), HTTP_IDEMPOTENCY_KEY="leak-1").json()
    call("post", URL, payload(slot), HTTP_IDEMPOTENCY_KEY="leak-1")
    call("post", URL, payload(later_slot))  # active_booking_exists
    token = {"HTTP_X_BOOKING_TOKEN": created["token"]}
    call("get", f"{URL}{created['code']}/", **token)
    for _ in range(4):  # the last one is rate limited
        call("post", f"{URL}lookup/", {"code": created["code"], "nik": NIK})
    call("post", f"{URL}{created['code']}/reschedule/", {"date": "2026-12-07", "session": later_slot.id}, **token)
    # The proof and its documents.
    for suffix in ("", "proof.pdf", "calendar.ics"):
        seen.append(client.get(f"/b/{created['code']}/{created['token']}/{suffix}").content.decode("latin-1"))
    # A waiting request, then cancelling both.
    waiting = call("post", URL, payload(full, nik="3578010101900002", if_full="next_available")).json()
    call("post", f"{URL}{waiting['code']}/cancel/", HTTP_X_BOOKING_TOKEN=waiting["token"])
    call("post", f"{URL}{created['code']}/cancel/", **token)
    # Every message the flow asked for.
    for name, kwargs in list(published):
        if name == SEND_TASK:
            send_notification.apply(kwargs=kwargs).get()
        elif name == SEND_EVENT_TASK:
            send_notifications.apply(kwargs=kwargs).get()

    seen += [f"{name} {kwargs}" for name, kwargs in published]
    seen += [f"{record.getMessage()} {record.args} {record.exc_text or ''}" for record in caplog.records]
    seen += [f"{m.subject} {m.body} {m.alternatives}" for m in mail.outbox]
    seen += [f"{m.to} {m.text}" for m in sms_outbox]
    stored = [Booking, BookingTransition, IdempotencyKey, Notification]
    seen += [str(row) for model in stored for row in model.objects.values()]
    seen += [str(row) for row in Applicant.objects.values("nik_hash", "nik_masked", "full_name", "phone", "email")]

    # The flow did happen: bookings, SQL logged, messages sent.
    assert Booking.objects.count() == 2
    assert any("INSERT INTO" in record.getMessage() for record in caplog.records)
    assert len(mail.outbox) >= 4 and len(sms_outbox) >= 4
    assert any('"code":"rate_limited"' in text.replace(" ", "") for text in seen)
    # The only place the NIK lives is its Fernet token.
    leaks = [text for text in seen if NIK in text or "3578010101900002" in text]
    assert not leaks, leaks[0][:500]
    assert all(NIK not in value for value in Applicant.objects.values_list("nik_encrypted", flat=True))
