"""gunicorn's entry point for `make bench`: the product's WSGI application, and beside
it the yardstick every target is a share of, a bare Django JSON view.

The issue's yardstick is "a bare Django JSON view under gunicorn": Django's request and
response, URL resolution and a ``JsonResponse``, and nothing of the product. The
product's handler runs every request through its middleware (sessions, language,
CSRF, messages, security headers...), so the bare view is served here by a second
Django handler that has none. The product's own requests go to the product's handler
unchanged; this dispatch costs them one comparison. ``/bench/stack/`` (bench/urls.py)
is the same view through the product's middleware: what any request of this app costs
at least, reported beside the targets.

With ``BENCH_REQUEST_TIMES_DIR`` set (bench/run.py sets it), each worker also adds up
the CPU and wall time its requests spend in the WSGI application (the call and the
response's ``close()``), per scenario (the ``X-Bench-Scenario`` header that
bench/lua/bench.lua sends), and writes the sums to ``request-times-<pid>.json`` in that
folder: at most once a second while it serves, and when it exits. Set against the
worker's whole CPU per request, this splits a request's cost under load into Django
and the product on one side, and gunicorn and the kernel (accepting, reading, writing
and closing the connection) on the other.
"""

import atexit
import json
import os
import time

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler

from queue_booking.wsgi import application as product_application

BARE_PATH = "/bench/bare/"
SCENARIO_KEY = "HTTP_X_BENCH_SCENARIO"
FLUSH_EVERY_S = 1.0


class BareHandler(WSGIHandler):
    """Django's WSGI handler with an empty middleware list, resolving bench/bare_urls.py."""

    def load_middleware(self, is_async=False):
        # What BaseHandler.load_middleware builds for MIDDLEWARE = [].
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response)

    def get_response(self, request):
        request.urlconf = "bench.bare_urls"
        return super().get_response(request)


bare_application = BareHandler()


def dispatch(environ, start_response):
    if environ.get("PATH_INFO") == BARE_PATH:
        return bare_application(environ, start_response)
    return product_application(environ, start_response)


class RequestTimes:
    """One process's time inside the application, per scenario: ``{name: [requests,
    cpu_s, wall_s]}``, written as JSON to ``<directory>/request-times-<pid>.json``.

    The sums only grow, so a file read at any time is complete up to its last write;
    a worker recycled by ``max_requests`` leaves its file, and its successor (a new
    pid) writes its own. The time is the application call and the response's
    ``close()``: Django and the product, not gunicorn's parsing nor the socket's
    reads and writes.
    """

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.sums: dict[str, list] = {}
        self.written_at = time.monotonic()

    def add(self, scenario: str, cpu_s: float, wall_s: float) -> None:
        entry = self.sums.get(scenario)
        if entry is None:
            entry = self.sums[scenario] = [0, 0.0, 0.0]
        entry[0] += 1
        entry[1] += cpu_s
        entry[2] += wall_s
        if time.monotonic() - self.written_at >= FLUSH_EVERY_S:
            self.write()

    def write(self) -> None:
        self.written_at = time.monotonic()
        if not self.sums:  # gunicorn's master, which serves nothing
            return
        path = os.path.join(self.directory, f"request-times-{os.getpid()}.json")
        partial = f"{path}.partial"
        with open(partial, "w") as handle:
            json.dump(self.sums, handle)
        os.replace(partial, path)


class _TimedResponse:
    """The application's response, handed to gunicorn as it is; its ``close()``
    (Django's ``request_finished``: connections checked, caches closed) is the
    application's time too."""

    def __init__(self, response, times: RequestTimes, scenario: str, cpu_s: float, wall_s: float) -> None:
        self.response, self.times, self.scenario = response, times, scenario
        self.cpu_s, self.wall_s = cpu_s, wall_s

    def __iter__(self):
        return iter(self.response)

    def close(self) -> None:
        cpu, wall = time.thread_time(), time.perf_counter()
        try:
            close = getattr(self.response, "close", None)
            if close is not None:
                close()
        finally:
            self.times.add(
                self.scenario,
                self.cpu_s + time.thread_time() - cpu,
                self.wall_s + time.perf_counter() - wall,
            )


def timed(app, times: RequestTimes):
    def application(environ, start_response):
        scenario = environ.get(SCENARIO_KEY, "untagged")
        cpu, wall = time.thread_time(), time.perf_counter()
        try:
            response = app(environ, start_response)
        except BaseException:
            times.add(scenario, time.thread_time() - cpu, time.perf_counter() - wall)
            raise
        return _TimedResponse(response, times, scenario, time.thread_time() - cpu, time.perf_counter() - wall)

    return application


_times_dir = os.environ.get("BENCH_REQUEST_TIMES_DIR", "")
if _times_dir:
    request_times = RequestTimes(_times_dir)
    atexit.register(request_times.write)
    application = timed(dispatch, request_times)
else:
    application = dispatch
