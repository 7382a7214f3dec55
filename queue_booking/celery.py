"""The Celery application. Configuration lives in settings under the CELERY_ prefix."""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "queue_booking.settings")

app = Celery("queue_booking")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_the_project_logging(**_kwargs) -> None:
    """Workers and beat log as the web does (``settings.LOGGING``: ``LOG_LEVEL``,
    ``LOG_FORMAT``, the filter that masks personal data). Without a receiver of this
    signal Celery replaces the root logger's handlers with its own, unfiltered ones."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@app.task(name="queue_booking.ping")
def ping(value: int = 1) -> int:
    """A task that proves a worker is alive: returns its argument plus one."""
    return value + 1
