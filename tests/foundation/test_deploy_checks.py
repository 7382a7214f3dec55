"""``manage.py check --deploy`` (``make check``) warns about a production setting that
would put personal data where it does not belong, or keys too short to keep a secret.

With the documented setup (``cp .env.example .env``) ``SMS_BACKEND`` stayed the
development console backend: every SMS, with the phone number and the booking's
secret link, went to the worker's standard output and from there to the logs.
"""

import pytest
from django.core import checks

from queue_booking.checks import KEY_MIN_LENGTH

LONG = "x" * KEY_MIN_LENGTH


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SMS_BACKEND = "gateway.sms.Backend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.NIK_HASH_KEY = LONG
    settings.PROOF_SIGNING_KEYS = {"k1": LONG, "k0": LONG}
    settings.SITE_URL = "https://antrean.example.go.id"
    return settings


def deploy_ids() -> set[str]:
    return {
        message.id for message in checks.run_checks(include_deployment_checks=True) if message.id.startswith("antrean.")
    }


def test_a_production_setup_passes(production):
    assert deploy_ids() == set()


def test_the_console_sms_backend_is_flagged(production):
    production.SMS_BACKEND = "applicants.notifications.ConsoleSmsBackend"

    assert deploy_ids() == {"antrean.W001"}


def test_the_console_sms_warning_points_to_the_gateway_setting(production):
    production.SMS_BACKEND = "applicants.notifications.ConsoleSmsBackend"

    [warning] = [m for m in checks.run_checks(include_deployment_checks=True) if m.id.startswith("antrean.")]
    assert "SMS_GATEWAY_URL" in warning.hint


def test_the_http_gateway_backend_passes(production):
    # Chosen by the settings once SMS_GATEWAY_URL is set (tests/foundation/test_sms_gateway_settings.py).
    production.SMS_BACKEND = "applicants.sms_gateway.HttpSmsBackend"
    production.SMS_GATEWAY_URL = "https://sms.example.id/v1/messages"

    assert deploy_ids() == set()


@pytest.mark.parametrize("backend", ["console", "filebased"])
def test_an_email_backend_that_writes_messages_out_is_flagged(production, backend):
    production.EMAIL_BACKEND = f"django.core.mail.backends.{backend}.EmailBackend"

    assert deploy_ids() == {"antrean.W002"}


def test_a_short_blind_index_key_is_flagged(production):
    production.NIK_HASH_KEY = "check"

    assert deploy_ids() == {"antrean.W003"}


def test_a_short_proof_signing_secret_is_flagged(production):
    production.PROOF_SIGNING_KEYS = {"k2": LONG, "k1": "change-me"}

    [warning] = [m for m in checks.run_checks(include_deployment_checks=True) if m.id.startswith("antrean.")]
    assert warning.id == "antrean.W004"
    assert "k1" in warning.msg


def test_the_checks_are_for_deployment_only(production):
    production.SMS_BACKEND = "applicants.notifications.ConsoleSmsBackend"

    assert not [m for m in checks.run_checks() if m.id.startswith("antrean.")]


def test_development_is_not_flagged(production):
    production.DEBUG = True
    production.SMS_BACKEND = "applicants.notifications.ConsoleSmsBackend"
    production.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

    assert deploy_ids() == set()


@pytest.mark.parametrize("site_url", ["http://antrean.example.go.id", "http://127.0.0.1:8000"])
def test_proof_links_that_are_not_https_are_flagged(production, site_url):
    # SITE_URL builds the proof links in every email and SMS: over plain HTTP the
    # booking's secret would cross the network readable before any redirect to HTTPS.
    production.SITE_URL = site_url

    assert deploy_ids() == {"antrean.W005"}
