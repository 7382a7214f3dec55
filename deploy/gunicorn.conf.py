"""gunicorn settings for production. Sync workers: the booking path is short and CPU-bound."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # noqa: S104 - inside the container
# One more worker than cores: a booking waits little (one short statement, a Redis round
# trip), so more workers only add context switches and cold CPU caches. Measured with
# `make bench` on 2 cores (docs/performance.md): 3 workers beat 5 in every scenario, by
# 8 % on the bare view and about 20 % on availability and bookings. Raise WEB_CONCURRENCY
# where the database is far away and requests wait longer.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
max_requests = 10000
max_requests_jitter = 1000
# The app is imported once in the master and workers are forked from it: a worker
# recycled by max_requests is serving again in milliseconds instead of re-importing
# Django (~0.9 s of CPU each). Workers booted together reach max_requests together, so
# during a flood all of them used to restart within seconds (docs/performance.md).
# Nothing connects to PostgreSQL or Redis at import; code changes need a restart.
preload_app = True

accesslog = "-"
# No query strings in the access log: nothing personal may reach a log line.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


def when_ready(server):
    """Build in the master what each worker would otherwise build on its first request
    (~250 ms: the URL tree and its view modules, the translation catalogues, redis-py),
    so a freshly forked worker answers at full speed. Still no connection is opened."""
    if not server.cfg.preload_app:
        return
    import redis  # noqa: F401 - imported by Django's cache backend on first use
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - evaluating it imports every view module
    for language in ("id", "en"):
        translation.activate(language)
    translation.deactivate()
