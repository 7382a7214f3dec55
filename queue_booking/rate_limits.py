"""Counting a rate limit: django-ratelimit's ``get_usage`` in the "limits" cache, stricter
while Redis is out.

While Redis is out each process counts in its own memory (queue_booking/redis_cache.py),
so one address spread over N web processes gets N times its limit: 10 sign-in guesses a
quarter of an hour become 30 behind 3 gunicorn workers, 60 behind two such containers.
``RATELIMIT_OUTAGE_PROCESSES`` says how many web processes share the load (by default
gunicorn's ``WEB_CONCURRENCY``); while this process counts alone, a limit that guards
against guessing or message floods allows each process its share, ``ceil(limit / N)``
and at least 1, so that together they allow about the limit. Booking creation keeps its
full limit in every process: a refusal there costs an applicant their place, and one
active booking per person is the database's rule in any case.
"""

import math

from django.conf import settings
from django.core.cache import caches
from django_ratelimit.core import _split_rate, get_usage

from queue_booking.redis_cache import cache_available


def outage_rate(rate: str) -> tuple[int, int]:
    """``rate`` ("10/15m") as (count, seconds), with the count this process may allow
    while it counts alone."""
    count, seconds = _split_rate(rate)
    processes = max(settings.RATELIMIT_OUTAGE_PROCESSES, 1)
    return max(math.ceil(count / processes), 1), seconds


def rate_usage(request, *, group: str, key, rate: str, increment: bool, share_in_outage: bool = True) -> dict | None:
    """``get_usage`` with ``rate``, or its per-process share (``outage_rate``) while the
    limits' store counts in this process; ``share_in_outage=False`` keeps the full rate."""
    if not share_in_outage:
        return get_usage(request, group=group, key=key, rate=rate, increment=increment)
    limits = caches[settings.RATELIMIT_USE_CACHE]
    counted_here = not cache_available(limits)
    usage = get_usage(
        request, group=group, key=key, rate=outage_rate(rate) if counted_here else rate, increment=increment
    )
    if not counted_here and not cache_available(limits):
        # This very call found Redis out: count it with the others of the outage (the
        # share's count is another key), so that the share holds from its first request.
        usage = get_usage(request, group=group, key=key, rate=outage_rate(rate), increment=increment)
    return usage
