"""Handing work to Celery once the transaction that caused it has committed.

Every task of this app is enqueued through ``enqueue_on_commit``: by name (so a task
another module registers later, such as the allocation worker, can be sent without
importing it), with ids only as arguments (never personal data), and never able to
fail the write that caused it. A broker that is down costs a log line; the periodic
sweeps pick the work up again. After a failed send the process sends nothing for
``BROKER_RETRY_SECONDS``: kombu retries a send for about 0.6 s before it gives up, which
every request would otherwise pay while the broker is out.
"""

import logging
import time

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

BROKER_RETRY_SECONDS = 5.0
# A broker that cannot be reached (kombu wraps socket errors in its OperationalError).
BROKER_OUT = (OperationalError, OSError)
# Until when this process leaves the broker alone (monotonic clock; 0: not down).
_down_until = 0.0


def broker_available() -> bool:
    return time.monotonic() >= _down_until


def publish(name: str, kwargs: dict, *, countdown: float | None = None) -> bool:
    """Send one task now; return whether the broker took it. Registered tasks go through
    ``apply_async`` (which honours ``task_always_eager``); unknown names are sent to the
    broker by name.

    Nobody waits for these results: ``ignore_result`` spares the web process the
    result backend's subscription per message (with Redis, a round trip each).
    """
    global _down_until
    if not broker_available():
        return False
    try:
        task = current_app.tasks.get(name)
        if task is not None:
            task.apply_async(kwargs=kwargs, countdown=countdown, ignore_result=True)
        else:
            current_app.send_task(name, kwargs=kwargs, countdown=countdown, ignore_result=True)
    except BROKER_OUT:
        logger.exception("could not enqueue task %s; not trying again for %.0f s", name, BROKER_RETRY_SECONDS)
        _down_until = time.monotonic() + BROKER_RETRY_SECONDS
        return False
    except Exception:  # noqa: BLE001 - the committed write must stand; sweeps retry
        logger.exception("could not enqueue task %s", name)
        return False
    _down_until = 0.0
    return True


def broker_connect() -> bool:
    """Open this process's broker connection, as its first published task would; whether
    the broker answered. A new web worker calls it before it takes a request
    (``queue_booking.warmup``): otherwise its first booking connects to the broker (about
    7 ms with Redis) while the requests behind it wait. A broker that is down is left
    alone for ``BROKER_RETRY_SECONDS``, as after a failed send."""
    global _down_until
    try:
        with current_app.producer_or_acquire() as producer:
            # One attempt: kombu's own retries would hold a new worker for about 6 s
            # while the broker is out, and gunicorn recycles workers during an outage too.
            producer.connection.ensure_connection(max_retries=0)
            producer.channel  # noqa: B018 - the pooled producer keeps its channel
    except BROKER_OUT:
        logger.warning("broker unreachable at start; not trying again for %.0f s", BROKER_RETRY_SECONDS)
        _down_until = time.monotonic() + BROKER_RETRY_SECONDS
        return False
    return True


def enqueue_on_commit(name: str, **kwargs) -> None:
    for value in kwargs.values():
        ids = isinstance(value, list) and all(type(item) is int for item in value)
        if not (ids or isinstance(value, (int, str, bool, type(None)))):
            raise TypeError(f"task arguments are ids (or lists of ids) and flags only, not {type(value).__name__}")
    # Looked up at commit time, so a test (or a later hook) can replace ``publish``.
    transaction.on_commit(lambda: publish(name, kwargs))
