"""What the check-in page and the stop-service page tell the officer next: who can let a
late arrival in, which code a refusal is about, and that service is already stopped."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from applicants.proof import proof_payload
from offices.models import Track
from tests.staff.conftest import at, make_booking

pytestmark = pytest.mark.django_db


def _lookup(client, office, code, language="en"):
    return client.post(
        reverse("staff:checkin", args=[office.code]), {"action": "lookup", "code": code}, HTTP_ACCEPT_LANGUAGE=language
    )


def _refusal(response) -> str:
    found = re.search(r'<div class="form-error checkin-error"[^>]*>\s*<p>(.*?)</p>', response.text, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else ""


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("en", "A supervisor of this office can let a late arrival in: ask them to look this booking up."),
        ("id", "Supervisor kantor ini dapat mengizinkan pemohon yang terlambat masuk: minta supervisor mencari"),
    ],
)
def test_an_officer_shown_a_late_arrival_is_told_who_can_let_them_in(
    officer_client, office, booking, time_machine, language, note
):
    """The page said only "Too late" and offered nothing: the officer sent the person away."""
    time_machine.move_to(at(10, 5), tick=False)

    response = _lookup(officer_client, office, booking.code, language)

    assert 'data-flag="too_late"' in response.text
    assert 'data-testid="confirm-checkin"' not in response.text
    assert note in response.text


def test_the_supervisor_is_not_told_to_ask_a_supervisor(supervisor_client, office, booking, time_machine):
    time_machine.move_to(at(10, 5), tick=False)

    response = _lookup(supervisor_client, office, booking.code)

    assert 'name="allow_late"' in response.text
    assert 'data-testid="late-ask-supervisor"' not in response.text


def test_an_early_arrival_is_not_told_to_ask_a_supervisor(officer_client, office, slots, morning):
    later = make_booking(slots[(dt.time(10), Track.REGULAR)])
    later.slot.start, later.slot.end = dt.time(13), dt.time(15)
    later.slot.save()

    response = _lookup(officer_client, office, later.code)

    assert 'data-flag="too_early"' in response.text
    assert 'data-testid="late-ask-supervisor"' not in response.text


def test_a_refusal_names_the_booking_it_is_about(officer_client, office, other_slots, morning):
    """The field is emptied for the next scan, and the refusal said only "This booking is
    for another office": with a line at the door, which one?"""
    foreign = make_booking(other_slots[(dt.time(8), Track.REGULAR)])

    response = _lookup(officer_client, office, foreign.code.lower())
    indonesian = _lookup(officer_client, office, proof_payload(foreign), "id")

    assert _refusal(response).startswith(f"Cannot check in {foreign.code}: This booking is for another office: ")
    assert _refusal(indonesian).startswith(f"Check-in tidak dapat dilakukan untuk {foreign.code}: ")


def test_an_unknown_code_is_named_as_typed_and_a_broken_qr_is_not_repeated(officer_client, office, morning):
    unknown = _lookup(officer_client, office, "zzzz-9999")
    broken = _lookup(officer_client, office, "PAS1.XXXX.YYYY.20261123.0800.A.k1.ABCDEFGH")

    assert _refusal(unknown) == "Cannot check in ZZZZ9999: No booking has this code."
    assert _refusal(broken) == "Cannot check in: This QR code is not a valid proof of registration."


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_stop_page_after_service_stopped_says_so_instead_of_stopping_again(
    supervisor_client, office, slots, morning, method
):
    """A tab left open: stopping again moved nobody and said "Service stopped. 0 bookings
    are being moved to other dates"."""
    url = reverse("staff:stop-service", args=[office.code])
    supervisor_client.post(url, {"confirm": "on"})

    response = getattr(supervisor_client, method)(url, {"confirm": "on"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert response.redirect_chain == [(reverse("staff:today", args=[office.code]), 302)]
    assert "Service is already stopped for today." in response.text
    assert "Service stopped." not in response.text
