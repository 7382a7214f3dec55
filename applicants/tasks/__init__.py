"""Celery tasks of the applicants app, by topic. Celery's autodiscovery imports this."""

from applicants.tasks import maintenance, notifications  # noqa: F401, E402
