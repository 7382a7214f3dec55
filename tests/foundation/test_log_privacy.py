"""What the web process writes to its log: no NIK and no secret link, in either format.

The handler's filter (``queue_booking.logging.ScrubNikFilter``) is the last line of
defence behind the rule that code never logs personal data. It must cover everything a
handler writes, not only the message: Django's request log lines carry the request
(which the JSON formatter writes out with its query string), and an exception's text
goes out as it is.
"""

import datetime as dt
import logging

import pytest

from applicants.models import Booking
from queue_booking.logging import scrub
from tests.factories import make_nik

NIK = make_nik(dt.date(1990, 1, 1), female=True, serial=1)  # 3578014101900001
TOKEN = "Xb3qL0v8c2M4n6R1s5T7u9W2y4A6C8E0"


def test_a_nik_in_the_query_string_of_a_refused_request_is_not_logged(client, product_log):
    # A client that sends the look-up with GET: 405, logged by django.request.
    response = client.get(f"/api/v1/bookings/lookup/?code=K7M2QX9A&nik={NIK}&email=siti@example.org")

    assert response.status_code == 405
    written = product_log.getvalue()
    assert "/api/v1/bookings/lookup/" in written  # the line was written
    assert NIK not in written
    assert "siti@example.org" not in written


@pytest.mark.django_db
def test_a_proof_link_s_secret_is_not_logged(client, product_log):
    response = client.post(f"/b/K7M2QX9A/{TOKEN}/")  # the proof page is GET only: 405

    assert response.status_code == 405
    written = product_log.getvalue()
    assert "/b/K7M2QX9A/" in written
    assert TOKEN not in written


@pytest.mark.django_db
def test_a_display_board_s_secret_is_not_logged(client, product_log):
    response = client.post(f"/display/{TOKEN}/")

    assert response.status_code == 405
    written = product_log.getvalue()
    assert "/display/" in written
    assert TOKEN not in written


@pytest.mark.django_db
def test_an_exception_s_text_is_scrubbed(product_log):
    try:
        Booking.objects.get(code=f"{NIK} /b/K7M2QX9A/{TOKEN}/")
    except Booking.DoesNotExist:
        try:
            raise ValueError(f"could not read {NIK} from https://example.org/b/K7M2QX9A/{TOKEN}/")
        except ValueError:
            logging.getLogger("applicants").exception("booking failed")

    written = product_log.getvalue()
    assert "ValueError" in written and "booking failed" in written
    assert NIK not in written
    assert TOKEN not in written
    assert "3578********0001" in written


def test_stack_info_is_scrubbed(product_log):
    logging.getLogger("applicants").warning("here", stack_info=True, extra={"note": f"nik {NIK}"})

    written = product_log.getvalue()
    assert "Stack (most recent call last)" in written
    assert NIK not in written


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"GET /b/K7M2QX9A/{TOKEN}/proof.pdf", "GET /b/K7M2QX9A/[hidden]/proof.pdf"),
        (f"https://antrean.example/b/K7M2QX9A/{TOKEN}/", "https://antrean.example/b/K7M2QX9A/[hidden]/"),
        (f"/display/{TOKEN}/state.json", "/display/[hidden]/state.json"),
        (f"nik={NIK}&x=1", "nik=3578********0001&x=1"),
        ("/api/v1/bookings/K7M2QX9A/", "/api/v1/bookings/K7M2QX9A/"),  # a code alone reveals nothing
        ("/staff/surabaya/list/", "/staff/surabaya/list/"),
        ("refused <siti.rahayu+1@mail.example.co.id>", "refused <[email]>"),
        ("to +6281234567890, or 081234567890 or 6281234567890", "to [phone], or [phone] or [phone]"),
        ("took 0.0812345678901 s at 2026-12-07T08:00:00+07:00", "took 0.0812345678901 s at 2026-12-07T08:00:00+07:00"),
        ("succeeded in 0.5496123456789417s: None", "succeeded in 0.5496123456789417s: None"),
        (f"NIK {NIK}.", "NIK 3578********0001."),
        (
            "notification 12 (confirmation by sms) failed, attempt 3",
            "notification 12 (confirmation by sms) failed, attempt 3",
        ),
    ],
)
def test_scrub(text, expected):
    assert scrub(text) == expected
