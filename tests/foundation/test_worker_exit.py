"""A web worker that has finished serving leaves without the interpreter's teardown.

gunicorn starts a recycled worker's replacement only once it has exited, and the
teardown (freeing every object the worker holds) kept a worker from exiting for 75-140
ms under a flood (docs/performance.md). What is registered to run at exit (logging's
shutdown, a library's last flush) still runs. A worker that failed to boot or crashed
must leave with its own status, which the master reads, the usual way.

"FREED" below is printed by an object's ``__del__`` when the teardown frees it;
"ATEXIT" by an ``atexit`` handler.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_LEAVING = r"""
import atexit, os, sys
import django
django.setup()
from django.db import connections
from queue_booking.warmup import leave_without_teardown

_close_all = connections.close_all
def close_all():
    print("CLOSED", end=" ")  # flushed by the function, or lost if it is not
    _close_all()
connections.close_all = close_all
atexit.register(lambda: print("ATEXIT", end=" "))  # flushed by the function, or at exit

class Held:
    # Bound now: by the time the teardown frees it, sys.stdout and the globals may be gone.
    def __del__(self, write=os.write):
        write(1, b"FREED\n")

held = Held()

class Worker:
    booted = os.environ["BOOTED"] == "1"

def leave():
    # As gunicorn's Arbiter.spawn_worker: the hook runs in the ``finally`` of the
    # worker's ``sys.exit``.
    try:
        if os.environ["STATUS"] != "none":
            sys.exit(int(os.environ["STATUS"]))
    finally:
        leave_without_teardown(Worker())
    print("RETURNED", flush=True)

leave()
"""


def _leave(*, status: str, booted: bool) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "queue_booking.settings", "STATUS": status}
    env["BOOTED"] = "1" if booted else "0"
    return subprocess.run(
        [sys.executable, "-c", _LEAVING], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_a_worker_leaving_after_serving_closes_its_database_runs_its_exit_handlers_and_skips_the_teardown():
    done = _leave(status="0", booted=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "CLOSED ATEXIT "


@pytest.mark.parametrize("status", ["3", "4", "1"])
def test_a_worker_leaving_with_an_error_status_keeps_its_status_and_the_teardown(status):
    done = _leave(status=status, booted=True)
    assert done.returncode == int(status)
    assert done.stdout.split() == ["ATEXIT", "FREED"]


def test_a_worker_that_never_booted_leaves_the_usual_way():
    done = _leave(status="0", booted=False)
    assert done.returncode == 0
    assert done.stdout.split() == ["ATEXIT", "FREED"]


def test_without_an_exit_under_way_it_changes_nothing():
    done = _leave(status="none", booted=True)
    assert done.returncode == 0
    assert done.stdout.split() == ["RETURNED", "ATEXIT", "FREED"]


_CONFIG = """
import atexit, os, sys

_deploy = {deploy!r}
exec(compile(open(_deploy).read(), _deploy, "exec"))
_serving = post_worker_init


def _mark(line):
    with open({marks!r}, "a") as marks:
        marks.write(line + "\\n")


class _Held:
    def __init__(self):
        self.line = f"freed {{os.getpid()}}\\n"

    # Bound now: by the time the teardown frees it, the module's globals may be gone.
    def __del__(self, open=open, marks={marks!r}):
        with open(marks, "a") as handle:
            handle.write(self.line)


def post_worker_init(worker):
    _mark(f"booted {{os.getpid()}}")
    atexit.register(_mark, f"atexit {{os.getpid()}}")
    # Freed by the interpreter's teardown, with the rest of __main__.
    sys.modules["__main__"].antrean_held = _Held()
    _serving(worker)
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, *, attempts: int = 100) -> int:
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - loopback
                return answer.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            time.sleep(0.1)  # gunicorn is still starting
    raise AssertionError(f"no answer from {url}")


def test_gunicorn_recycles_workers_without_their_teardown_and_goes_on_serving(tmp_path):
    """The production config under real gunicorn: every worker recycled after two
    requests is replaced and the next requests are answered; every worker, recycled or
    stopped with the server, ran its exit handlers and none went through the teardown,
    and the server stops cleanly."""
    marks = tmp_path / "marks"
    config = tmp_path / "gunicorn.conf.py"
    config.write_text(_CONFIG.format(deploy=str(ROOT / "deploy" / "gunicorn.conf.py"), marks=str(marks)))
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "queue_booking.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DEBUG": "1",
    }
    command = [sys.executable, "-m", "gunicorn", "queue_booking.wsgi:application", "--config", str(config)]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--max-requests", "2", "--max-requests-jitter", "0"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        statuses = [_get(f"http://127.0.0.1:{port}/healthz") for _ in range(5)]
    finally:
        server.send_signal(signal.SIGTERM)
        log, _ = server.communicate(timeout=60)
    assert statuses == [200] * 5, log
    assert server.returncode == 0, log
    assert log.count("Autorestarting worker") == 2, log
    lines = marks.read_text().splitlines()
    booted = {line.split()[1] for line in lines if line.startswith("booted")}
    assert len(booted) == 3, log
    assert {line.split()[1] for line in lines if line.startswith("atexit")} == booted, log
    assert [line for line in lines if line.startswith("freed")] == [], log
