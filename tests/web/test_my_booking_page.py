""" "Find my booking": a code that cannot be a code is told what a code looks like, at
once and without using up an attempt; a well-formed code is answered as before, the same
for a wrong code and a wrong NIK; refusals read as refusals, not as mistakes to correct."""

import re

import pytest

from applicants.models import Booking
from applicants.proof import CODE_ALPHABET
from applicants.views.lookup_draft import COOKIE
from tests.web.conftest import looked_up_again
from tests.web.test_applicant_guidance import _error, _summary
from tests.web.test_booking_pages import NIK, _book

pytestmark = pytest.mark.django_db

SHAPE_ID = (
    "Kode pendaftaran terdiri atas 8 karakter: huruf A sampai Z kecuali I dan O, serta angka 2 sampai 9. "
    "Salin dari bukti pendaftaran atau SMS dari kami."
)
SHAPE_EN = (
    "A booking code has 8 characters: the letters A to Z except I and O, and the digits 2 to 9. "
    "Copy it from your proof of registration or our SMS."
)
HEADING = "Mohon perbaiki hal berikut:"


@pytest.mark.parametrize(
    "typed",
    ["ABCD234", "ABCD23456", "ABCD2340", "ABCD2341", "ABCDI234", "ABCDO234", "ABCD23456789", "ABCD 234?"],
)
def test_a_code_of_an_impossible_shape_is_told_what_a_code_looks_like(client, pinned, surabaya, typed):
    response = client.post("/my-booking/", {"code": typed, "nik": NIK}, follow=True)
    english = client.post("/my-booking/", {"code": typed, "nik": NIK}, HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert looked_up_again(response)
    assert _error(response.content.decode(), "code") == SHAPE_ID
    assert _error(english.content.decode(), "code") == SHAPE_EN
    assert "No booking matches" not in english.content.decode()


def test_the_described_characters_are_the_code_alphabet():
    described = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ") - {"I", "O"} | set("23456789")
    assert described == set(CODE_ALPHABET)


def test_a_mistyped_code_spends_no_attempt(client, pinned, surabaya, settings):
    settings.RATELIMIT_LOOKUP_IP = settings.RATELIMIT_LOOKUP_NIK = settings.RATELIMIT_LOOKUP_CODE = "1/m"
    proof = _book(client)["Location"]
    code = Booking.objects.get().code

    for typed in (code[:7], code + "2", "O" + code[1:], "1" + code[1:]):
        assert client.post("/my-booking/", {"code": typed, "nik": NIK}).status_code == 303
    found = client.post("/my-booking/", {"code": f"{code[:4].lower()}-{code[4:]}", "nik": NIK})

    assert found.status_code == 302 and found["Location"] == proof


def test_a_well_formed_wrong_code_and_a_wrong_nik_get_the_same_answer(client, pinned, surabaya):
    _book(client)
    code = Booking.objects.get().code
    other = next(c for c in CODE_ALPHABET if c != code[0]) + code[1:]

    wrong_nik = client.post("/my-booking/", {"code": code, "nik": "3578011705900002"}, follow=True)
    wrong_code = client.post("/my-booking/", {"code": other, "nik": NIK}, follow=True)

    assert looked_up_again(wrong_nik) and looked_up_again(wrong_code)
    assert _summary(wrong_nik.content.decode()) == _summary(wrong_code.content.decode())
    assert _error(wrong_code.content.decode(), "code") == ""


def test_no_booking_found_is_not_presented_as_a_mistake_to_correct(client, pinned, surabaya):
    response = client.post("/my-booking/", {"code": "ZZZZZZZZ", "nik": NIK}, follow=True)

    summary = _summary(response.content.decode())
    assert summary.strip() == "Tidak ada pendaftaran dengan kode dan NIK ini. Periksa keduanya dan coba lagi."
    assert HEADING not in summary
    assert "data-error-summary" in response.content.decode()


def test_too_many_attempts_is_not_presented_as_a_mistake_to_correct(client, pinned, surabaya, settings):
    settings.RATELIMIT_LOOKUP_CODE = "1/h"
    client.post("/my-booking/", {"code": "ZZZZZZZZ", "nik": NIK})

    response = client.post("/my-booking/", {"code": "ZZZZZZZZ", "nik": NIK}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 429
    summary = _summary(response.content.decode())
    assert re.fullmatch(r" ?Too many attempts\. Wait \d+ minutes, then try again\. ?", summary), summary
    assert "Please correct the following" not in summary


def test_a_mistake_to_correct_keeps_its_heading(client, pinned, surabaya):
    response = client.post("/my-booking/", {"code": "ZZZZZZZ", "nik": ""}, follow=True)

    assert _summary(response.content.decode()).startswith(f" {HEADING} ")


def test_someone_without_their_code_is_told_the_office_can_find_the_booking(client, pinned, surabaya):
    """ "Lost your code? It is in the SMS or email" left a person whose SMS was gone with
    nowhere to go; the desk can find the booking by the NIK on the e-KTP."""
    indonesian = client.get("/my-booking/").content.decode()
    english = client.get("/my-booking/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert re.search(r"<p class=\"help\" data-no-code>Tidak ada lagi SMS atau email\? Bawa e-KTP Anda", indonesian)
    assert "staff can find your booking by your NIK and print your proof." in english


# --- A refused look-up comes back by a GET (Post/Redirect/Get) ---------------------------


def test_a_refused_look_up_comes_back_on_the_form_by_a_redirect(client, pinned, surabaya):
    """It was the POST's answer: corrected, the proof opened, and Back from it asked to
    send the form again ("Confirm Form Resubmission")."""
    refused = client.post("/my-booking/", {"code": "ZZZZZZZZ", "nik": NIK})

    assert (refused.status_code, refused["Location"]) == (303, "/my-booking/?again=1")
    kept = refused.cookies[COOKIE]
    assert kept["path"] == "/my-booking/" and kept["httponly"] and 0 < kept["max-age"] <= 15 * 60
    assert NIK not in kept.value and NIK not in refused["Location"]
    again = client.get("/my-booking/?again=1")
    html = again.content.decode()
    assert again.status_code == 200 and "no-store" in again["Cache-Control"]
    assert _summary(html).strip() == "Tidak ada pendaftaran dengan kode dan NIK ini. Periksa keduanya dan coba lagi."
    assert 'name="code" value="ZZZZZZZZ"' in html and f'name="nik" value="{NIK}"' in html


def test_a_look_up_with_a_mistake_comes_back_with_the_mistake_marked(client, pinned, surabaya):
    client.post("/my-booking/", {"code": "ZZZZ", "nik": "123"})

    html = client.get("/my-booking/?again=1").content.decode()

    assert _summary(html).startswith(f" {HEADING} ")
    for name in ("code", "nik"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in field and f"id_{name}_error" in field


def test_the_look_up_found_forgets_what_was_typed(client, pinned, surabaya):
    proof = _book(client)["Location"]
    client.post("/my-booking/", {"code": "ZZZZZZZZ", "nik": NIK})

    found = client.post("/my-booking/", {"code": Booking.objects.get().code, "nik": NIK})

    assert found["Location"] == proof
    assert found.cookies[COOKIE].value == "" and found.cookies[COOKIE]["path"] == "/my-booking/"
    back = client.get("/my-booking/?again=1").content.decode()
    assert NIK not in back and "data-error-summary" not in back


@pytest.mark.parametrize("cookie", [None, "not-a-draft"])
def test_the_look_up_form_without_a_draft_is_empty(client, db, cookie):
    if cookie:
        client.cookies[COOKIE] = cookie

    html = client.get("/my-booking/?again=1").content.decode()

    assert "data-error-summary" not in html and 'name="nik" value=' not in html
