from django.test import override_settings

from tests.conftest import redis_cache_settings


def test_healthz_reports_every_part_ok(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_answers_503_naming_redis_when_redis_is_stopped(client, db, private_redis):
    url = private_redis.url
    redis_settings = {"CACHES": redis_cache_settings(url)}
    from queue_booking.celery import app

    previous_broker = app.conf.broker_url
    app.conf.broker_url = url
    try:
        with override_settings(**redis_settings):
            assert client.get("/healthz").status_code == 200

            private_redis.stop()
            response = client.get("/healthz")
    finally:
        app.conf.broker_url = previous_broker

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["failing"] == ["cache", "broker"]
    assert body["checks"]["database"]["status"] == "ok"
    # The cache fails soft for the product (queue_booking/redis_cache.py), not for /healthz.
    assert body["checks"]["cache"]["error"] == "ConnectionError"
