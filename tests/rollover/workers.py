"""Real Celery worker processes against the test PostgreSQL database and a real Redis broker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test_<name>)."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "queue_booking.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.REDIS_URL,
        "CELERY_RESULT_BACKEND": settings.REDIS_URL,
        "VAR_DIR": str(tmp_path),
        "EMAIL_URL": "dummymail://",
        "SMS_BACKEND": "applicants.notifications.ConsoleSmsBackend",
        "CONN_MAX_AGE": "0",
        "LOG_FORMAT": "text",
        **extra,
    }


def broker_purge() -> None:
    """Start from an empty queue: no message of an earlier test (or an earlier killed run)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")


class Worker:
    def __init__(self, name: str, env: dict[str, str], log_dir: Path, *, slow: bool = False):
        self.name = name
        self.log = log_dir / f"{name}.log"
        entry = [sys.executable, "-m", "tests.rollover.slow_worker"] if slow else [
            sys.executable, "-m", "celery", "-A", "queue_booking", "worker",
        ]  # fmt: skip
        self._out = self.log.open("ab")
        self.process = subprocess.Popen(
            [
                *entry,
                "--pool=solo",
                f"--hostname={name}@%h",
                "--loglevel=INFO",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.text():
                return
            if self.process.poll() is not None:
                raise AssertionError(f"worker {self.name} exited:\n{self.text()[-3000:]}")
            time.sleep(0.1)
        raise AssertionError(f"worker {self.name} not ready:\n{self.text()[-3000:]}")

    def succeeded(self, task_name: str) -> int:
        return sum(1 for line in self.text().splitlines() if task_name in line and "succeeded" in line)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._out.close()
