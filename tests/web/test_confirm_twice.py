"""The review page's "Confirm booking" sent twice books once.

On a phone the answer to the confirmation can be lost on the way (a tunnel, a lift, a
network that gives up) after the booking was made. The person presses again, or reloads
and lets the browser send the form again: without a key of its own they would meet "you
already hold a booking" with no code to open it, since the proof never reached them.
"""

import re

import pytest

from applicants.models import Booking, IdempotencyKey
from applicants.services.retention import _answer_code
from offices.models import Slot
from tests.web.conftest import sent_back
from tests.web.test_booking_pages import _form

pytestmark = pytest.mark.django_db

BOOK = "/offices/surabaya/book/"


def _review_key(client, **overrides) -> str:
    html = client.post(BOOK, _form(**overrides), follow=True).content.decode()
    return re.search(r'<input type="hidden" name="request_key" value="([^"]+)">', html).group(1)


def _confirm(client, key: str | None, *, follow: bool = False, **overrides):
    data = _form(step="confirm", **overrides)
    if key is not None:
        data["request_key"] = key
    return client.post(BOOK, data, follow=follow)


def test_each_review_carries_a_new_confirmation_key(client, pinned, surabaya):
    first, second = _review_key(client), _review_key(client)

    assert len(first) >= 32
    assert first != second
    assert not Booking.objects.exists()


def test_the_same_confirmation_sent_again_opens_the_first_one_s_proof(client, pinned, surabaya):
    key = _review_key(client)

    first = _confirm(client, key)
    again = _confirm(client, key)

    booking = Booking.objects.get()
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert re.fullmatch(rf"/b/{booking.code}/[A-Za-z0-9_-]+/", again["Location"])
    assert Slot.objects.get(id=booking.slot_id).booked == 1
    assert client.get(again["Location"]).status_code == 200


def test_the_stored_answer_keeps_the_secret_link_encrypted(client, pinned, surabaya):
    key = _review_key(client)
    location = _confirm(client, key)["Location"]

    stored = IdempotencyKey.objects.get(key=key)
    token = location.rstrip("/").rsplit("/", 1)[1]
    assert stored.scope == "web.book.confirm"
    assert token not in str(stored.response_body)
    # It names its booking as the API's answers do, so erasing the person's data finds it.
    assert _answer_code(stored.response_body) == Booking.objects.get().code


def test_without_a_key_a_second_confirmation_is_refused_as_before(client, pinned, surabaya):
    """A review page rendered before the key existed still books, once."""
    assert _confirm(client, None).status_code == 302

    again = _confirm(client, None, follow=True)

    assert sent_back(again)
    assert "NIK ini sudah memiliki pendaftaran aktif" in again.content.decode()
    assert Booking.objects.count() == 1


def test_a_new_review_is_a_new_confirmation(client, pinned, surabaya):
    _confirm(client, _review_key(client))

    other = _confirm(client, _review_key(client, session="10:00"), session="10:00", follow=True)

    assert sent_back(other) and "NIK ini sudah memiliki pendaftaran aktif" in other.content.decode()  # one person
    assert Booking.objects.count() == 1


def test_a_key_sent_with_other_details_books_nothing_and_says_why(client, pinned, surabaya):
    key = _review_key(client)
    _confirm(client, key)
    Booking.objects.all().delete()

    response = _confirm(client, key, full_name="Orang Lain", follow=True)

    assert sent_back(response)
    assert not Booking.objects.exists()
    assert "Periksa data Anda dan konfirmasi lagi" in response.content.decode()


def test_a_refused_confirmation_is_not_kept_so_sending_it_again_tries_again(client, pinned, surabaya):
    key = _review_key(client)
    slot = Slot.objects.get(office__code="surabaya", date=_form()["date"], start="08:00", track="regular")
    booked = slot.booked
    Slot.objects.filter(id=slot.id).update(booked=slot.capacity)  # taken while the person read the review

    full = _confirm(client, key)
    assert full.status_code == 303
    assert not IdempotencyKey.objects.filter(key=key).exists()

    Slot.objects.filter(id=slot.id).update(booked=booked)  # someone cancelled
    assert _confirm(client, key).status_code == 302
    assert Booking.objects.count() == 1


def test_a_second_press_while_the_first_is_still_booking_is_told_to_wait(client, pinned, surabaya):
    key = _review_key(client)
    _confirm(client, key)
    # As the first request's claim looks to a second one while it is still booking.
    IdempotencyKey.objects.filter(key=key).update(state=IdempotencyKey.State.IN_PROGRESS, response_body=None)

    response = _confirm(client, key)

    assert response.status_code == 409
    assert Booking.objects.count() == 1
    assert "Pendaftaran Anda sedang dibuat" in response.content.decode()


def test_a_booking_made_whose_answer_cannot_be_kept_still_opens_its_proof(
    client, pinned, surabaya, monkeypatch, caplog
):
    from django.db import DatabaseError

    from applicants.views import public

    def broken(**_kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(public, "idempotency_finish", broken)

    response = _confirm(client, _review_key(client))

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(f"/b/{booking.code}/")
    assert "web_confirm_answer_not_stored" in caplog.text
