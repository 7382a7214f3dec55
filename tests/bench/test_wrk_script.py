"""bench/lua/bench.lua under real wrk: no thread sends before every thread is ready.

wrk starts each thread as soon as that thread's init() has run; the next thread then
reads its share of the applicants while the first already sends. The script holds
every thread until the last one is ready, so the load generator's own set-up does not
compete with the server while requests are timed.
"""

import json
import os
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.run import LUA_SCRIPT, to_lua
from tests.conftest import _missing

# Enough applicants that reading them takes wrk's second thread well over 50 ms.
POOL_SIZE = 400_000


class _Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection, like a sync gunicorn worker
    scenarios: set = set()  # the X-Bench-Scenario headers seen

    def do_GET(self):  # noqa: N802 - http.server's name
        _Ok.scenarios.add(self.headers.get("X-Bench-Scenario"))
        body = b'{"ok":true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def pool(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("wrk") / "pool.applicants"
    path.write_text("".join(f'{{"n":{n}}}\n' for n in range(POOL_SIZE)))
    return path


def _first_sends(server: str, tmp_path: Path, pool: Path, *, barrier: bool) -> list[float]:
    if shutil.which("wrk") is None:
        _missing("needs wrk (apt-get install wrk)")
    data = {"threads": 2, "kind": "get", "duration": 0.3, "paths": ["/"], "pool": str(pool)}
    if barrier:
        data["ready_file"] = str(tmp_path / "wrk.ready")
        Path(data["ready_file"]).touch()  # left by an earlier run: must not open the gate
    data_path = tmp_path / "data.lua"
    data_path.write_text("return " + to_lua(data) + "\n")
    done = subprocess.run(
        ["wrk", "-t", "2", "-c", "4", "-d", "2s", "--timeout", "2s", "-s", str(LUA_SCRIPT), server],
        env={**os.environ, "BENCH_DATA": str(data_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("BENCH_RESULT "))
    threads = json.loads(line[len("BENCH_RESULT ") :])["threads"]
    assert all(thread["received"] > 0 for thread in threads)
    return [thread["t_first"] for thread in threads]


@pytest.mark.slow
def test_without_the_barrier_the_second_thread_starts_late(server, tmp_path, pool):
    """The control: what the barrier is for is real on this machine."""
    first, second = _first_sends(server, tmp_path, pool, barrier=False)
    assert second - first > 0.05


@pytest.mark.slow
def test_every_thread_sends_its_first_request_once_all_are_ready(server, tmp_path, pool):
    # 0.2-0.5 ms on a quiet machine; a thread descheduled while the suite runs beside it
    # (pytest -n 2 on two cores, beside another suite) once took 76 ms. The control is
    # about 150 ms, every time: a gate that does not hold fails all three tries.
    gaps = []
    for attempt in range(3):
        (tmp_path / str(attempt)).mkdir()
        first, second = _first_sends(server, tmp_path / str(attempt), pool, barrier=True)
        gaps.append(abs(second - first))
        if gaps[-1] < 0.05:
            break
    assert min(gaps) < 0.05, gaps


def test_every_request_names_its_scenario_for_the_servers_request_times(server, tmp_path):
    """bench/wsgi.py adds up the workers' time per scenario by this header."""
    if shutil.which("wrk") is None:
        _missing("needs wrk (apt-get install wrk)")
    _Ok.scenarios.clear()
    data = {"threads": 1, "kind": "get", "duration": 0.2, "paths": ["/"], "scenario": "availability"}
    data_path = tmp_path / "data.lua"
    data_path.write_text("return " + to_lua(data) + "\n")
    subprocess.run(
        ["wrk", "-t", "1", "-c", "2", "-d", "2s", "--timeout", "2s", "-s", str(LUA_SCRIPT), server],
        env={**os.environ, "BENCH_DATA": str(data_path)},
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert _Ok.scenarios == {"availability"}
