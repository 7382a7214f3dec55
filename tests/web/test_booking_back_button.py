"""Post/Redirect/Get on the booking path: the review page is a page of its own (GET), so
the browser's Back from the proof shows it again instead of asking to send the form
again ("Confirm Form Resubmission"), and Back after the booking books nothing."""

import datetime as dt
import re

import pytest
import time_machine

from applicants.models import Booking
from applicants.views.booking_draft import COOKIE
from tests.web.conftest import NOW
from tests.web.test_booking_pages import NIK, _form

pytestmark = pytest.mark.django_db

BOOK = "/offices/surabaya/book/"
REVIEW = "/offices/surabaya/book/review/"


def _confirm(client, review_html: str):
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', review_html))
    return client.post(BOOK, {**hidden, "step": "confirm"})


def test_the_form_sent_leads_to_the_review_by_a_redirect(client, pinned, surabaya):
    response = client.post(BOOK, _form())

    assert (response.status_code, response["Location"]) == (302, REVIEW)
    kept = response.cookies[COOKIE]
    assert kept["path"] == BOOK and kept["httponly"] and kept["samesite"] == "Lax"
    assert 0 < kept["max-age"] <= 3600
    # What was typed is kept encrypted: the NIK cannot be read from the cookie.
    assert NIK not in kept.value and "Siti" not in kept.value
    review = client.get(REVIEW)
    assert review.status_code == 200 and "no-store" in review["Cache-Control"]
    html = review.content.decode()
    assert 'value="confirm"' in html and "Siti Rahayu" in html
    assert f'action="{BOOK}"' in html
    assert not Booking.objects.exists()


def test_the_review_loaded_again_is_the_same_review_with_the_same_key(client, pinned, surabaya):
    client.post(BOOK, _form())

    first, again = client.get(REVIEW).content.decode(), client.get(REVIEW).content.decode()

    key = re.compile(r'name="request_key" value="([^"]+)"')
    assert key.search(first).group(1) == key.search(again).group(1)
    assert not Booking.objects.exists()


def test_back_from_the_proof_shows_that_the_booking_is_made_and_books_nothing(client, pinned, surabaya):
    client.post(BOOK, _form())
    proof = _confirm(client, client.get(REVIEW).content.decode())
    assert proof.status_code == 302

    back = client.get(REVIEW)

    html = back.content.decode()
    assert back.status_code == 200
    assert "Pendaftaran Anda sudah dibuat" in html
    assert f'href="{proof["Location"]}"' in html
    assert 'value="confirm"' not in html and NIK not in html
    # After the booking, the cookie keeps only the way to the proof.
    assert NIK not in proof.cookies[COOKIE].value
    assert Booking.objects.count() == 1


def test_the_confirmation_resent_still_opens_the_first_booking(client, pinned, surabaya):
    client.post(BOOK, _form())
    review = client.get(REVIEW).content.decode()

    first, again = _confirm(client, review), _confirm(client, review)

    assert first["Location"] == again["Location"]
    assert Booking.objects.count() == 1


def test_change_details_comes_back_filled_in_by_a_get(client, pinned, surabaya):
    client.post(BOOK, _form())
    hidden = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', client.get(REVIEW).content.decode())
    )

    response = client.post(BOOK, {**hidden, "step": "edit"})

    assert response.status_code == 302
    form = client.get(response["Location"]).content.decode()
    assert 'name="full_name" value="Siti Rahayu"' in form
    assert f'name="nik" value="{NIK}"' in form


def test_a_review_without_its_draft_goes_back_to_the_office(client, pinned, surabaya):
    assert client.get(REVIEW)["Location"] == "/offices/surabaya/"
    client.cookies[COOKIE] = "not-a-draft"
    assert client.get(REVIEW)["Location"] == "/offices/surabaya/"


def test_a_draft_ends_after_an_hour(client, pinned, surabaya):
    client.post(BOOK, _form())

    with time_machine.travel(NOW + dt.timedelta(hours=1, minutes=1), tick=False):
        response = client.get(REVIEW)

    assert response.status_code == 302 and response["Location"] == "/offices/surabaya/"


def test_a_draft_is_for_its_own_office_only(client, pinned, surabaya, malang):
    client.post(BOOK, _form())

    assert client.get("/offices/malang/book/review/")["Location"] == "/offices/malang/"


