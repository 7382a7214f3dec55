"""Celery workers and beat log like the web: through the filter that masks personal data.

At start, ``celery worker`` and ``celery beat`` set up logging (``app.log.setup``). Left
to itself Celery then drops the root logger's handlers for its own, and with them the
product's filter and JSON format: a notification that failed logged the exception as
it came, e.g. an SMTP refusal naming the applicant's address.
"""

import io
import logging

import pytest

from queue_booking.celery import app
from queue_booking.logging import ScrubNikFilter

NIK = "3578014101900001"


@pytest.fixture
def worker_logging():
    """``app.log.setup`` as a worker runs it; the test process's logging is put back after."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, app.log.already_setup)
    app.log.already_setup = False
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    app.log.already_setup = saved[2]


def test_a_worker_keeps_the_product_s_handler_and_its_filter(worker_logging):
    app.log.setup(loglevel="INFO")

    handlers = logging.getLogger().handlers
    assert any(isinstance(f, ScrubNikFilter) for handler in handlers for f in handler.filters)


def test_what_a_worker_logs_is_scrubbed(worker_logging):
    app.log.setup(loglevel="INFO")
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, ScrubNikFilter) for f in h.filters))
    stream = io.StringIO()
    handler.setStream(stream)

    try:
        raise ConnectionError(f"refused for {NIK}")
    except ConnectionError:
        logging.getLogger("applicants.notifications").warning("notification 7 failed", exc_info=True)

    written = stream.getvalue()
    assert "notification 7 failed" in written and "ConnectionError" in written
    assert NIK not in written
