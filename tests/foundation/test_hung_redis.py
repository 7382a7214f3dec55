"""A Redis that takes connections but never answers (hung, paused, a half-open socket)
costs a request a bounded wait, not the request: sending a task after a booking, and
``/healthz``, give up within seconds."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import time, django, logging
django.setup()
logging.disable(logging.CRITICAL)
from applicants import dispatch
from queue_booking import health
started = time.monotonic()
sent = dispatch.publish("applicants.tasks.send_pending_notifications", {})
print("publish", sent, round(time.monotonic() - started, 1))
started = time.monotonic()
try:
    health._check_broker()
except Exception as exc:
    print("health", type(exc).__name__, round(time.monotonic() - started, 1))
else:
    print("health ok")
"""


@pytest.fixture
def silent_redis():
    """A port where the kernel completes every TCP handshake and nobody ever replies."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield server.getsockname()[1]
    server.close()


@pytest.mark.slow
def test_a_silent_broker_costs_a_send_and_the_health_check_seconds_not_forever(silent_redis, tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}},
        "DEBUG": "1",
        "VAR_DIR": str(tmp_path),
        "REDIS_URL": f"redis://127.0.0.1:{silent_redis}/0",
    }
    try:
        result = subprocess.run(
            [sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=40
        )
    except subprocess.TimeoutExpired:
        pytest.fail("sending a task to a silent Redis hung")
    assert result.returncode == 0, result.stderr[-2000:]
    publish, health = result.stdout.strip().splitlines()[-2:]
    _, sent, seconds = publish.split()
    assert sent == "False"
    assert float(seconds) < 15
    assert health.startswith("health ") and health != "health ok"
    assert float(health.split()[-1]) < 10
