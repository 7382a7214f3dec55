"""The Celery application. Configuration lives in settings under the CELERY_ prefix."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "queue_booking.settings")

app = Celery("queue_booking")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="queue_booking.ping")
def ping(value: int = 1) -> int:
    """A task that proves a worker is alive: returns its argument plus one."""
    return value + 1
