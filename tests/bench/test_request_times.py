"""bench/wsgi.py: each worker's time inside the application, per scenario."""

import json
import os
import time

import pytest

from bench import summary, wsgi


def _environ(scenario: str | None = None) -> dict:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/x"}
    if scenario:
        environ[wsgi.SCENARIO_KEY] = scenario
    return environ


def _spin(cpu_s: float) -> None:
    end = time.thread_time() + cpu_s
    while time.thread_time() < end:
        pass


class _Response(list):
    closed = False

    def close(self):
        _spin(0.003)  # Django's request_finished, in a real response
        self.closed = True


def _busy_app(cpu_s: float, sleep_s: float = 0.0):
    def app(environ, start_response):
        _spin(cpu_s)
        time.sleep(sleep_s)
        return _Response([b"ok"])

    return app


def _serve(app, environ) -> list:
    """What gunicorn does with an answer: iterate it, then close it."""
    response = app(environ, None)
    try:
        return list(response)
    finally:
        response.close()


def _sums(tmp_path) -> dict:
    return json.loads((tmp_path / f"request-times-{os.getpid()}.json").read_text())


def test_cpu_and_wall_time_inside_the_app_are_added_up_per_scenario(tmp_path):
    times = wsgi.RequestTimes(str(tmp_path))
    app = wsgi.timed(_busy_app(0.004, sleep_s=0.01), times)
    for _ in range(3):
        assert _serve(app, _environ("flood_many")) == [b"ok"]
    _serve(app, _environ())
    times.write()
    sums = _sums(tmp_path)
    count, cpu_s, wall_s = sums["flood_many"]
    assert count == 3
    assert 0.021 <= cpu_s < 0.03  # the call and the close, not the sleep
    assert wall_s >= 0.051  # the sleep too
    assert sums["untagged"][0] == 1
    assert summary.read_request_times(tmp_path)["flood_many"]["requests"] == 3


def test_the_response_is_closed_and_counted_once_when_gunicorn_closes_it(tmp_path):
    times = wsgi.RequestTimes(str(tmp_path))
    inner = _Response([b"ok"])
    response = wsgi.timed(lambda environ, start_response: inner, times)(_environ("bare"), None)
    assert "bare" not in times.sums  # not before gunicorn is done with it
    assert list(response) == [b"ok"]
    response.close()
    assert inner.closed
    assert times.sums["bare"][0] == 1
    assert times.sums["bare"][1] >= 0.003


def test_a_request_that_raises_is_counted(tmp_path):
    def failing(environ, start_response):
        raise RuntimeError("boom")

    times = wsgi.RequestTimes(str(tmp_path))
    with pytest.raises(RuntimeError):
        wsgi.timed(failing, times)(_environ("sold_out"), None)
    assert times.sums["sold_out"][0] == 1


def test_the_sums_are_written_at_most_once_a_second_while_serving(tmp_path, monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(wsgi.time, "monotonic", lambda: clock[0])
    times = wsgi.RequestTimes(str(tmp_path))
    times.add("bare", 0.0001, 0.0002)
    assert list(tmp_path.iterdir()) == []
    clock[0] += wsgi.FLUSH_EVERY_S
    times.add("bare", 0.0001, 0.0002)
    assert _sums(tmp_path)["bare"][0] == 2
    times.add("bare", 0.0001, 0.0002)
    assert _sums(tmp_path)["bare"][0] == 2  # until the next second, or the worker's exit
    times.write()
    assert _sums(tmp_path)["bare"][0] == 3


def test_a_process_that_served_nothing_writes_nothing(tmp_path):
    wsgi.RequestTimes(str(tmp_path)).write()  # gunicorn's master at exit
    assert list(tmp_path.iterdir()) == []


def test_without_the_setting_requests_are_not_timed():
    assert "BENCH_REQUEST_TIMES_DIR" not in os.environ
    assert wsgi.application is wsgi.dispatch
