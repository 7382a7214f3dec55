""" "Ubah nomor ponsel atau email": the applicant changes their contact from the proof page."""

import re

import pytest
from django.test import override_settings

from applicants.models import Applicant, Booking, BookingStatus, BookingTransition, Notification
from tests.web.test_booking_pages import _book

pytestmark = pytest.mark.django_db


@pytest.fixture
def proof(client, pinned, surabaya) -> str:
    return _book(client, email="siti@example.org")["Location"]


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _contact() -> tuple[str, str]:
    applicant = Applicant.objects.get()
    return applicant.phone, applicant.email


def test_the_proof_page_offers_to_change_the_contact_in_indonesian(client, proof):
    page = client.get(proof).content.decode()

    assert f'href="{proof}contact/"' in page
    assert "Ubah nomor ponsel atau email" in page


def test_the_page_shows_the_contact_masked_with_labelled_fields_and_changes_nothing(client, proof):
    page = client.get(proof + "contact/")

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert 'data-current="phone">\u2022\u2022\u20227890<' in html
    assert 'data-current="email">s\u2022\u2022\u2022@e\u2022\u2022\u2022.org<' in html
    assert "+6281234567890" not in html and "siti@example.org" not in html
    for name, label in (("phone", "Nomor ponsel baru"), ("email", "Alamat email baru")):
        assert re.search(rf'<label for="id_{name}">{label}', html)
        assert f'name="{name}"' in html
    assert re.search(r'<input type="checkbox" name="remove_email"[^>]*id="id_remove_email"', html)
    assert '<label for="id_remove_email">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert _contact() == ("+6281234567890", "siti@example.org")


def test_a_plain_form_post_changes_the_phone_and_opens_the_proof_with_what_happened(client, proof):
    response = client.post(proof + "contact/", {"phone": "0813-1111-2222", "email": ""})

    assert response.status_code == 302 and response["Location"] == proof
    assert _contact() == ("+6281311112222", "siti@example.org")
    assert BookingTransition.objects.get(reason="contact_changed").detail == {"fields": ["phone"], "via": "web"}
    told = set(Notification.objects.exclude(dedupe_key="confirmation").values_list("kind", "channel"))
    assert told == {("confirmation", "sms"), ("contact_changed", "sms"), ("contact_changed", "email")}
    page = _text(client.get(proof))
    assert "Kontak Anda sudah diubah." in page
    assert "nomor berakhiran 2222" in page


def test_the_email_can_be_removed(client, proof):
    response = client.post(proof + "contact/", {"phone": "", "email": "", "remove_email": "on"})

    assert response.status_code == 302
    assert _contact() == ("+6281234567890", "")
    assert "pesan tentang pendaftaran Anda kini hanya dikirim melalui SMS" in _text(client.get(proof))


def test_a_bad_phone_is_reported_in_the_summary_and_beside_the_field(client, proof):
    response = client.post(proof + "contact/", {"phone": "12345", "email": "siti.baru@example.org"})

    assert response.status_code == 400
    html = response.content.decode()
    summary = re.search(r'<div class="form-error" role="alert".*?</div>', html, re.S).group(0)
    assert '<a href="#id_phone">Nomor ponsel baru: ' in summary
    assert '<p class="field-error" id="id_phone_error">' in html
    assert re.search(r'<input type="tel"[^>]*aria-describedby="id_phone_error id_phone_helptext"', html)
    assert _contact() == ("+6281234567890", "siti@example.org")


def test_a_bad_email_is_reported_in_english_too(client, proof):
    response = client.post(proof + "contact/", {"email": "siti@"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "New email address: Enter a valid email address." in _text(response)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"phone": "", "email": ""}, "Masukkan nomor ponsel atau alamat email baru."),
        ({"email": "siti.baru@example.org", "remove_email": "on"}, "jangan keduanya"),
        ({"phone": "+62 812-3456-7890"}, "tidak ada yang diubah"),
    ],
)
def test_nothing_to_change_is_said_and_nothing_is_sent(client, proof, data, message):
    response = client.post(proof + "contact/", data)

    assert response.status_code == 400
    assert message in _text(response)
    assert not Notification.objects.exclude(dedupe_key="confirmation").exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_wrong_token_is_a_404(client, proof, method):
    code = proof.split("/")[2]

    response = getattr(client, method)(f"/b/{code}/not-the-token/contact/", {"phone": "0813-1111-2222"})

    assert response.status_code == 404
    assert _contact()[0] == "+6281234567890"


def test_a_cancelled_booking_says_why_and_offers_no_change(client, proof):
    Booking.objects.update(status=BookingStatus.CANCELLED, slot=None)

    assert f"{proof}contact/" not in client.get(proof).content.decode()
    page = client.get(proof + "contact/")
    assert page.status_code == 200 and "tidak dapat diubah lagi" in _text(page) and "<form" not in _text(page)
    refused = client.post(proof + "contact/", {"phone": "0813-1111-2222"})
    assert refused.status_code == 409
    assert _contact()[0] == "+6281234567890"


@override_settings(RATELIMIT_CONTACT_CODE="1/h")
def test_changes_are_rate_limited_per_booking(client, proof):
    assert client.post(proof + "contact/", {"phone": "0813-1111-2222"}).status_code == 302

    limited = client.post(proof + "contact/", {"phone": "0813-1111-3333"})

    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert "Terlalu banyak percobaan" in _text(limited)
    assert _contact()[0] == "+6281311112222"


def test_the_page_is_in_english_when_asked(client, proof):
    client.cookies["django_language"] = "en"

    text = _text(client.get(proof + "contact/"))

    assert "Change phone or email" in text and "Where messages go now" in text
    assert "Now \u2022\u2022\u20227890. Leave empty to keep it." in text


def _summary(response) -> str:
    match = re.search(r'<div class="form-error" role="alert".*?</div>', response.content.decode(), re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))).strip() if match else ""


@override_settings(RATELIMIT_CONTACT_CODE="1/h")
def test_refusals_are_not_presented_as_mistakes_to_correct(client, proof):
    """ "Please correct the following:" over "Too many attempts" asked for a correction nobody could make."""
    same = client.post(proof + "contact/", {"phone": "+62 812-3456-7890"})
    limited = client.post(proof + "contact/", {"phone": "0813-1111-3333"})
    mistake = client.post(proof + "contact/", {"phone": "", "email": ""})

    assert _summary(same) == "Kontak ini memang sudah tercatat untuk pendaftaran ini: tidak ada yang diubah."
    assert _summary(limited).startswith("Terlalu banyak percobaan.")
    assert _summary(mistake) == "Mohon perbaiki hal berikut: Masukkan nomor ponsel atau alamat email baru."
