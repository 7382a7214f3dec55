"""The cancel page says when a booking can no longer be cancelled, and why, instead of
offering a box and a button that could only fail."""

import datetime as dt
import re

import pytest
import time_machine

from applicants.models import Booking, BookingStatus
from tests.web.conftest import WIB
from tests.web.test_booking_pages import DATE, _book

pytestmark = pytest.mark.django_db


def _notice(html: str) -> str:
    match = re.search(r'<div class="card notice warn" role="status"><p>(.*?)</p>', html, re.S)
    return match.group(1) if match else ""


def test_a_cancelled_booking_s_cancel_page_says_it_is_cancelled_and_offers_no_button(client, pinned, surabaya):
    proof = _book(client)["Location"]
    cancelled = client.post(proof + "cancel/", {"confirm": "on"})
    assert cancelled.status_code == 302

    indonesian = client.get(proof + "cancel/").content.decode()
    english = client.get(proof + "cancel/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert _notice(indonesian) == (
        "Pendaftaran ini tidak dapat dibatalkan lagi: statusnya “Dibatalkan”. Hanya pendaftaran yang "
        "sedang menunggu tempat atau sudah terkonfirmasi yang dapat dibatalkan."
    )
    assert _notice(english) == (
        "This booking can no longer be cancelled: its status is “Cancelled”. "
        "Only a booking that is waiting for a place or confirmed can be cancelled."
    )
    for html in (indonesian, english):
        assert 'id="id_confirm"' not in html and 'class="button danger"' not in html
        assert f'href="{proof}"' in html


def test_sending_the_cancel_form_for_an_ended_booking_changes_nothing(client, pinned, surabaya):
    proof = _book(client)["Location"]
    Booking.objects.update(status=BookingStatus.SERVED)

    response = client.post(proof + "cancel/", {"confirm": "on"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert "its status is “Served”" in _notice(response.content.decode())
    assert Booking.objects.get().status == BookingStatus.SERVED


def test_once_the_session_has_begun_the_cancel_page_says_it_is_too_late(client, pinned, surabaya):
    proof = _book(client)["Location"]

    with time_machine.travel(dt.datetime.combine(DATE, dt.time(8, 30), tzinfo=WIB), tick=False):
        html = client.get(proof + "cancel/").content.decode()

    assert _notice(html) == "Sudah terlambat untuk mengubah pendaftaran ini."
    assert 'id="id_confirm"' not in html


def test_a_confirmed_booking_s_cancel_page_still_asks_for_the_tick(client, pinned, surabaya):
    proof = _book(client)["Location"]

    html = client.get(proof + "cancel/").content.decode()

    assert 'id="id_confirm"' in html and 'class="button danger"' in html and not _notice(html)


def test_cancelling_without_the_tick_comes_back_by_a_get(client, pinned, surabaya):
    """The unticked form was the POST's answer: ticked and cancelled, Back from the
    proof asked to send the form again ("Confirm Form Resubmission")."""
    proof = _book(client)["Location"]

    refused = client.post(proof + "cancel/", {})

    assert (refused.status_code, refused["Location"]) == (303, proof + "cancel/?unticked=1")
    html = client.get(refused["Location"]).content.decode()
    assert 'id="id_confirm_error"' in html and "data-error-summary" in html
    assert "data-error-summary" not in client.get(proof + "cancel/").content.decode()
    assert Booking.objects.get().status == "confirmed"
