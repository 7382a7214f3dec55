"""What must hold on main: deploy checks, migrations, the compose file."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-like-secret-key-with-enough-entropy-0123456789-ABCDEFGHIJ",
    "ALLOWED_HOSTS": "antrean.example.go.id",
    "NIK_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "NIK_HASH_KEY": "production-hash-key-of-at-least-32-random-characters",
    "PROOF_SIGNING_KEYS": "k1:production-proof-key-of-at-least-32-random-characters",
    "EMAIL_URL": "smtp+tls://antrean:secret@smtp.example.go.id:587",
    "SMS_BACKEND": "example.gateway.SmsBackend",
    "SITE_URL": "https://antrean.example.go.id",
}


def _manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECURE_SSL_REDIRECT"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_checks_are_clean_under_production_settings(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV, tmp_path=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = _manage("check", env=env, tmp_path=tmp_path)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("name", ["NIK_ENCRYPTION_KEYS", "NIK_HASH_KEY", "PROOF_SIGNING_KEYS"])
def test_production_refuses_to_start_without_personal_data_keys(tmp_path, name):
    result = _manage("check", env={**PRODUCTION_ENV, name: ""}, tmp_path=tmp_path)

    assert result.returncode != 0
    assert f"{name} must be set" in result.stderr


def test_models_and_migrations_agree(tmp_path):
    result = _manage("makemigrations", "--check", "--dry-run", env={"DEBUG": "1"}, tmp_path=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def _manage_unconfigured(*args: str, tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    """manage.py as in a fresh checkout: no DEBUG, no SECRET_KEY (and no .env in the repo)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "SECURE_SSL_REDIRECT"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, "VAR_DIR": str(tmp_path), **extra},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_py_in_an_unconfigured_checkout_runs_in_development_mode(tmp_path):
    assert not (ROOT / ".env").exists()

    result = _manage_unconfigured("makemigrations", "--check", "--dry-run", tmp_path=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_manage_py_keeps_production_mode_once_a_secret_is_configured(tmp_path):
    result = _manage_unconfigured("check", tmp_path=tmp_path, SECRET_KEY="a-configured-secret-0123456789")

    assert result.returncode != 0
    assert "must be set" in result.stderr


def test_every_compose_service_runs_a_command_that_exists_in_the_project():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "migrate"} <= set(services)

    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], f"{name} has no health check"

    app_commands = {name: services[name]["command"] for name in ("web", "worker", "beat", "migrate")}
    assert app_commands["web"][:2] == ["gunicorn", "queue_booking.wsgi:application"]
    assert (ROOT / "queue_booking" / "wsgi.py").is_file()
    gunicorn_config = app_commands["web"][app_commands["web"].index("--config") + 1]
    assert (ROOT / gunicorn_config).is_file()
    for name in ("worker", "beat"):
        assert app_commands[name][:3] == ["celery", "-A", "queue_booking"]
    assert (ROOT / "queue_booking" / "celery.py").is_file()
    assert app_commands["migrate"][:2] == ["python", "manage.py"]

    # The image installs what the commands need.
    requirements = (ROOT / "requirements.txt").read_text().lower()
    for package in ("gunicorn", "celery", "django", "psycopg2"):
        assert package in requirements

    # Every app service reaches the database and broker it waits for.
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["REDIS_URL"].startswith("redis://")
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_gunicorn_is_published_on_loopback_only_for_the_proxy_in_front():
    """gunicorn trusts X-Forwarded-Proto (and X-Forwarded-For with TRUSTED_PROXY_COUNT):
    only the TLS proxy on the host may reach it."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]

    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
    for name in ("postgres", "redis", "worker", "beat", "migrate"):
        assert "ports" not in services[name], f"{name} should not be published"


def test_the_web_container_tells_gunicorn_and_the_settings_the_same_worker_count():
    """deploy/gunicorn.conf.py takes its workers from WEB_CONCURRENCY, and the settings take
    the rate limits' share during a Redis outage from it: unset, gunicorn ran cores + 1
    workers while the settings counted 1, and each worker allowed a whole limit."""
    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]

    assert web["environment"]["WEB_CONCURRENCY"] == "${WEB_CONCURRENCY:-3}"
    assert 'os.environ.get("WEB_CONCURRENCY"' in (ROOT / "deploy" / "gunicorn.conf.py").read_text()


def test_the_celery_beat_schedule_names_only_real_tasks():
    from django.conf import settings

    from queue_booking.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, f"beat schedules {entry['task']}, which is not registered"


def test_the_openapi_schema_is_valid_and_generates_without_warnings(tmp_path):
    schema = tmp_path / "schema.yaml"
    result = _manage(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(schema), env={"DEBUG": "1"}, tmp_path=tmp_path
    )

    assert result.returncode == 0, result.stdout + result.stderr
    paths = yaml.safe_load(schema.read_text())["paths"]
    for path in (
        "/api/v1/offices/",
        "/api/v1/offices/{code}/availability/",
        "/api/v1/bookings/",
        "/api/v1/bookings/{code}/",
        "/api/v1/bookings/{code}/cancel/",
        "/api/v1/bookings/{code}/reschedule/",
        "/api/v1/bookings/{code}/token/",
        "/api/v1/bookings/lookup/",
        "/api/v1/staff/checkins/",
        "/api/v1/offices/{code}/queue/",
    ):
        assert path in paths, f"{path} is missing from the OpenAPI schema"


@pytest.mark.parametrize("clock", ["2026-12-06 07:30:03+00:00", "2026-12-06 16:00:05+00:00"])
def test_the_system_checks_pass_at_the_time_of_day_of_a_field_default(clock):
    """Django's fields.W161 flags a fixed time default when the check runs within 10 s of
    that time of day, which failed `check --deploy --fail-level WARNING` at 07:30 daily."""
    import time_machine
    from django.core import checks

    with time_machine.travel(clock, tick=False):
        found = [message.id for message in checks.run_checks()]

    assert "fields.W161" not in found
