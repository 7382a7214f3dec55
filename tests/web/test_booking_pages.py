"""The booking form, its review step, the proof, "my booking", cancel and reschedule."""

import datetime as dt
import re

import pytest
from django.test import override_settings

from applicants.models import Booking, BookingStatus
from applicants.services.allocation import waiting_allocate
from offices.models import Slot
from tests.web.conftest import NOW, TODAY, fill, looked_up_again, sent_back

pytestmark = pytest.mark.django_db

NIK = "3578011705900001"
BIRTH = "1990-05-17"
DATE = TODAY + dt.timedelta(days=1)  # Wednesday


def _form(**overrides) -> dict:
    data = {
        "date": DATE.isoformat(),
        "session": "08:00",
        "track": "regular",
        "service": "new",
        "full_name": "Siti Rahayu",
        "nik": NIK,
        "birth_date": BIRTH,
        "phone": "0812 3456 7890",
        "email": "",
        "if_full": "reject",
        "step": "review",
    }
    data.update(overrides)
    return data


def _book(client, office_code="surabaya", *, follow=False, **overrides):
    return client.post(f"/offices/{office_code}/book/", _form(step="confirm", **overrides), follow=follow)


def _field_error(html: str, name: str) -> str:
    match = re.search(rf'<p class="field-error" id="id_{name}_error">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def test_the_form_offers_sessions_tracks_and_services(client, pinned, surabaya):
    html = client.get("/offices/surabaya/book/", {"date": DATE.isoformat()}).content.decode()

    assert 'name="session" value="08:00"' in html and 'name="session" value="10:00"' in html
    assert 'name="track" value="regular"' in html and 'name="track" value="express"' in html
    assert 'name="track" value="priority"' not in html
    for service in ("new", "renewal", "replacement_lost", "replacement_damaged"):
        assert f'name="service" value="{service}"' in html
    assert 'name="if_full" value="next_available"' in html
    assert "08.00–10.00 WIB" in html


def test_the_session_and_track_chosen_on_the_calendar_are_preselected(client, pinned, surabaya):
    html = client.get(
        "/offices/surabaya/book/", {"date": DATE.isoformat(), "session": "10:00", "track": "express"}
    ).content.decode()

    assert re.search(r'value="10:00"[^>]*checked', html)
    assert re.search(r'value="express"[^>]*checked', html)


def test_a_bad_nik_is_reported_beside_the_field_and_announced(client, pinned, surabaya):
    response = client.post("/offices/surabaya/book/", _form(nik="12345"), follow=True)

    html = response.content.decode()
    assert sent_back(response)
    assert _field_error(html, "nik")
    nik_input = re.search(r'<input[^>]*name="nik"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in nik_input
    assert "id_nik_error" in re.search(r'aria-describedby="([^"]+)"', nik_input).group(1)
    assert 'role="alert"' in html and 'href="#id_nik"' in html
    assert not Booking.objects.exists()


def test_a_birth_date_that_disagrees_with_the_nik_is_reported_on_the_birth_date(client, pinned, surabaya):
    html = client.post("/offices/surabaya/book/", _form(birth_date="1991-05-17"), follow=True).content.decode()

    assert _field_error(html, "birth_date")
    assert not _field_error(html, "nik")


def test_a_bad_phone_number_is_reported_beside_it(client, pinned, surabaya):
    html = client.post("/offices/surabaya/book/", _form(phone="12"), follow=True).content.decode()

    assert _field_error(html, "phone")


def test_review_shows_the_details_and_books_nothing_yet(client, pinned, surabaya):
    response = client.post("/offices/surabaya/book/", _form(), follow=True)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.redirect_chain == [("/offices/surabaya/book/review/", 302)]
    assert 'value="confirm"' in html and "Siti Rahayu" in html
    # The number is named as on the form it was typed into ("Telepon" could be a landline).
    assert "<dt>Nomor ponsel</dt>" in html
    assert not Booking.objects.exists()


def _review_fact(html: str, term: str) -> str:
    return re.search(rf"<dt>{term}</dt><dd>(.*?)</dd>", html).group(1)


@pytest.mark.parametrize(
    ("language", "birth", "phone", "birth_shown", "phone_shown"),
    [
        ("id", "Tanggal lahir", "Nomor ponsel", "17 Mei 1990", "0812-3456-7890"),
        ("en", "Date of birth", "Mobile phone number", "17 May 1990", "0812-3456-7890"),
    ],
)
def test_review_reads_the_birth_date_and_number_as_the_person_wrote_them(
    client, pinned, surabaya, language, birth, phone, birth_shown, phone_shown
):
    """They read "Kamis, 17 Mei 1990" (a weekday nobody knows their birth by) and
    "+6281234567890" for a number typed as 0812 3456 7890."""
    html = client.post("/offices/surabaya/book/", _form(), HTTP_ACCEPT_LANGUAGE=language, follow=True).content.decode()
    foreign = client.post("/offices/surabaya/book/", _form(phone="+1 202 555 0100"), follow=True).content.decode()

    assert _review_fact(html, birth) == birth_shown
    assert _review_fact(html, phone) == phone_shown
    assert _review_fact(foreign, "Nomor ponsel") == "+1 202-555-0100"
    # What is sent on is what was typed, whatever is shown ("Change details" gives it back).
    assert 'name="phone" value="0812 3456 7890"' in html


@pytest.mark.parametrize(
    ("language", "told"),
    [
        ("id", "Masukkan nomor ponsel yang benar, misalnya 0812 3456 7890."),
        ("en", "Enter a valid mobile number, for example 0812 3456 7890."),
    ],
)
def test_a_bad_number_is_called_a_mobile_number_as_its_field_is(client, pinned, surabaya, language, told):
    """The field asks for a "Nomor ponsel" and refuses landlines; its error asked for a
    "nomor telepon", which a landline is."""
    response = client.post("/offices/surabaya/book/", _form(phone="08123"), HTTP_ACCEPT_LANGUAGE=language, follow=True)

    assert sent_back(response)
    assert _field_error(response.content.decode(), "phone").endswith(told)


def test_confirming_books_the_place_and_opens_the_proof(client, pinned, surabaya):
    response = _book(client)

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert re.fullmatch(rf"/b/{booking.code}/[A-Za-z0-9_-]+/", response["Location"])
    assert booking.status == BookingStatus.CONFIRMED and booking.date == DATE
    assert Slot.objects.get(id=booking.slot_id).booked == 1
    proof = client.get(response["Location"])
    html = proof.content.decode()
    assert proof.status_code == 200
    assert booking.code in html and "<svg" in html
    assert "Rabu, 2 Desember 2026" in html and "08.00–10.00 WIB" in html
    assert "07.30 WIB" in html  # check-in opens with the office, not an hour before 08.00


def test_no_nik_in_any_url_or_response_after_booking(client, pinned, surabaya):
    response = _book(client)
    proof = client.get(response["Location"])
    pdf = client.get(response["Location"] + "proof.pdf")
    lookup = client.post("/my-booking/", {"code": Booking.objects.get().code, "nik": NIK})

    assert NIK not in response["Location"] and NIK not in lookup["Location"]
    for page in (proof, pdf, lookup):
        assert NIK.encode() not in page.content
    assert b"3578********0001" in proof.content


@pytest.mark.parametrize("path", ["/offices/surabaya/book/?date=2026-12-02", "/my-booking/"])
def test_personal_pages_are_never_stored(client, pinned, surabaya, path):
    response = client.get(path)

    assert "no-store" in response["Cache-Control"]


def test_the_proof_and_its_changes_are_never_stored(client, pinned, surabaya):
    proof = _book(client)["Location"]

    for path in ("", "cancel/", "reschedule/", "queue.json"):
        assert "no-store" in client.get(proof + path)["Cache-Control"], path


def test_a_full_session_is_reported_beside_the_session(client, pinned, surabaya):
    fill(surabaya, DATE)

    html = client.post("/offices/surabaya/book/", _form(), follow=True).content.decode()

    assert _field_error(html, "session")
    assert not Booking.objects.exists()


def test_a_session_that_fills_between_review_and_confirm_is_reported_beside_the_session(client, pinned, surabaya):
    Slot.objects.filter(office=surabaya, date=DATE).update(capacity=1, booked=1)
    from django.core.cache import cache

    cache.clear()
    Slot.objects.filter(office=surabaya, date=DATE).update(booked=0)
    review = client.post("/offices/surabaya/book/", _form(), follow=True)
    assert review.status_code == 200
    Slot.objects.filter(office=surabaya, date=DATE).update(booked=1)

    html = _book(client, follow=True).content.decode()

    assert _field_error(html, "session")


def test_asking_for_the_next_available_date_waits_then_gets_it(client, pinned, surabaya):
    fill(surabaya, DATE)

    response = _book(client, if_full="next_available")

    booking = Booking.objects.get()
    assert booking.status == BookingStatus.WAITING
    html = client.get(response["Location"]).content.decode()
    assert "Menunggu" in html or "Waiting for a place" in html
    waiting_allocate(office_id=surabaya.id, now=NOW)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED and booking.date == DATE + dt.timedelta(days=1)
    html = client.get(response["Location"]).content.decode()
    assert "Kamis, 3 Desember 2026" in html
    assert "Rabu, 2 Desember 2026" in html  # the date asked for is named too


def test_on_a_full_date_a_request_to_be_moved_needs_no_session(client, pinned, surabaya):
    fill(surabaya, DATE)
    form = client.get("/offices/surabaya/book/", {"date": DATE.isoformat(), "if_full": "next_available"})
    assert "Anda tidak perlu memilih" in form.content.decode()

    review = client.post("/offices/surabaya/book/", _form(session="", if_full="next_available"), follow=True)

    assert review.status_code == 200
    assert "Sesi mana pun: tempat kosong paling awal" in review.content.decode()
    response = _book(client, session="", if_full="next_available")
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.status, booking.requested_date) == (BookingStatus.WAITING, DATE)


def _waits_notice(html: str) -> str:
    match = re.search(r"<div class=\"card notice warn\" data-waits>(.*?)</div>", html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def test_the_review_of_a_full_date_without_a_session_speaks_of_the_date(client, pinned, surabaya):
    """It said "This session is full now" of a request that named no session."""
    fill(surabaya, DATE)

    any_session = client.post("/offices/surabaya/book/", _form(session="", if_full="next_available"), follow=True)
    one_session = client.post("/offices/surabaya/book/", _form(session="10:00", if_full="next_available"), follow=True)
    english = client.post(
        "/offices/surabaya/book/", _form(session="", if_full="next_available"), HTTP_ACCEPT_LANGUAGE="en", follow=True
    )

    assert _waits_notice(any_session.content.decode()).startswith("Kuota semua sesi pada tanggal ini sekarang habis.")
    assert _waits_notice(english.content.decode()).startswith("Every session on this date is full now.")
    assert _waits_notice(one_session.content.decode()).startswith("Kuota sesi ini sekarang habis.")


def _fieldset(html: str, name: str) -> str:
    return re.search(rf'<fieldset [^>]*id="id_{name}"[^>]*>', html).group(0)


def test_a_choice_s_hint_is_read_with_its_group(client, pinned, surabaya):
    """On a full date the sessions' hint ("you need not choose one") was not tied to their
    group, so a screen reader went through the full sessions without hearing it."""
    fill(surabaya, DATE)
    html = client.get("/offices/surabaya/book/", {"date": DATE.isoformat()}).content.decode()
    with_error = client.post("/offices/surabaya/book/", _form(session="09:00", if_full="next_available"), follow=True)

    assert 'aria-describedby="id_session_helptext"' in _fieldset(html, "session")
    assert 'id="id_session_helptext"' in html
    assert 'aria-describedby="id_session_helptext id_session_error"' in _fieldset(
        with_error.content.decode(), "session"
    )
    assert "aria-describedby" not in _fieldset(html, "track")  # no hint, no error


def _track_hints(html: str) -> dict[str, str]:
    """Each track offered, by value, with the hint its radio button points at."""
    fieldset = html[html.index('id="id_track"') : html.index("</fieldset>", html.index('id="id_track"'))]
    hints = {}
    for value, hint_id in re.findall(
        r'<input type="radio" name="track" value="(\w+)"[^>]*aria-describedby="([^"]+)"', fieldset
    ):
        hints[value] = re.sub(
            r"\s+", " ", re.search(rf'<p class="help" id="{hint_id}">(.*?)</p>', fieldset, re.S).group(1)
        )
    return hints


@pytest.mark.parametrize(
    ("language", "regular", "express"),
    [
        ("id", "Layanan standar.", "Paspor dapat selesai lebih cepat, misalnya pada hari yang sama, dengan biaya"),
        ("en", "The standard service.", "Your passport can be finished sooner, for example on the same day, for an"),
    ],
)
def test_each_track_offered_says_what_it_means(client, pinned, surabaya, language, regular, express):
    """ "Reguler / Percepatan" said nothing of the express fee; priority is not offered
    online here, so its hint is not shown either."""
    html = client.get("/offices/surabaya/book/", {"date": DATE.isoformat()}, HTTP_ACCEPT_LANGUAGE=language)
    hints = _track_hints(html.content.decode())

    assert set(hints) == {"regular", "express"}
    assert hints["regular"] == regular
    assert hints["express"].startswith(express)
    assert "Rp" not in hints["express"]


def test_only_the_tracks_the_date_has_sessions_for_are_offered(client, pinned, surabaya):
    """An office without express sessions offered "Percepatan", refused only once sent."""
    Slot.objects.filter(office=surabaya, date=DATE, track="express").delete()
    html = client.get("/offices/surabaya/book/", {"date": DATE.isoformat()}).content.decode()

    assert set(_track_hints(html)) == {"regular"}
    assert re.search(r'value="regular"[^>]*checked', html)
    sent = client.post("/offices/surabaya/book/", _form(track="express"), follow=True)
    assert sent_back(sent)
    assert _field_error(sent.content.decode(), "track") == (
        "Kesalahan: Tanggal ini tidak memiliki sesi untuk jalur tersebut. Pilih jalur lain."
    )

    thursday = DATE + dt.timedelta(days=1)
    Slot.objects.filter(office=surabaya, date=thursday, track="regular").delete()
    html = client.get("/offices/surabaya/book/", {"date": thursday.isoformat()}).content.decode()

    assert set(_track_hints(html)) == {"express"}
    assert re.search(r'value="express"[^>]*checked', html)


@override_settings(BOOKING_ONLINE_PRIORITY_TRACK=True)
def test_the_priority_track_s_hint_names_the_priority_groups_when_it_is_offered(client, pinned, surabaya):
    Slot.objects.create(office=surabaya, date=DATE, start=dt.time(8), end=dt.time(10), track="priority", capacity=5)
    html = client.get("/offices/surabaya/book/", {"date": DATE.isoformat()}).content.decode()

    assert _track_hints(html)["priority"] == (
        "Untuk kelompok prioritas: lansia, penyandang disabilitas, ibu hamil, serta bayi/balita."
    )


def test_on_a_full_date_without_a_session_the_choice_to_be_moved_is_asked_for(client, pinned, surabaya):
    fill(surabaya, DATE)

    response = client.post("/offices/surabaya/book/", _form(session=""), follow=True)

    assert sent_back(response)
    assert "Tanggal ini penuh" in _field_error(response.content.decode(), "if_full")
    assert not Booking.objects.exists()


def test_an_unchosen_session_is_named_in_its_error(client, pinned, surabaya):
    response = client.post("/offices/surabaya/book/", _form(session="", track=""), follow=True)

    html = response.content.decode()
    assert sent_back(response)
    assert _field_error(html, "session").endswith("Pilih sesi.")
    assert _field_error(html, "track").endswith("Pilih jalur.")


def test_one_person_cannot_hold_two_bookings(client, pinned, surabaya):
    _book(client)

    response = _book(client, session="10:00", follow=True)

    assert sent_back(response)
    assert Booking.objects.count() == 1
    assert 'role="alert"' in response.content.decode()


def test_a_date_that_cannot_be_booked_says_why(client, pinned, surabaya):
    later = TODAY + dt.timedelta(days=surabaya.booking_window_days + 1)

    html = client.get("/offices/surabaya/book/", {"date": later.isoformat()}).content.decode()

    assert 'name="nik"' not in html
    assert 'class="card notice warn"' in html


def test_my_booking_finds_the_booking_by_code_and_nik(client, pinned, surabaya):
    proof = _book(client)["Location"]
    code = Booking.objects.get().code

    response = client.post("/my-booking/", {"code": code.lower(), "nik": NIK})

    assert response.status_code == 302
    assert response["Location"] == proof


def test_my_booking_gives_one_answer_for_a_wrong_code_or_a_wrong_nik(client, pinned, surabaya):
    _book(client)
    code = Booking.objects.get().code

    wrong_nik = client.post("/my-booking/", {"code": code, "nik": "3578011705900002"}, follow=True)
    wrong_code = client.post("/my-booking/", {"code": "ZZZZZZZZ", "nik": NIK}, follow=True)

    assert looked_up_again(wrong_nik) and looked_up_again(wrong_code)
    assert 'role="alert"' in wrong_nik.content.decode()


def test_the_lookup_form_never_sends_the_nik_in_a_url(client, pinned, db):
    html = client.get("/my-booking/").content.decode()

    assert re.search(r'<form method="post" action="/my-booking/"', html)


@override_settings(RATELIMIT_LOOKUP_IP="3/m")
def test_the_lookup_form_is_rate_limited(client, pinned, surabaya):
    answers = [client.post("/my-booking/", {"code": "ZZZZZZZZ", "nik": NIK}).status_code for _ in range(4)]

    assert answers == [303, 303, 303, 429]


def test_cancelling_asks_first_then_frees_the_place(client, pinned, surabaya):
    proof = _book(client)["Location"]
    booking = Booking.objects.get()

    unconfirmed = client.post(proof + "cancel/", {})
    assert Booking.objects.get().status == BookingStatus.CONFIRMED
    assert unconfirmed.status_code == 303 and unconfirmed["Location"] == proof + "cancel/?unticked=1"
    response = client.post(proof + "cancel/", {"confirm": "on"})

    booking.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == proof
    assert booking.status == BookingStatus.CANCELLED
    assert Slot.objects.get(id=booking.slot_id).booked == 0


def test_rescheduling_moves_the_booking_to_the_chosen_session(client, pinned, surabaya):
    proof = _book(client)["Location"]
    new_date = DATE + dt.timedelta(days=2)

    page = client.get(proof + "reschedule/", {"date": new_date.isoformat()}).content.decode()
    new_slot = Slot.objects.get(office=surabaya, date=new_date, start=dt.time(10, 0), track="regular")
    assert f'value="{new_slot.id}"' in page
    response = client.post(proof + "reschedule/", {"date": new_date.isoformat(), "session": str(new_slot.id)})

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert booking.slot_id == new_slot.id and booking.reschedule_count == 1


def test_a_wrong_token_is_404_everywhere(client, pinned, surabaya):
    _book(client)
    code = Booking.objects.get().code

    for path in ("", "cancel/", "reschedule/", "queue.json"):
        assert client.get(f"/b/{code}/not-the-token/{path}").status_code == 404


def test_the_queue_numbers_come_as_json_for_the_live_refresh(client, pinned, surabaya):
    proof = _book(client)["Location"]

    data = client.get(proof + "queue.json").json()

    assert set(data) >= {"queue_number", "now_serving", "position", "ahead", "estimated_wait", "status"}


def test_switching_language_keeps_the_page_and_translates_it(client, pinned, surabaya):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/offices/surabaya/?date=2026-12-07"})

    assert response.status_code == 302 and response["Location"] == "/offices/surabaya/?date=2026-12-07"
    html = client.get(response["Location"]).content.decode()
    assert '<html lang="en">' in html
    assert "Monday, 7 December 2026" in html and "Choose a date" in html


def test_a_name_of_invisible_characters_is_refused_beside_the_name(client, pinned, surabaya):
    response = client.post("/offices/surabaya/book/", _form(full_name="\u200b\u2060\ufeff"), follow=True)

    assert sent_back(response)
    assert "e-KTP" in _field_error(response.content.decode(), "full_name")
    assert not Booking.objects.exists()


def test_the_error_summary_lists_the_mistakes_in_the_page_s_order(client, pinned, surabaya):
    """The date of birth checked against the NIK was listed below the phone number, which
    comes after it on the page."""
    html = client.post("/offices/surabaya/book/", _form(birth_date="1991-05-17", phone="12"), follow=True)

    anchors = re.findall(r'<li><a href="#(id_\w+)">', html.content.decode())
    assert anchors == ["id_birth_date_0", "id_phone"]
