"""Celery tasks of the applicants app, by topic. Celery's autodiscovery imports this."""
