"""``/healthz``: is each part this process depends on reachable right now?

Only the database is needed to serve: Redis holds copies, rate-limit counts and the task
queue, and the product goes on without it (README, "When Redis is out"). So ``/healthz``
answers 503 only when the database is out; with Redis out it answers 200 with
``"status": "degraded"``, naming what is failing. A load balancer or container health check
that took the web processes out whenever Redis failed would turn a slower service into none
at all. Monitoring that must hear of any failing part asks ``/healthz?strict=1``, which
answers 503 for any of them.
"""

import time
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from queue_booking.celery import app as celery_app


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    if hasattr(cache, "ping"):  # Redis: the cache fails soft, so ask the server itself
        cache.ping()
    key, value = f"healthz:{uuid.uuid4().hex}", "ok"
    cache.set(key, value, 5)
    if cache.get(key) != value:
        raise RuntimeError("cache did not return the value it was given")
    cache.delete(key)


def _check_broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
# Without these the process cannot serve; without the others it serves more slowly.
ESSENTIAL = frozenset({"database"})


@never_cache
def healthz(request):
    results, healthy = {}, True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means "down", reported by type only
            healthy = False
            results[name] = {"status": "down", "error": type(exc).__name__}
        else:
            results[name] = {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}
    failing = [name for name, result in results.items() if result["status"] != "ok"]
    if healthy:
        status = "ok"
    elif ESSENTIAL.isdisjoint(failing):
        status = "degraded"
    else:
        status = "down"
    strict = request.GET.get("strict", "") not in ("", "0")
    serving = status == "ok" or (status == "degraded" and not strict)
    body = {"status": status, "failing": failing, "checks": results}
    return JsonResponse(body, status=200 if serving else 503)
