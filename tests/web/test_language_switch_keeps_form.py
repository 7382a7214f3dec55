"""Switching language on the booking form or its review page keeps what was typed
(queue_booking/language_switch.py): the header's buttons send the page's form back to it."""

import re

import pytest
from django.conf import settings

from applicants.models import Booking
from tests.web.test_booking_pages import _form

pytestmark = pytest.mark.django_db

URL = "/offices/surabaya/book/"


def _value(html: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    found = tag and re.search(r'value="([^"]*)"', tag.group(0))
    return found.group(1) if found else None


def test_the_language_switch_names_the_booking_form(client, pinned, surabaya):
    html = client.get(URL, {"date": _form()["date"]}).content.decode()

    assert '<form method="post" action="/offices/surabaya/book/" class="form" id="booking-form"' in html
    switch = re.search(r'<form class="lang-switch"[^>]*>', html).group(0)
    assert 'data-language-form="booking-form"' in switch
    # The buttons stay in their own form: never the booking form's default button (Enter).
    buttons = re.findall(r"<button[^>]*lang-button[^>]*>", html)
    assert [re.search(r'value="(\w+)"', b).group(1) for b in buttons] == ["id", "en"]
    assert all('name="language"' in b and "form=" not in b for b in buttons)


def test_other_pages_keep_the_plain_language_switch(client, pinned, surabaya):
    html = client.get("/offices/surabaya/").content.decode()

    assert "data-language-form" not in html


def test_switching_on_the_form_shows_what_was_typed_in_the_new_language(client, pinned, surabaya):
    typed = _form(nik="3578011705", email="not-yet", switch_language="en")  # half typed: no errors yet

    response = client.post(URL, typed, follow=True)

    html = response.content.decode()
    assert response.status_code == 200
    # By a GET, so that Back later in the booking never lands on a form to send again.
    assert response.redirect_chain == [(f"{URL}?date={typed['date']}&change=1", 302)]
    assert response["Content-Language"] == "en"
    assert '<html lang="en"' in html and "Book an appointment" in html
    assert _value(html, "full_name") == "Siti Rahayu"
    assert _value(html, "nik") == "3578011705"
    assert _value(html, "phone") == "0812 3456 7890"
    assert _value(html, "email") == "not-yet"
    assert re.search(r'value="08:00"[^>]*checked', html)
    assert 'class="field-error"' not in html and 'role="alert"' not in html
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert not Booking.objects.exists()
    # The choice is remembered, as the header's plain switch remembers it.
    assert '<html lang="en"' in client.get("/offices/surabaya/").content.decode()


def test_switching_on_the_review_page_shows_it_again_with_the_same_key(client, pinned, surabaya):
    review = client.post(URL, _form(), follow=True).content.decode()
    key = _value(review, "request_key")
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', review))
    assert key and hidden["nik"]

    response = client.post(URL, {**hidden, "switch_language": "en"}, follow=True)

    html = response.content.decode()
    assert response.status_code == 200 and response["Content-Language"] == "en"
    # Shown again by a GET, as the first time: Back from the proof never resends a form.
    assert response.redirect_chain == [("/offices/surabaya/book/review/", 302)]
    assert "Check and confirm" in html and "Siti Rahayu" in html
    assert _value(html, "request_key") == key
    assert not Booking.objects.exists()
    # Confirming the page shown again books once, and the same confirmation again opens that booking.
    first = client.post(URL, {**hidden, "step": "confirm"})
    again = client.post(URL, {**hidden, "step": "confirm"})
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Booking.objects.count() == 1


def test_an_unknown_language_is_not_a_switch(client, pinned, surabaya):
    response = client.post(URL, _form(switch_language="xx"), follow=True)

    # Treated as the form's own "Continue": the review page, in the page's language.
    assert response.status_code == 200 and "Periksa dan konfirmasi" in response.content.decode()
    assert response["Content-Language"] == "id"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_switching_on_my_booking_keeps_the_code_and_nik_and_looks_nothing_up(client, pinned, surabaya):
    """The code and NIK typed into "My booking" were lost on a language switch."""
    page = client.get("/my-booking/").content.decode()
    assert 'data-language-form="lookup-form"' in page and 'id="lookup-form"' in page

    response = client.post("/my-booking/", {"code": "abcd", "nik": "35780117", "switch_language": "en"})

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en"' in html and "Find my booking" in html
    assert (_value(html, "code"), _value(html, "nik")) == ("abcd", "35780117")
    assert 'class="field-error"' not in html and 'role="alert"' not in html
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
