"""The personal-data keys rotate without losing a NIK or a proof link."""

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command

from applicants.identity import secret_decrypt
from applicants.models import Applicant, Booking
from applicants.selectors import booking_token
from tests.applicants.conftest import NIK, payload

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
