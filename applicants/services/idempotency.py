"""``Idempotency-Key``: a retried POST gets the answer of the first one, never a second booking.

The first request with a key claims it (an INSERT that commits at once, so a
concurrent duplicate finds it); the answer is stored with it when the request ends,
if it decided something (``applicants.api.guards``: a success or a 409), and the
claim is dropped otherwise.
Same key and same body: the stored answer (a cancel or reschedule with the proof links
of the token it is asked with: ``applicants.api.bookings``). Same key, other body: 422. Same key while
the first is still running: 409. Answers are kept ``IDEMPOTENCY_KEY_TTL_HOURS``; an
older key counts as new, and ``idempotency_purge`` deletes them.

Stored bodies hold a booking's secret token, so they are kept encrypted.
"""

import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction

from applicants.exceptions import IdempotencyInProgress, IdempotencyKeyReused, InvalidIdempotencyKey
from applicants.identity import secret_decrypt, secret_encrypt
from applicants.models import IdempotencyKey

_KEY_SHAPE = re.compile(r"[\x21-\x7e]{1,255}")
# A claim still "in progress" after this was left by a process that died mid-request:
# the key is free again (no request runs this long; gunicorn kills it first).
_STALE_CLAIM = dt.timedelta(minutes=2)


def request_fingerprint(body) -> str:
    """Keyed hash of the canonical JSON body (it may hold a NIK, so a plain hash won't do)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)
    return hmac.new(settings.NIK_HASH_KEY.encode(), canonical.encode(), hashlib.sha256).hexdigest()


# Headers that are part of the answer and replayed with it (not secret: a booking's
# address holds its code, which reveals nothing personal).
REPLAYED_HEADERS = ("Location",)


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: dict
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Claim:
    record: IdempotencyKey


def _ttl() -> dt.timedelta:
    return dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def idempotency_begin(*, scope: str, key: str, fingerprint: str, now: dt.datetime) -> Claim | StoredAnswer:
    """Claim ``key`` in ``scope`` for this request, or return the answer already given."""
    if not _KEY_SHAPE.fullmatch(key or ""):
        raise InvalidIdempotencyKey()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(scope=scope, key=key, fingerprint=fingerprint, created_at=now)
            return Claim(record=record)
        except IntegrityError:
            existing = IdempotencyKey.objects.filter(scope=scope, key=key).first()
            if existing is None:
                continue  # deleted in between (purged or abandoned): claim it again
            stale = existing.state == IdempotencyKey.State.IN_PROGRESS and existing.created_at <= now - _STALE_CLAIM
            if stale or existing.created_at <= now - _ttl():
                IdempotencyKey.objects.filter(id=existing.id, state=existing.state).delete()
                continue
            if not hmac.compare_digest(existing.fingerprint, fingerprint):
                raise IdempotencyKeyReused() from None
            if existing.state != IdempotencyKey.State.DONE:
                raise IdempotencyInProgress() from None
            stored = existing.response_body
            return StoredAnswer(
                status=existing.response_status, body=stored_answer_open(stored), headers=stored.get("headers", {})
            )
    raise IdempotencyInProgress()


def _seal(body) -> dict:
    text = json.dumps(body, cls=DjangoJSONEncoder)
    return {"sealed": secret_encrypt(text)}


def stored_answers_in_batches(batch: int) -> Iterator[list[IdempotencyKey]]:
    """Every key with a stored answer, ``batch`` at a time in id order (only ``id`` and
    ``response_body`` loaded): for the jobs that must open each one (key rotation,
    erasure of personal data)."""
    last_id = 0
    while True:
        rows = list(
            IdempotencyKey.objects.filter(id__gt=last_id, response_body__isnull=False)
            .order_by("id")
            .only("id", "response_body")[:batch]
        )
        if not rows:
            return
        yield rows
        last_id = rows[-1].id


def stored_answer_open(stored) -> dict:
    """A stored answer's body, unsealed: ``InvalidToken`` when no configured key opens it."""
    return json.loads(secret_decrypt(stored["sealed"]))


def idempotency_finish(*, claim: Claim, status: int, body, headers: dict[str, str] | None = None) -> None:
    """Store the answer given to the claiming request, with its ``REPLAYED_HEADERS``."""
    stored = _seal(body)
    kept = {name: value for name, value in (headers or {}).items() if name in REPLAYED_HEADERS}
    if kept:
        stored["headers"] = kept
    IdempotencyKey.objects.filter(id=claim.record.id).update(
        state=IdempotencyKey.State.DONE, response_status=status, response_body=stored
    )


def idempotency_abandon(*, claim: Claim) -> None:
    """Forget the claim (the request failed in a way a retry may fix)."""
    IdempotencyKey.objects.filter(id=claim.record.id, state=IdempotencyKey.State.IN_PROGRESS).delete()


def idempotency_purge(*, now: dt.datetime) -> int:
    """Delete keys older than the TTL; returns how many."""
    deleted, _detail = IdempotencyKey.objects.filter(created_at__lte=now - _ttl()).delete()
    return deleted
