"""Celery tasks of the applicants app, by topic. Celery's autodiscovery imports this."""

from applicants.tasks import allocation, maintenance, notifications, rollover, scheduled  # noqa: F401, E402
