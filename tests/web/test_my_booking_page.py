""" "Find my booking": a code that cannot be a code is told what a code looks like, at
once and without using up an attempt; a well-formed code is answered as before, the same
for a wrong code and a wrong NIK; refusals read as refusals, not as mistakes to correct."""

import re

import pytest

from applicants.models import Booking
from applicants.proof import CODE_ALPHABET
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
    response = client.post("/my-booking/", {"code": typed, "nik": NIK})
    english = client.post("/my-booking/", {"code": typed, "nik": NIK}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
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
        assert client.post("/my-booking/", {"code": typed, "nik": NIK}).status_code == 400
    found = client.post("/my-booking/", {"code": f"{code[:4].lower()}-{code[4:]}", "nik": NIK})

    assert found.status_code == 302 and found["Location"] == proof


def test_a_well_formed_wrong_code_and_a_wrong_nik_get_the_same_answer(client, pinned, surabaya):
    _book(client)
    code = Booking.objects.get().code
    other = next(c for c in CODE_ALPHABET if c != code[0]) + code[1:]

    wrong_nik = client.post("/my-booking/", {"code": code, "nik": "3578011705900002"})
    wrong_code = client.post("/my-booking/", {"code": other, "nik": NIK})

    assert wrong_nik.status_code == wrong_code.status_code == 404
    assert _summary(wrong_nik.content.decode()) == _summary(wrong_code.content.decode())
    assert _error(wrong_code.content.decode(), "code") == ""


def test_no_booking_found_is_not_presented_as_a_mistake_to_correct(client, pinned, surabaya):
    response = client.post("/my-booking/", {"code": "ZZZZZZZZ", "nik": NIK})

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
    response = client.post("/my-booking/", {"code": "ZZZZZZZ", "nik": ""})

    assert _summary(response.content.decode()).startswith(f" {HEADING} ")


def test_someone_without_their_code_is_told_the_office_can_find_the_booking(client, pinned, surabaya):
    """ "Lost your code? It is in the SMS or email" left a person whose SMS was gone with
    nowhere to go; the desk can find the booking by the NIK on the e-KTP."""
    indonesian = client.get("/my-booking/").content.decode()
    english = client.get("/my-booking/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert re.search(r"<p class=\"help\" data-no-code>Tidak ada lagi SMS atau email\? Bawa e-KTP Anda", indonesian)
    assert "staff can find your booking by your NIK and print your proof." in english
