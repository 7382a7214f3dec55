"""A freshly forked web worker at full speed from its first request.

gunicorn imports the app once, in its master, and forks the workers from it
(``deploy/gunicorn.conf.py``). What the master has built, every worker inherits; what
stays lazy, each worker builds during its first requests, while the requests queued
behind them wait. Workers are recycled every ~100,000 requests, so during a flood this
happens every few minutes, and the workers that served the availability reads before a
launch meet the first bookings together. Measured in a worker forked after Django's
set-up (``bench/`` scenario, docs/performance.md): its first booking took 65-103 ms of
CPU against 2-3 ms for the next ones.

``warm_before_fork`` builds in the master what the booking path would build lazily:
the URL table each language reverses through, the compiled validators, the phone
metadata, the cipher, Celery's message machinery and the booking's SQL. It opens no
connection, and closes any a step opened, so no worker inherits a socket. Then it
moves everything the master holds into the garbage collector's permanent generation:
a full collection in a worker otherwise walks all of Django's import-time objects,
65-177 ms measured under load, and now walks only what the worker made itself.

``connect_before_serving`` runs in each new worker before it accepts a request and
opens the database, cache and broker connections its first request would open, and
prepares the booking's statement on its database connection (which loads PostgreSQL's
catalog for the booking's tables into the new server process). Measured in a worker
forked as gunicorn forks them: its first booking took 13-19 ms against 1.6 ms for the
later ones, of which the broker connection was about 7 ms and the statement's first
PREPARE about 4. A service that is down is left to the request path, which has its
answers for that.

``leave_without_teardown`` is the other end of a worker's life: a worker recycled after
``max_requests`` leaves without freeing every object one by one, so that gunicorn forks
its replacement at once instead of 74-140 ms later.
"""

import atexit
import gc
import logging
import os
import sys

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.urls import get_resolver, reverse
from django.utils import translation

logger = logging.getLogger(__name__)

# Stands for a booking code where a URL is only reversed to fill the URL table.
_ANY_CODE = "WARMUP00"


def warm_before_fork() -> None:
    """Build what a worker's first requests would build; open nothing; freeze the heap."""
    get_resolver().url_patterns  # noqa: B018 - evaluating it imports every view module
    for language, _name in settings.LANGUAGES:
        # Each language has its own reverse table, filled on first use (~35 ms).
        with translation.override(language):
            reverse("api:booking-detail", kwargs={"code": _ANY_CODE})
    translation.deactivate()
    _warm_booking_path()
    _warm_celery()
    # A step that reached for the database or the cache must not leave the workers a
    # shared socket.
    connections.close_all()
    cache.close()
    gc.collect()
    gc.freeze()


def _warm_booking_path() -> None:
    from applicants.identity import email_normalize, phone_normalize, secret_encrypt
    from applicants.services.one_statement import statements_compile

    email_normalize("warm.up@example.com")  # compiles the email validator's patterns
    phone_normalize("081234567890")  # loads Indonesia's numbering plan
    secret_encrypt("0")  # builds the cipher and loads its backend
    if connections["default"].vendor == "postgresql":
        statements_compile()


def _warm_celery() -> None:
    """Celery's lazy parts on the way to publishing a task, without a broker connection.
    The producer pool stays unbuilt: Celery resets it after a fork."""
    from celery import current_app

    current_app.loader.import_default_modules()
    current_app.tasks  # noqa: B018 - finalizes the app
    amqp = current_app.amqp
    amqp.router  # noqa: B018
    amqp.queues  # noqa: B018
    amqp.send_task_message  # noqa: B018 - builds the sender and its event dispatcher
    current_app.backend  # noqa: B018 - an AsyncResult per published task needs it


def connect_before_serving() -> None:
    """Open this worker's database, cache and broker connections before it takes a
    request, and prepare the booking's statement on its database connection."""
    from applicants.dispatch import broker_connect
    from applicants.services.one_statement import statements_prepare

    try:
        connections["default"].ensure_connection()
    except DatabaseError:
        logger.warning("worker starts without a database connection; requests will retry", exc_info=True)
    else:
        try:
            statements_prepare()
        except DatabaseError:
            logger.warning("worker starts without the booking statement prepared", exc_info=True)
    try:
        cache.get("warmup")
    except Exception:  # noqa: BLE001 - the cache's own fallbacks handle it per request
        logger.warning("worker starts without a cache connection; requests will retry", exc_info=True)
    broker_connect()


def leave_without_teardown(worker) -> None:
    """End a web worker that has finished serving without Python's interpreter teardown.

    gunicorn replaces a worker only once it has exited, and under a flood a worker
    recycled after ``max_requests`` took 74-140 ms to exit, in the interpreter's
    teardown, which frees every object the worker holds one by one. Meanwhile the
    requests queue for one worker fewer: two restarts per worker in a 15 s flood
    raised its p99 from 94-108 to 130-135 ms (docs/performance.md). Here the database
    connection is closed properly first (PostgreSQL sees a client leave, not a lost
    one), then the exit handlers run as on any exit (logging's shutdown, a library's
    last flush), the standard streams are flushed, and the process ends: the cache and
    broker sockets close with it. Only the freeing of every object is skipped, which
    took the exit from 74-140 ms to 7-21 ms under a flood.

    Only a worker leaving with status 0 after it booted (recycled, or told to stop)
    leaves early: any other status is the master's signal that a worker failed to boot
    or crashed, and must reach it unchanged. gunicorn calls ``worker_exit`` while the
    worker's ``SystemExit`` propagates, which is where the status is read.
    """
    leaving = sys.exc_info()[1]
    if not (worker.booted and isinstance(leaving, SystemExit) and leaving.code in (0, None)):
        return
    try:
        connections.close_all()
    except Exception:  # noqa: BLE001 - a broken connection closes with the process
        logger.warning("worker could not close its database connection before leaving", exc_info=True)
    # What the interpreter runs first on the way out (CPython's own call for it): logging's
    # shutdown, and whatever a library registered to flush its last data (an error
    # tracker's queue, say).
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
