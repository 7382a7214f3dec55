from django.db import OperationalError
from django.test import override_settings

from tests.conftest import redis_cache_settings


def test_healthz_reports_every_part_ok(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_stays_200_but_degraded_naming_redis_when_redis_is_stopped(client, db, private_redis):
    """The product serves without Redis, so a load balancer must not take it out of service;
    ``?strict=1`` is for monitoring that must hear of any failing part."""
    url = private_redis.url
    redis_settings = {"CACHES": redis_cache_settings(url)}
    from queue_booking.celery import app

    previous_broker = app.conf.broker_url
    app.conf.broker_url = url
    try:
        with override_settings(**redis_settings):
            assert client.get("/healthz").status_code == 200
            assert client.get("/healthz?strict=1").status_code == 200

            private_redis.stop()
            response = client.get("/healthz")
            strict = client.get("/healthz?strict=1")
    finally:
        app.conf.broker_url = previous_broker

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["failing"] == ["cache", "broker"]
    assert body["checks"]["database"]["status"] == "ok"
    # The cache fails soft for the product (queue_booking/redis_cache.py), not for /healthz.
    assert body["checks"]["cache"]["error"] == "ConnectionError"

    assert strict.status_code == 503
    assert strict.json()["status"] == "degraded"
    assert strict.json()["failing"] == ["cache", "broker"]


def test_healthz_answers_503_down_when_the_database_cannot_be_reached(client, db, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server")

    answers = {}
    with monkeypatch.context() as patch:
        patch.setattr("queue_booking.health.connection.cursor", unreachable)
        for path in ("/healthz", "/healthz?strict=1"):
            answers[path] = client.get(path)

    for response in answers.values():
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "down"
        assert body["failing"] == ["database"]
        assert body["checks"]["database"] == {"status": "down", "error": "OperationalError"}


def test_healthz_strict_is_200_when_every_part_is_ok(client, db):
    response = client.get("/healthz?strict=1")

    assert response.status_code == 200
    assert response.json()["failing"] == []
