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
# Recycling guards against a slow leak. A worker's memory grew from 106 to 118 MB over
# its first ~115,000 requests under `make bench` and then stayed flat, while each
# restart costs a new PostgreSQL backend and, under a flood, the tail (a worker
# recycled every 7-40 s at 10,000). At the bench's rates a worker now serves 1.5
# (reads) to 7 minutes (bookings) before it is recycled.
max_requests = 100000
max_requests_jitter = 10000
# The app is imported once in the master and workers are forked from it: a worker
# recycled by max_requests is serving again in milliseconds instead of re-importing
# Django (~0.9 s of CPU each). Workers booted together reach max_requests together, so
# during a flood all of them used to restart within seconds (docs/performance.md).
# Nothing connects to PostgreSQL or Redis at import; code changes need a restart.
preload_app = True

accesslog = "-"
# No query strings in the access log: nothing personal may reach a log line. The path
# goes through the product's scrubbing (queue_booking/access_log.py): a proof link's
# path holds the booking's secret.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
logger_class = "queue_booking.access_log.ScrubbingLogger"


def when_ready(server):
    """Build in the master what each worker would otherwise build on its first requests
    (the URL tables, translations, validators, the booking's SQL, Celery's sender: about
    70 ms of CPU per worker), and freeze the master's heap so a full garbage collection
    in a worker stops walking Django's import-time objects (65-177 ms each under load).
    Still no connection is opened: see queue_booking/warmup.py."""
    if not server.cfg.preload_app:
        return
    from queue_booking.warmup import warm_before_fork

    warm_before_fork()


def post_worker_init(worker):
    """Connect a new worker to the database and the cache before it takes a request."""
    from queue_booking.warmup import connect_before_serving

    connect_before_serving()


def worker_exit(server, worker):
    """Let a worker that has finished serving leave without the interpreter's teardown,
    so that its replacement starts at once (see queue_booking/warmup.py)."""
    from queue_booking.warmup import leave_without_teardown

    leave_without_teardown(worker)