# --- A form sent with mistakes: the form again, by a GET ---------------------------------

FORM_AGAIN = f"{BOOK}?date={_form()['date']}&change=1"


def test_a_form_with_mistakes_comes_back_by_a_redirect(client, pinned, surabaya):
    """The refused form was the POST's answer: after it was corrected and booked, Back
    landed on it and the browser asked to send the form again."""
    response = client.post(BOOK, _form(nik="12345", full_name=""))

    assert (response.status_code, response["Location"]) == (303, FORM_AGAIN)
    kept = response.cookies[COOKIE]
    assert kept["path"] == BOOK and kept["httponly"] and 0 < kept["max-age"] <= 3600
    assert "12345" not in kept.value and "12345" not in response["Location"]
    assert not Booking.objects.exists()


def test_the_form_after_the_redirect_shows_the_same_errors_and_what_was_typed(client, pinned, surabaya):
    client.post(BOOK, _form(nik="12345", full_name="", phone="0812 3456 7890"))

    again = client.get(FORM_AGAIN)

    html = again.content.decode()
    assert again.status_code == 200 and "no-store" in again["Cache-Control"]
    summary = re.search(r'<div class="form-error" role="alert" tabindex="-1" data-error-summary.*?</div>', html, re.S)
    assert summary and 'href="#id_full_name"' in summary.group(0) and 'href="#id_nik"' in summary.group(0)
    nik = re.search(r'<input[^>]*name="nik"[^>]*>', html).group(0)
    assert 'value="12345"' in nik  # as the POST's answer showed it: the person's own typing, on a no-store page
    assert 'aria-invalid="true"' in nik and "id_nik_error" in nik
    assert 'id="id_full_name_error"' in html
    assert 'name="phone" value="0812 3456 7890"' in html
    assert re.search(r'value="08:00"[^>]*checked', html)


def test_a_refused_confirmation_comes_back_with_the_booking_service_s_error(client, pinned, surabaya):
    client.post(BOOK, _form())
    _confirm(client, client.get(REVIEW).content.decode())
    client.post(BOOK, _form(session="10:00"))

    refused = _confirm(client, client.get(REVIEW).content.decode())

    assert (refused.status_code, refused["Location"]) == (303, FORM_AGAIN)
    html = client.get(FORM_AGAIN).content.decode()
    assert "NIK ini sudah memiliki pendaftaran aktif" in html
    assert 'href="/my-booking/">Buka Pendaftaran saya</a>' in html
    nik = re.search(r'<input[^>]*name="nik"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in nik and "id_nik_error" in nik
    assert re.search(r'value="10:00"[^>]*checked', html)
    assert Booking.objects.count() == 1


@pytest.mark.parametrize("cookie", [None, "not-a-draft"])
def test_the_form_without_a_draft_is_empty_and_says_nothing_wrong(client, pinned, surabaya, cookie):
    if cookie:
        client.cookies[COOKIE] = cookie

    html = client.get(FORM_AGAIN).content.decode()

    assert "data-error-summary" not in html and "field-error" not in html
    assert 'name="full_name" value=' not in html and 'name="nik" value=' not in html


def test_the_form_with_a_draft_gone_stale_is_empty(client, pinned, surabaya):
    client.post(BOOK, _form(nik="12345"))

    with time_machine.travel(NOW + dt.timedelta(hours=1, minutes=1), tick=False):
        html = client.get(FORM_AGAIN).content.decode()

    assert "data-error-summary" not in html and 'value="12345"' not in html


def test_back_to_the_refused_form_after_booking_shows_the_way_to_the_proof(client, pinned, surabaya):
    client.post(BOOK, _form(nik="12345"))
    client.post(BOOK, _form())
    proof = _confirm(client, client.get(REVIEW).content.decode())

    back = client.get(FORM_AGAIN)

    html = back.content.decode()
    assert "Pendaftaran Anda sudah dibuat" in html and f'href="{proof["Location"]}"' in html
    assert 'value="review"' not in html and NIK not in html
    assert Booking.objects.count() == 1


def test_a_form_too_big_to_keep_is_answered_as_before(client, pinned, surabaya):
    response = client.post(BOOK, _form(full_name="x" * 4000))

    assert response.status_code == 400
    assert COOKIE not in response.cookies
    assert 'id="id_full_name_error"' in response.content.decode()
