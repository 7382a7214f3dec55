"""The reschedule page: dates counted on the booking's own track, and why a booking cannot move."""

import datetime as dt
import re

import pytest

from applicants.models import Booking, BookingStatus
from offices.models import Slot
from tests.web.conftest import TODAY

pytestmark = pytest.mark.django_db

DATE = TODAY + dt.timedelta(days=1)  # Wednesday


def _book(client, *, track: str = "regular") -> str:
    """The proof link of a booking made through the form."""
    response = client.post(
        "/offices/surabaya/book/",
        {
            "date": DATE.isoformat(),
            "session": "08:00",
            "track": track,
            "service": "new",
            "full_name": "Siti Rahayu",
            "nik": "3578011705900001",
            "birth_date": "1990-05-17",
            "phone": "0812 3456 7890",
            "email": "",
            "if_full": "reject",
            "step": "confirm",
        },
    )
    assert response.status_code == 302
    return response["Location"]


def _reschedule_page(client, proof: str, **params) -> str:
    return client.get(proof + "reschedule/", params, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def _notice(html: str) -> str:
    match = re.search(r'<div class="card notice warn" role="status"><p>(.*?)</p>', html, re.S)
    return match.group(1) if match else ""


def test_the_dates_count_only_the_places_of_the_booking_s_own_track(client, pinned, surabaya):
    proof = _book(client, track="express")  # 2 sessions a day, 5 express and 20 regular places each

    html = _reschedule_page(client, proof)

    listed = re.findall(
        r'<li><a href="\?date=[^"]+#sessions"[^>]*><strong>[^<]+</strong> <span>([^<]+)</span></a></li>', html
    )
    assert listed and set(listed) == {"10 places left"}


def test_a_date_with_room_only_on_other_tracks_is_not_offered(client, pinned, surabaya):
    proof = _book(client, track="express")
    no_express = DATE + dt.timedelta(days=1)
    Slot.objects.filter(office=surabaya, date=no_express, track="express").update(booked=5)

    html = _reschedule_page(client, proof)

    assert f"?date={no_express.isoformat()}#sessions" not in html
    assert f"?date={(no_express + dt.timedelta(days=1)).isoformat()}#sessions" in html


def test_after_the_free_reschedule_the_page_says_it_is_used(client, pinned, surabaya):
    proof = _book(client)
    later = DATE + dt.timedelta(days=2)
    new_slot = Slot.objects.get(office=surabaya, date=later, start=dt.time(10, 0), track="regular")
    moved = client.post(proof + "reschedule/", {"date": new_slot.date.isoformat(), "session": str(new_slot.id)})
    assert moved.status_code == 302

    html = _reschedule_page(client, proof)

    assert _notice(html) == "You have already used your free reschedule."


def test_with_more_free_reschedules_the_message_counts_them(client, pinned, surabaya, settings):
    settings.BOOKING_FREE_RESCHEDULES = 2
    proof = _book(client)
    Booking.objects.update(reschedule_count=2)

    assert _notice(_reschedule_page(client, proof)) == "You have already used your 2 free reschedules."


def test_a_booking_that_is_not_confirmed_says_its_status(client, pinned, surabaya):
    proof = _book(client)
    Booking.objects.update(status=BookingStatus.CANCELLED)

    assert _notice(_reschedule_page(client, proof)) == (
        "This booking cannot be moved: its status is “Cancelled”, and only a confirmed booking can be moved."
    )


def test_a_failed_move_answers_at_an_address_without_a_fragment(client, pinned, surabaya):
    # A #fragment there would take the focus from the error summary (static/js/app.js).
    proof = _book(client)
    date = (DATE + dt.timedelta(days=2)).isoformat()

    response = client.post(f"{proof}reschedule/?date={date}", {"date": date}, HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 400 and "data-error-summary" in html
    [action] = re.findall(r'<form method="post" action="([^"]*)"', html)
    assert action == f"{proof}reschedule/?date={date}"


def _booked_now(html: str) -> str:
    match = re.search(r"<p data-booked-now>(.*?)</p>", html, re.S)
    return re.sub(r"\s+", " ", match.group(1)) if match else ""


def test_the_page_says_where_the_booking_is_now_in_one_sentence(client, pinned, surabaya):
    """It used to read "Now booked for Wednesday, 2 December 2026.. 08.00–10.00 WIB, Regular."."""
    proof = _book(client)

    english = _booked_now(_reschedule_page(client, proof))
    indonesian = _booked_now(client.get(proof + "reschedule/", HTTP_ACCEPT_LANGUAGE="id").content.decode())

    assert english == "Your booking is now on Wednesday, 2 December 2026, session 08:00–10:00 WIB, Regular track."
    assert indonesian == "Jadwal Anda saat ini: Rabu, 2 Desember 2026, sesi 08.00–10.00 WIB, jalur Reguler."
