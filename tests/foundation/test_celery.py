"""A real Celery task goes through a broker to a worker process and comes back."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "queue_booking",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _run_ping_in_child(env: dict[str, str]) -> str:
    """Send the task from a fresh process configured by ``env``, as the web process would."""
    code = (
        "import django, os; django.setup();from queue_booking.celery import ping;print(ping.delay(41).get(timeout=60))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def _stop(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


@pytest.mark.redis
@pytest.mark.slow
def test_a_task_goes_through_redis_to_a_worker_process_and_back(tmp_path):
    env = {
        **os.environ,
        "REDIS_URL": settings.REDIS_URL,
        "VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "queue_booking.settings",
    }
    worker = _start_worker(env)
    try:
        assert _run_ping_in_child(env) == "42"
    finally:
        _stop(worker)


@pytest.mark.slow
def test_the_embedded_default_runs_a_task_with_no_server(tmp_path):
    env = {**os.environ, "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "queue_booking.settings"}
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DATABASE_URL"):
        env.pop(name, None)
    worker = _start_worker(env)
    try:
        assert _run_ping_in_child(env) == "42"
    finally:
        _stop(worker)
    assert (tmp_path / "celery" / "broker").is_dir()
    # Kombu's exchange tables too, not a control/ folder in the working directory.
    assert list((tmp_path / "celery" / "broker" / "control").glob("*.exchange"))
