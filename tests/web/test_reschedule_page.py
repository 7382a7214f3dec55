"""The reschedule page: dates counted on the booking's own track, and why a booking cannot move."""

import datetime as dt
import re

import pytest

from applicants.models import Booking, BookingStatus
from offices.cache import availability_invalidate
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
    match = re.search(r'<div class="card notice warn" role="status"[^>]*>\s*<p>(.*?)</p>', html, re.S)
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


def test_after_a_move_the_proof_says_to_replace_the_calendar_event_too(client, pinned, surabaya):
    """It said to download or print the proof again, but an event added to a calendar before
    the move kept its old date, and its reminder sent the person on the wrong day."""
    proof = _book(client)
    later = DATE + dt.timedelta(days=2)
    new_slot = Slot.objects.get(office=surabaya, date=later, start=dt.time(10, 0), track="regular")

    moved = client.post(
        proof + "reschedule/", {"date": later.isoformat(), "session": str(new_slot.id)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    html = client.get(moved["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()

    told = re.findall(r'<p class="message message-(\w+)">(.*?)</p>', html)
    assert told == [
        ("success", "Your booking is moved. Download or print this proof again: one saved before shows the old date."),
        (
            "info",
            "If you added the earlier date to your calendar, delete it there and add this one: "
            "a calendar does not change by itself.",
        ),
    ]


CANCEL_INSTEAD = "To come on another date, cancel this booking, then book a new appointment if there is room."


def _no_reschedule_line(html: str) -> str:
    match = re.search(r"<p class=\"help\" data-no-reschedule>(.*?)</p>", html, re.S)
    return match.group(1) if match else ""


def test_once_the_free_reschedule_is_used_cancelling_is_offered_as_the_way_left(client, pinned, surabaya):
    """The page said only that the free reschedule was used, and the proof page just lost its
    "Reschedule" button: a person who needed another date learnt of no way to get one."""
    proof = _book(client)
    later = DATE + dt.timedelta(days=2)
    new_slot = Slot.objects.get(office=surabaya, date=later, start=dt.time(10, 0), track="regular")
    assert (
        client.post(proof + "reschedule/", {"date": later.isoformat(), "session": str(new_slot.id)}).status_code == 302
    )

    page = _reschedule_page(client, proof)
    on_the_proof = client.get(proof, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    in_indonesian = client.get(proof, HTTP_ACCEPT_LANGUAGE="id").content.decode()

    assert CANCEL_INSTEAD in page
    assert f'href="{proof}cancel/"' in page
    assert _no_reschedule_line(on_the_proof) == f"You have already used your free reschedule. {CANCEL_INSTEAD}"
    assert _no_reschedule_line(in_indonesian).startswith("Jatah ubah jadwal gratis Anda (1 kali) sudah terpakai. ")
    assert f'href="{proof}reschedule/"' not in on_the_proof


def test_past_the_cut_off_the_page_says_so_before_a_date_is_chosen(client, pinned, surabaya, settings):
    """The day before (here two days, as configured) the page offered dates and sessions
    and only refused the move once sent: "It is too late to change this booking."."""
    settings.BOOKING_CHANGE_CUTOFF_DAYS = 2
    proof = _book(client)  # tomorrow
    later = (DATE + dt.timedelta(days=2)).isoformat()

    page = _reschedule_page(client, proof)
    chosen = _reschedule_page(client, proof, date=later)
    on_the_proof = client.get(proof, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    api = client.post(
        f"/api/v1/bookings/{Booking.objects.get().code}/reschedule/",
        {"date": later, "session": Slot.objects.get(date=later, start=dt.time(10, 0), track="regular").id},
        content_type="application/json",
        HTTP_X_BOOKING_TOKEN=proof.rstrip("/").rsplit("/", 1)[1],
    )

    assert _notice(page) == "A booking can be moved until 2 days before its date."
    assert CANCEL_INSTEAD in page and "#sessions" not in page
    assert 'name="session"' not in chosen
    assert _no_reschedule_line(on_the_proof) == f"A booking can be moved until 2 days before its date. {CANCEL_INSTEAD}"
    assert (api.status_code, api.json()["code"]) == (409, "too_late_to_change")
    assert Booking.objects.get().date == DATE


def test_a_booking_that_cannot_be_cancelled_either_is_offered_no_cancel(client, pinned, surabaya):
    proof = _book(client)
    Booking.objects.update(status=BookingStatus.CANCELLED)

    page = _reschedule_page(client, proof)

    assert CANCEL_INSTEAD not in page and f'href="{proof}cancel/"' not in page
    assert f'href="{proof}"' in page


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


def _fill(office, date, *, start=None) -> None:
    """Someone else takes the last places (of one session, or of the whole date) meanwhile."""
    slots = Slot.objects.filter(office=office, date=date)
    if start is not None:
        slots = slots.filter(start=start)
    for slot in slots:
        Slot.objects.filter(id=slot.id).update(booked=slot.capacity)
    availability_invalidate(office_id=office.id, date=date, slot_ids=tuple(s.id for s in slots))


def _session_error(html: str) -> str:
    match = re.search(r'<p class="field-error" id="id_session_error">(.*?)</p>', html, re.S)
    return re.sub(r"^(Kesalahan|Error):\s*", "", re.sub(r"<[^>]+>", "", match.group(1)).strip()) if match else ""


def test_a_session_that_filled_meanwhile_is_refused_in_plain_words(
    client, pinned, surabaya, django_capture_on_commit_callbacks
):
    proof = _book(client)
    date = (DATE + dt.timedelta(days=2)).isoformat()
    page = _reschedule_page(client, proof, date=date)
    chosen = re.search(r'name="session" value="(\d+)"', page).group(1)  # 08:00, regular
    with django_capture_on_commit_callbacks(execute=True):
        _fill(surabaya, DATE + dt.timedelta(days=2), start=dt.time(8, 0))

    english = client.post(
        f"{proof}reschedule/?date={date}", {"date": date, "session": chosen}, HTTP_ACCEPT_LANGUAGE="en"
    )
    indonesian = client.post(f"{proof}reschedule/?date={date}", {"date": date, "session": chosen})

    assert english.status_code == 409
    told = _session_error(english.content.decode())
    assert told == "This session has just filled up. Your booking is unchanged: choose another session."
    assert _session_error(indonesian.content.decode()) == (
        "Sesi ini baru saja penuh. Jadwal Anda tidak berubah: pilih sesi lain."
    )
    assert chosen not in told and "not one of the available choices" not in english.content.decode()
    booking = Booking.objects.get()
    assert (booking.date, booking.slot.start, booking.reschedule_count) == (DATE, dt.time(8, 0), 0)


def test_a_date_that_filled_meanwhile_is_refused_in_plain_words(
    client, pinned, surabaya, django_capture_on_commit_callbacks
):
    proof = _book(client)
    later = DATE + dt.timedelta(days=2)
    page = _reschedule_page(client, proof, date=later.isoformat())
    chosen = re.search(r'name="session" value="(\d+)"', page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        _fill(surabaya, later)

    response = client.post(
        f"{proof}reschedule/?date={later.isoformat()}",
        {"date": later.isoformat(), "session": chosen},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    indonesian = client.get(f"{proof}reschedule/", {"date": later.isoformat()}).content.decode()

    html = response.content.decode()
    assert response.status_code == 409
    assert _date_refusal(html) == (
        "Friday, 4 December 2026 has just filled up. Your booking is unchanged: choose another date."
    )
    assert 'name="session"' not in html and f"?date={later.isoformat()}#sessions" not in html
    assert _date_refusal(indonesian) == (
        "Jumat, 4 Desember 2026 baru saja penuh. Jadwal Anda tidak berubah: pilih tanggal lain."
    )
    booking = Booking.objects.get()
    assert (booking.date, booking.reschedule_count) == (DATE, 0)


def _date_refusal(html: str) -> str:
    match = re.search(r"<div [^>]*data-date-refused[^>]*>\s*<p>(.*?)</p>", html, re.S)
    return re.sub(r"\s+", " ", match.group(1)).strip() if match else ""


def test_a_move_refused_for_a_reason_nobody_can_correct_has_no_correct_the_following_heading(
    client, pinned, surabaya, settings
):
    proof = _book(client)
    date = (DATE + dt.timedelta(days=2)).isoformat()
    chosen = re.search(r'name="session" value="(\d+)"', _reschedule_page(client, proof, date=date)).group(1)
    settings.BOOKING_CHANGE_CUTOFF_DAYS = 2  # the booked date is tomorrow

    response = client.post(f"{proof}reschedule/?date={date}", {"date": date, "session": chosen})

    html = response.content.decode()
    assert response.status_code == 409
    # Told as the page's notice, before any form: there is nothing in a form to correct.
    assert _notice(html) == "Jadwal pendaftaran hanya dapat diubah paling lambat 2 hari sebelum tanggalnya."
    assert "Mohon perbaiki" not in html and 'name="session"' not in html
    assert Booking.objects.get().date == DATE
