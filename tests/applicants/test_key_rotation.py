"""The personal-data keys rotate without losing a NIK or a proof link."""

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command

from applicants.identity import secret_decrypt
from applicants.models import Applicant, Booking
from applicants.selectors import booking_get_for_token, booking_token
from applicants.services import keys
from applicants.services.tokens import booking_token_renew
from tests.applicants.conftest import NIK, NOW, payload

pytestmark = pytest.mark.django_db


def test_stored_niks_and_tokens_move_to_the_new_key(api, slot, settings, capsys):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.NIK_ENCRYPTION_KEYS = [old]
    token = api.post("/api/v1/bookings/", payload(slot), format="json").json()["token"]

    settings.NIK_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_personal_data_keys", batch=1)
    call_command("rotate_personal_data_keys")  # again: harmless

    settings.NIK_ENCRYPTION_KEYS = [new]
    assert secret_decrypt(Applicant.objects.get().nik_encrypted) == NIK
    assert booking_token(Booking.objects.get()) == token
    assert "re-encrypted 1 applicants and 1 booking tokens" in capsys.readouterr().out
    settings.NIK_ENCRYPTION_KEYS = [old]
    with pytest.raises(InvalidToken):
        secret_decrypt(Applicant.objects.get().nik_encrypted)


def test_stored_idempotent_answers_move_to_the_new_key(api, slot, settings):
    # A stored answer holds the booking's secret token: it is sealed with the same keys
    # and must not be left behind under the old one.
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.NIK_ENCRYPTION_KEYS = [old]
    first = api.post("/api/v1/bookings/", payload(slot), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    settings.NIK_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_personal_data_keys")
    settings.NIK_ENCRYPTION_KEYS = [new]
    again = api.post("/api/v1/bookings/", payload(slot), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == 201
    assert again.status_code == 201, again.content[:300]
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Booking.objects.count() == 1


def test_a_link_renewed_during_rotation_keeps_its_new_token(api, slot, settings, monkeypatch):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.NIK_ENCRYPTION_KEYS = [old]
    created = api.post("/api/v1/bookings/", payload(slot), format="json").json()
    settings.NIK_ENCRYPTION_KEYS = [new, old]
    renewed = []
    rotate = keys.secret_rotate

    def renewal_between_read_and_write(value):
        # The booking's token was read by the rotation; now the person renews the link.
        if not renewed and secret_decrypt(value) == created["token"]:
            booking = booking_get_for_token(code=created["code"], token=created["token"])
            renewed.append(booking_token_renew(booking=booking, now=NOW, via="web").token)
        return rotate(value)

    monkeypatch.setattr(keys, "secret_rotate", renewal_between_read_and_write)
    call_command("rotate_personal_data_keys")

    settings.NIK_ENCRYPTION_KEYS = [new]
    booking = Booking.objects.get()
    assert booking_token(booking) == renewed[0]
    assert booking_get_for_token(code=created["code"], token=renewed[0]) == booking
