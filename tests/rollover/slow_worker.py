"""A Celery worker whose allocation pauses after each booking it places. Tests only.

``python -m tests.rollover.slow_worker <celery worker arguments>``: the pause
(``SLOW_ALLOCATE_SECONDS``) stretches a rollover over a few seconds so a test can kill
the worker in the middle of it. Nothing else differs from a production worker.
"""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "queue_booking.settings")
django.setup()

from applicants.services import allocation  # noqa: E402
from queue_booking.celery import app  # noqa: E402

_real_allocate = allocation.booking_allocate
_pause = float(os.environ.get("SLOW_ALLOCATE_SECONDS", "0.05"))


def _slow_allocate(**kwargs):
    booking = _real_allocate(**kwargs)
    time.sleep(_pause)
    return booking


allocation.booking_allocate = _slow_allocate

if __name__ == "__main__":
    app.worker_main(["worker", *sys.argv[1:]])
