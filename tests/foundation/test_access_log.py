"""gunicorn's access log, as deploy/gunicorn.conf.py sets it up: one line per request,
without the secret half of a proof or display-board link.

Every visit to a proof page (``/b/<code>/<token>/``), its PDF and calendar file, and
every poll of the queue on it and of a TV board, used to write the link's secret to the
access log: whoever read the log could open, move or cancel the booking.
"""

import datetime as dt
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.util import load_class

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "Xb3qL0v8c2M4n6R1s5T7u9W2y4A6C8E0"
NIK = "3578014101900001"


@pytest.fixture
def access_log(capsys):
    """Log one request the way the production configuration does; return the line."""
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    cfg = Config()
    for name in ("accesslog", "access_log_format", "logger_class"):
        cfg.set(name, conf[name])

    def log(method: str, path: str, query: str = "", headers=()) -> str:
        # Made here, in the test itself: its handler writes to the sys.stdout of the
        # moment, which capsys captures only while the test runs.
        logger = cfg.logger_class(cfg)
        environ = {
            "REQUEST_METHOD": method,
            "RAW_URI": f"{path}?{query}" if query else path,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "10.0.0.5",
        }
        response = SimpleNamespace(status="200 OK", sent=1234, headers=[])
        request = SimpleNamespace(headers=list(headers))
        logger.access(response, request, environ, dt.timedelta(milliseconds=12))
        return capsys.readouterr().out

    return log


def test_production_uses_the_scrubbing_logger():
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))

    assert load_class(conf["logger_class"]).__name__ == "ScrubbingLogger"


@pytest.mark.parametrize(
    "path",
    [
        f"/b/K7M2QX9A/{TOKEN}/",
        f"/b/K7M2QX9A/{TOKEN}/proof.pdf",
        f"/b/K7M2QX9A/{TOKEN}/queue.json",
        f"/display/{TOKEN}/state.json",
    ],
)
def test_a_link_s_secret_is_not_in_the_access_log(access_log, path):
    line = access_log("GET", path)

    assert '" 200 1234 12ms' in line  # the line is written, with the status and time
    assert TOKEN not in line
    assert "[hidden]" in line


def test_ordinary_paths_are_logged_as_they_are(access_log):
    line = access_log("POST", "/api/v1/bookings/")

    assert '"POST /api/v1/bookings/" 200' in line


def test_a_nik_in_the_path_is_masked(access_log):
    line = access_log("GET", f"/api/v1/bookings/{NIK}/")

    assert NIK not in line


def test_a_format_that_names_the_booking_token_header_gets_it_hidden(capsys):
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", '"%(r)s" %({x-booking-token}i)s %({referer}i)s')
    cfg.set("logger_class", "queue_booking.access_log.ScrubbingLogger")
    logger = cfg.logger_class(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/api/v1/bookings/K7M2QX9A/?nik={NIK}",
        "PATH_INFO": "/api/v1/bookings/K7M2QX9A/",
        "QUERY_STRING": f"nik={NIK}",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    headers = [("X-BOOKING-TOKEN", TOKEN), ("REFERER", f"https://antrean.example/b/K7M2QX9A/{TOKEN}/")]

    logger.access(
        SimpleNamespace(status="200 OK", sent=1, headers=[]),
        SimpleNamespace(headers=headers),
        environ,
        dt.timedelta(milliseconds=1),
    )

    line = capsys.readouterr().out
    assert "/api/v1/bookings/K7M2QX9A/" in line
    assert TOKEN not in line
    assert NIK not in line
