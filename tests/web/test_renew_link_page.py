""" "Ganti tautan rahasia": renewing a booking's secret link from its proof page."""

import re

import pytest
from django.test import Client, override_settings

from applicants.models import Booking, BookingStatus, BookingTransition
from tests.web.test_booking_pages import _book

pytestmark = pytest.mark.django_db

OLD_LINK_PATHS = ("", "proof.pdf", "calendar.ics", "cancel/", "reschedule/", "renew-link/", "queue.json")


@pytest.fixture
def proof(client, pinned, surabaya) -> str:
    return _book(client)["Location"]


def _page(response, path: str) -> str:
    """A page as any visitor of ``path`` gets it: without its own address (the language
    switch returns to it) and the per-response CSRF mask."""
    html = response.content.decode().replace(path, "PATH")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_proof_page_offers_to_renew_the_link_in_indonesian(client, proof):
    page = client.get(proof).content.decode()

    assert f'href="{proof}renew-link/"' in page
    assert "Ganti tautan rahasia" in page


def test_the_page_explains_first_and_changes_nothing(client, proof):
    token_hash = Booking.objects.get().token_hash

    page = client.get(proof + "renew-link/")

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    text = _text(page)
    assert "Ganti tautan rahasia" in text
    assert "Tautan yang sekarang langsung tidak berlaku" in text
    assert "tetap sama: kode, tanggal, sesi, dan kode QR yang sama" in text
    html = page.content.decode()
    form = re.search(r'<form method="post" class="form" data-submit-once[^>]*>(.*?)</form>', html, re.S).group(1)
    assert 'name="csrfmiddlewaretoken"' in form
    assert Booking.objects.get().token_hash == token_hash
    assert not BookingTransition.objects.filter(reason="token_renewed").exists()


@pytest.mark.parametrize(("language", "label"), [("id", "Mengirim…"), ("en", "Sending…")])
def test_the_renew_button_says_it_is_sending_once_pressed(client, proof, language, label):
    """As the booking's other forms do (static/js/app.js, data-submit-once): a slow phone
    showed nothing happening after the tap, and people tapped again."""
    html = client.get(proof + "renew-link/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    form = re.search(r"<form [^>]*data-submit-once[^>]*>", html).group(0)
    assert f'data-sending-label="{label}"' in form


def _sent_to(response) -> str:
    return re.sub(r"\s+", " ", re.search(r"<li data-sent-to>(.*?)</li>", response.content.decode(), re.S).group(1))


def test_the_page_says_where_the_new_link_is_sent(client, proof):
    """It promised the link "to the email address and phone number you gave" to a person
    who gave no email."""
    booking = Booking.objects.get()
    assert booking.applicant.phone == "+6281234567890" and not booking.applicant.email

    sms_only = _sent_to(client.get(proof + "renew-link/"))
    booking.applicant.email = "siti@example.com"
    booking.applicant.save(update_fields=["email"])
    both = _sent_to(client.get(proof + "renew-link/", HTTP_ACCEPT_LANGUAGE="en"))

    assert sms_only == (
        "Anda langsung mendapat tautan baru, dan kami mengirimkannya melalui SMS ke nomor berakhiran 7890."
    )
    assert both == ("You get a new link right away, and we send it by SMS to the number ending in 7890, and by email.")


def test_renewing_opens_the_new_link_once_with_what_to_do_next(client, proof):
    booking = Booking.objects.get()

    response = client.post(proof + "renew-link/")

    assert response.status_code == 302
    new = response["Location"]
    assert re.fullmatch(rf"/b/{booking.code}/[A-Za-z0-9_-]+/", new) and new != proof
    page = client.get(new)
    assert page.status_code == 200
    text = _text(page)
    assert "Pendaftaran Anda kini memiliki tautan rahasia baru. Tautan lama tidak berlaku lagi." in text
    assert "Tautan rahasia baru Anda" in text
    assert f"http://127.0.0.1:8000{new}" in text
    assert "Unduh PDF baru di bawah, atau cetak halaman ini." in text
    # The booking is what it was.
    assert booking.code in text and "Rabu, 2 Desember 2026" in text
    assert "<svg" in page.content.decode()
    fresh = Booking.objects.get()
    assert (fresh.status, fresh.slot_id, fresh.code) == (booking.status, booking.slot_id, booking.code)
    # Shown once: the link stays out of the page afterwards.
    assert "Tautan rahasia baru Anda" not in _text(client.get(new))


@pytest.mark.parametrize("path", OLD_LINK_PATHS)
def test_the_old_link_is_the_usual_not_found_page_afterwards(client, proof, path):
    wrong_path = f"/b/{Booking.objects.get().code}/not-the-token/{path}"
    wrong = client.get(wrong_path)
    new = client.post(proof + "renew-link/")["Location"]
    client.get(new)  # where the renewal leads

    old = client.get(proof + path)

    assert old.status_code == wrong.status_code == 404
    assert _page(old, proof + path) == _page(wrong, wrong_path)
    assert client.get(new + path).status_code == 200


def test_a_second_post_from_the_old_link_is_not_found_and_keeps_the_first_renewal(client, proof):
    new = client.post(proof + "renew-link/")["Location"]

    again = client.post(proof + "renew-link/")

    assert again.status_code == 404
    assert client.get(new).status_code == 200
    assert BookingTransition.objects.filter(reason="token_renewed").count() == 1


def test_a_wrong_token_renews_nothing(client, proof):
    booking = Booking.objects.get()

    for method in (client.get, client.post):
        assert method(f"/b/{booking.code}/not-the-token/renew-link/").status_code == 404
    assert Booking.objects.get().token_hash == booking.token_hash
    assert client.get(proof).status_code == 200


def test_renewing_needs_the_csrf_token(pinned, surabaya):
    browser = Client(enforce_csrf_checks=True)
    proof = _book(Client())["Location"]

    refused = browser.post(proof + "renew-link/")

    assert refused.status_code == 403
    assert browser.get(proof).status_code == 200
    page = browser.get(proof + "renew-link/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(proof + "renew-link/", {"csrfmiddlewaretoken": csrf}).status_code == 302


def test_the_renewal_is_logged_as_made_on_the_web(client, proof):
    client.post(proof + "renew-link/")

    [logged] = BookingTransition.objects.filter(reason="token_renewed")
    assert logged.detail == {"via": "web"}
    assert proof.split("/")[3] not in str(logged.detail)


@pytest.mark.parametrize("status", [BookingStatus.CANCELLED, BookingStatus.SERVED])
def test_an_ended_booking_says_why_it_cannot_get_a_new_link(client, proof, status):
    Booking.objects.update(status=status)

    assert f"{proof}renew-link/" not in client.get(proof).content.decode()
    page = client.get(proof + "renew-link/")
    posted = client.post(proof + "renew-link/")

    assert page.status_code == 200 and posted.status_code == 409
    label = {"cancelled": "Dibatalkan", "served": "Selesai dilayani"}[status]
    assert f"Tautan rahasia pendaftaran ini tidak dapat diganti lagi: statusnya “{label}”." in _text(page), _text(page)[
        :2000
    ]
    assert "<form" not in page.content.decode().split("<main", 1)[1]
    assert client.get(proof).status_code == 200
    assert not BookingTransition.objects.filter(reason="token_renewed").exists()


@override_settings(RATELIMIT_RENEW_CODE="1/h")
def test_renewing_is_rate_limited_per_booking(client, proof):
    new = client.post(proof + "renew-link/")["Location"]

    limited = client.post(new + "renew-link/")

    assert limited.status_code == 429
    assert 'role="alert"' in limited.content.decode()
    assert client.get(new).status_code == 200
