"""What stands before the booking services in the API: rate limits and idempotency.

Rate limits use django-ratelimit on the "limits" cache (Redis when configured), per
client address, per NIK, (for look-ups) per booking code and (for staff reads) per user. The NIK never becomes a
cache key: its keyed hash does.
They are a courtesy to the service, not a rule: one active booking per person is the
database's to enforce. While Redis is out each process counts for itself
(queue_booking/redis_cache.py), each allowing its share of a limit, except booking
creation's (queue_booking/rate_limits.py); should the store fail in any other way, the
limits are skipped (logged), so it never stops bookings.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from applicants.exceptions import RateLimited
from applicants.identity import nik_hash
from applicants.proof import normalize_code
from applicants.services.idempotency import (
    REPLAYED_HEADERS,
    StoredAnswer,
    idempotency_abandon,
    idempotency_begin,
    idempotency_finish,
    request_fingerprint,
)
from queue_booking.api_errors import exception_handler
from queue_booking.rate_limits import rate_usage

logger = logging.getLogger(__name__)


def _limit(request: Request, *, group: str, rate: str, key) -> None:
    if not settings.RATELIMIT_ENABLE:
        return
    try:
        usage = rate_usage(
            request, group=group, key=key, rate=rate, increment=True, share_in_outage=not group.startswith("booking:")
        )
    except Exception:  # noqa: BLE001 - a cache outage must not stop bookings
        logger.warning("rate limit store unavailable; %s not limited", group, exc_info=True)
        return
    if usage is not None and usage["should_limit"]:
        raise RateLimited(retry_after=max(int(usage["time_left"]), 1))


def limit_by_ip(request: Request, *, group: str, rate: str) -> None:
    _limit(request, group=f"{group}:ip", rate=rate, key="ip")


def limit_by_nik(request: Request, *, group: str, rate: str, nik: str) -> None:
    hashed = nik_hash("".join(ch for ch in nik if ch.isascii() and ch.isdigit()) or nik)
    _limit(request, group=f"{group}:nik", rate=rate, key=lambda _group, _request: hashed)


def limit_by_code(request: Request, *, group: str, rate: str, code: str) -> None:
    """Per booking code, however it is typed: guesses at one code's NIK come from many
    addresses and each is another NIK, so only this limit counts them together."""
    normalized = normalize_code(code)
    _limit(request, group=f"{group}:code", rate=rate, key=lambda _group, _request: normalized)


def limit_by_user(request, *, group: str, rate: str) -> None:
    """Per signed-in user, wherever they work from: for staff reads of personal data,
    which an office's shared address would otherwise hide among everyone's."""
    user_id = str(request.user.pk)
    _limit(request, group=f"{group}:user", rate=rate, key=lambda _group, _request: user_id)


# Answers worth replaying: those that decided something, a success or a conflict with
# the state of things (409: the session is full, the person already has a booking).
# Invalid input (400), a session or booking not found (404), a refusal (403) and "try
# again later" (429, 5xx) change nothing, and neither may their key: a corrected retry
# with the same key then runs, instead of being told the key was used for another body.
def _storable(status: int) -> bool:
    return 200 <= status < 300 or status == 409


def run_idempotent(
    request: Request,
    *,
    scope: str,
    now,
    handler: Callable[[], Response],
    on_replay: Callable[[dict], dict] | None = None,
) -> Response:
    """Run ``handler`` once per ``Idempotency-Key`` (if the request has one).

    ``scope`` separates endpoints (and bookings): the same key on another endpoint is
    another key. ``on_replay`` turns a stored body into the one replayed, for parts of
    it that may since have stopped being true in a way that harms the caller (a proof
    link that a renewal of the booking's secret has ended); status and headers stay.
    """
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return handler()
    claim = idempotency_begin(scope=scope, key=key.strip(), fingerprint=request_fingerprint(request.data), now=now)
    if isinstance(claim, StoredAnswer):
        body = claim.body if on_replay is None else on_replay(claim.body)
        return Response(body, status=claim.status, headers={**claim.headers, "Idempotent-Replayed": "true"})
    try:
        response = handler()
    except Exception as exc:
        response = exception_handler(exc, {"request": request})
        if response is None:
            idempotency_abandon(claim=claim)
            raise
    if _storable(response.status_code):
        headers = {name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)}
        idempotency_finish(claim=claim, status=response.status_code, body=response.data, headers=headers)
    else:
        idempotency_abandon(claim=claim)
    return response


def no_store(response: HttpResponse) -> HttpResponse:
    """Mark an answer that carries personal data or a booking's secret as never to be cached."""
    response["Cache-Control"] = "no-store"
    return response


class NotStored:
    """A view mixin: every answer, a refusal included, is ``no_store``.

    For the reads and changes that a booking's secret opens: their 404 for a missing or
    wrong token is an answer a shared cache may keep by default (RFC 9111), and would
    then give to the holder of the right token; the position in the queue is the
    booking's own."""

    def finalize_response(self, request, response, *args, **kwargs):
        return no_store(super().finalize_response(request, response, *args, **kwargs))
