"""The SMS gateway's settings: read at start-up, a bad value stops the process, and once
``SMS_GATEWAY_URL`` is set the HTTP gateway is the SMS backend (``make check`` clean)."""

import os
import subprocess
import sys

import pytest

from tests.foundation.test_project import PRODUCTION_ENV, ROOT, _manage

GATEWAY = "https://sms.example.id/v1/messages"
PRODUCTION = {**PRODUCTION_ENV, "SMS_BACKEND": ""}


def _settings(tmp_path, **env: str) -> subprocess.CompletedProcess:
    """Import the settings module alone, with ``env`` over production's, and print the SMS backend."""
    base = {key: value for key, value in os.environ.items() if not key.startswith(("SMS_", "DEBUG"))}
    return subprocess.run(
        [sys.executable, "-c", "from queue_booking import settings; print(settings.SMS_BACKEND)"],
        cwd=ROOT,
        env={**base, "VAR_DIR": str(tmp_path), **PRODUCTION, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_with_a_gateway_url_the_http_backend_is_the_default(tmp_path):
    result = _settings(tmp_path, SMS_GATEWAY_URL=GATEWAY)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "applicants.sms_gateway.HttpSmsBackend"


def test_without_a_gateway_url_the_console_backend_stays_the_default(tmp_path):
    result = _settings(tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "applicants.notifications.ConsoleSmsBackend"


def test_a_backend_named_in_sms_backend_wins_over_the_gateway(tmp_path):
    result = _settings(tmp_path, SMS_GATEWAY_URL=GATEWAY, SMS_BACKEND="example.gateway.SmsBackend")

    assert result.stdout.strip() == "example.gateway.SmsBackend"


def test_plain_http_is_refused_in_production(tmp_path):
    result = _settings(tmp_path, SMS_GATEWAY_URL="http://sms.example.id/v1/messages")

    assert result.returncode != 0
    assert "SMS_GATEWAY_URL must be https://" in result.stderr


def test_plain_http_is_allowed_in_development(tmp_path):
    # A gateway stand-in on the developer's machine.
    result = _settings(tmp_path, DEBUG="1", SMS_GATEWAY_URL="http://127.0.0.1:9000/send")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "applicants.sms_gateway.HttpSmsBackend"


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"SMS_GATEWAY_URL": "ftp://sms.example.id/"}, "SMS_GATEWAY_URL must be an http(s):// address"),
        ({"SMS_GATEWAY_URL": "sms.example.id/send"}, "SMS_GATEWAY_URL must be an http(s):// address"),
        ({"SMS_GATEWAY_URL": "https://user:key@sms.example.id/send"}, "must not hold credentials"),
        ({"SMS_BACKEND": "applicants.sms_gateway.HttpSmsBackend", "SMS_GATEWAY_URL": ""}, "set SMS_GATEWAY_URL"),
        ({"SMS_GATEWAY_TIMEOUT": "0"}, "SMS_GATEWAY_TIMEOUT must be above 0"),
        ({"SMS_GATEWAY_TIMEOUT": "120"}, "at most 60 seconds"),
        ({"SMS_GATEWAY_TOKEN": "abc\ndef"}, "one line of printable text"),
        ({"SMS_GATEWAY_NUMBER_FORMAT": "national"}, "SMS_GATEWAY_NUMBER_FORMAT must be"),
        ({"SMS_GATEWAY_EXTRA": '["IMIGRASI"]'}, "SMS_GATEWAY_EXTRA must be a JSON object"),
        ({"SMS_GATEWAY_TO_FIELD": "text"}, "two different names"),
        ({"SMS_GATEWAY_SUCCESS_FIELD": "code", "SMS_GATEWAY_SUCCESS_VALUES": " , "}, "SMS_GATEWAY_SUCCESS_VALUES"),
        ({"SMS_GATEWAY_SUCCESS_FIELD": "data..code"}, "SMS_GATEWAY_SUCCESS_FIELD must be a field name"),
    ],
)
def test_a_bad_gateway_setting_stops_the_process(tmp_path, env, complaint):
    result = _settings(tmp_path, **{"SMS_GATEWAY_URL": GATEWAY, **env})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


def test_deploy_checks_are_clean_with_the_gateway_as_the_sms_backend(tmp_path):
    env = {**PRODUCTION, "SMS_GATEWAY_URL": GATEWAY, "SMS_GATEWAY_TOKEN": "gateway-token"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env, tmp_path=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_checks_still_flag_production_without_a_gateway(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, tmp_path=tmp_path)

    assert result.returncode != 0
    assert "antrean.W001" in result.stdout + result.stderr
    assert "SMS_GATEWAY_URL" in result.stdout + result.stderr  # the hint names the way out


def test_the_success_values_are_read_as_lower_case_words(tmp_path):
    base = {key: value for key, value in os.environ.items() if not key.startswith(("SMS_", "DEBUG"))}
    env = {
        "SMS_GATEWAY_URL": GATEWAY,
        "SMS_GATEWAY_SUCCESS_FIELD": "data.status",
        "SMS_GATEWAY_SUCCESS_VALUES": "OK, 0",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from queue_booking import settings as s; print(s.SMS_GATEWAY_SUCCESS_FIELD, s.SMS_GATEWAY_SUCCESS_VALUES)",
        ],
        cwd=ROOT,
        env={**base, "VAR_DIR": str(tmp_path), **PRODUCTION, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "data.status ['ok', '0']"
