"""gunicorn's master builds what a worker's first requests would, and opens nothing.

The warm-up runs in a fresh Python process here, as it does in gunicorn's master: it
freezes the garbage collector's heap and fills process-wide caches, which must not leak
into the test process.
"""

import json
import logging
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import OperationalError, connections

from queue_booking import warmup

ROOT = Path(__file__).resolve().parents[2]

_CHILD = r"""
import gc, json, os
import django
django.setup()

import redis.connection
from django.db import connections

opened = []
_connect = redis.connection.AbstractConnection.connect
def _redis_connect(self, *args, **kwargs):
    opened.append("redis")
    return _connect(self, *args, **kwargs)
redis.connection.AbstractConnection.connect = _redis_connect
database = connections["default"]
_new = type(database).get_new_connection
def _database_connect(self, *args, **kwargs):
    opened.append("database")
    return _new(self, *args, **kwargs)
type(database).get_new_connection = _database_connect

from queue_booking.warmup import connect_before_serving, warm_before_fork
from django.urls import get_resolver
from celery import current_app
from applicants.services import one_statement

frozen_before = gc.get_freeze_count()
warm_before_fork()
result = {
    "frozen_before": frozen_before,
    "frozen_after": gc.get_freeze_count(),
    "opened_by_warm_up": list(opened),
    "database_open": database.connection is not None,
    "reverse_languages": sorted(str(key) for key in get_resolver()._reverse_dict),
    "celery_sender_built": "send_task_message" in current_app.amqp.__dict__,
    "statements": one_statement._statement.cache_info().currsize,
    "vendor": database.vendor,
}
if os.environ.get("WARMUP_CONNECT") == "1":
    connect_before_serving()
    result["opened_by_worker"] = opened[len(result["opened_by_warm_up"]):]
    result["database_open_in_worker"] = database.connection is not None
print("WARMUP " + json.dumps(result))
"""


def _run_child(**extra_env: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "queue_booking.settings", **extra_env}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("WARMUP ")]
    assert lines, done.stdout + done.stderr
    return json.loads(lines[-1][len("WARMUP ") :])


@pytest.fixture(scope="module")
def warmed() -> dict:
    return _run_child()


def test_the_warm_up_opens_no_connection_a_worker_would_inherit(warmed):
    assert warmed["opened_by_warm_up"] == []
    assert warmed["database_open"] is False


def test_the_warm_up_freezes_the_heap_for_the_garbage_collector(warmed):
    assert warmed["frozen_before"] == 0
    assert warmed["frozen_after"] > 50_000


def test_the_warm_up_fills_the_url_table_of_every_language(warmed):
    assert {"id", "en"} <= set(warmed["reverse_languages"])


def test_the_warm_up_builds_celerys_sender(warmed):
    assert warmed["celery_sender_built"] is True


def test_on_postgresql_the_warm_up_compiles_the_booking_statement(warmed):
    if warmed["vendor"] != "postgresql":
        pytest.skip("the one-statement booking is PostgreSQL's")
    # No channel, one, or both (email and SMS).
    assert warmed["statements"] == 3


def test_a_new_worker_connects_before_it_takes_a_request(db):
    database = connections["default"]
    extra = {"WARMUP_CONNECT": "1"}
    if database.vendor == "postgresql":  # the test database, which exists
        conf = database.settings_dict
        extra["DATABASE_URL"] = (
            f"postgres://{conf['USER']}:{conf['PASSWORD']}@{conf['HOST']}:{conf['PORT']}/{conf['NAME']}"
        )
    worker = _run_child(**extra)
    assert "database" in worker["opened_by_worker"]
    assert worker["database_open_in_worker"] is True


def test_a_worker_starts_without_the_database_when_it_is_down(monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "ensure_connection", refuse)
    with caplog.at_level(logging.WARNING, logger="queue_booking.warmup"):
        warmup.connect_before_serving()
    assert "without a database connection" in caplog.text


def test_a_new_worker_prepares_the_booking_statement_and_connects_to_the_broker(monkeypatch):
    calls = []
    monkeypatch.setattr(connections["default"], "ensure_connection", lambda: None)
    monkeypatch.setattr("applicants.services.one_statement.statements_prepare", lambda: calls.append("statement"))
    monkeypatch.setattr("applicants.dispatch.broker_connect", lambda: calls.append("broker"))
    warmup.connect_before_serving()
    assert calls == ["statement", "broker"]


def test_a_worker_starts_even_when_the_statement_cannot_be_prepared(monkeypatch, caplog):
    def refuse():
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(connections["default"], "ensure_connection", lambda: None)
    monkeypatch.setattr("applicants.services.one_statement.statements_prepare", refuse)
    monkeypatch.setattr("applicants.dispatch.broker_connect", lambda: True)
    with caplog.at_level(logging.WARNING, logger="queue_booking.warmup"):
        warmup.connect_before_serving()
    assert "without the booking statement prepared" in caplog.text


def test_a_worker_starts_without_the_cache_when_it_is_down(monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(connections["default"], "ensure_connection", lambda: None)
    monkeypatch.setattr("applicants.services.one_statement.statements_prepare", lambda: 0)
    monkeypatch.setattr(cache, "get", refuse)
    with caplog.at_level(logging.WARNING, logger="queue_booking.warmup"):
        warmup.connect_before_serving()
    assert "without a cache connection" in caplog.text


def test_gunicorn_runs_the_warm_up_in_the_master_and_connects_each_worker(monkeypatch):
    calls = []
    monkeypatch.setattr(warmup, "warm_before_fork", lambda: calls.append("master"))
    monkeypatch.setattr(warmup, "connect_before_serving", lambda: calls.append("worker"))
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))

    class Server:
        class cfg:  # noqa: N801 - gunicorn's attribute name
            preload_app = True

    config["when_ready"](Server())
    config["post_worker_init"](object())
    assert calls == ["master", "worker"]
