import shutil
import socket
import subprocess
import time

import pytest
from django.test import override_settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_reports_every_part_ok(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.fixture
def private_redis():
    """A Redis server of this test's own, so stopping it disturbs nobody else."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield process, f"redis://127.0.0.1:{port}/0"
    if process.poll() is None:
        process.kill()
        process.wait()


def test_healthz_answers_503_naming_redis_when_redis_is_stopped(client, db, private_redis):
    process, url = private_redis
    redis_settings = {
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        },
    }
    from queue_booking.celery import app

    previous_broker = app.conf.broker_url
    app.conf.broker_url = url
    try:
        with override_settings(**redis_settings):
            assert client.get("/healthz").status_code == 200

            process.kill()
            process.wait()
            response = client.get("/healthz")
    finally:
        app.conf.broker_url = previous_broker

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["failing"] == ["cache", "broker"]
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["error"]
