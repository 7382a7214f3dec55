"""Cache keys shared by the availability reads and the booking path.

Cached values are for display and for answering "full" fast; the booking path always
decides on the database. Every write that changes room on an office-date calls
``availability_invalidate`` (after commit), so the cache never shows more room than
exists for longer than ``AVAILABILITY_CACHE_SECONDS``.

In front of the shared cache, each process may keep whole availability answers for
``AVAILABILITY_LOCAL_CACHE_SECONDS`` (a micro-cache: under a flood it turns thousands
of identical reads a second into one shared-cache round trip per process). An answer
is never kept past the cache life of the oldest data in it, and an invalidation in
this process drops it at once; other processes drop it within the micro-cache life.
"""

import datetime as dt
import math
import random
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction


def availability_key(office_id: int, date: dt.date) -> str:
    return f"avail:{office_id}:{date.isoformat()}"


def slot_full_key(slot_id: int) -> str:
    return f"slotfull:{slot_id}"


def availability_ttl() -> int:
    return settings.AVAILABILITY_CACHE_SECONDS


# Days read together are cached together and, with one life, expire together: after a
# cold start (a launch's first minute, a deploy, a Redis restart) every office's days
# were read again from PostgreSQL in the same instant, every AVAILABILITY_CACHE_SECONDS,
# for as long as the reads went on, and those instants were the availability reads'
# p99 under `make bench` (docs/performance.md). Each office's days get their own life,
# drawn at random from the last part of the cache life, so the refreshes spread out
# from the first one.
AVAILABILITY_LIFE_SPREAD = 0.5


def availability_entry_ttl() -> int:
    """The life of an office's cached days, in whole seconds (what Redis keeps): drawn
    from the last ``AVAILABILITY_LIFE_SPREAD`` of ``availability_ttl()``, e.g. 3, 4 or
    5 s of 5. Never longer, so no answer shows data older than
    ``AVAILABILITY_CACHE_SECONDS``; on average a day is read a quarter more often."""
    life = availability_ttl()
    shortest = max(1, math.ceil(life * (1 - AVAILABILITY_LIFE_SPREAD)))
    return random.randint(min(shortest, life), life)  # noqa: S311 - not for security


def availability_invalidate(*, office_id: int, date: dt.date, slot_ids: tuple[int, ...] = ()) -> None:
    """Forget cached availability for one office-date (and the "full" marks and cached
    descriptions of the sessions given).

    Runs after the surrounding transaction commits, so a reader cannot re-cache the
    old state between the delete and the commit.
    """

    def forget() -> None:
        cache.delete_many([availability_key(office_id, date), *_slot_keys(slot_ids)])
        local_forget(office_id)
        local_forget_full(slot_ids)

    transaction.on_commit(forget)


def slot_mark_full(slot_id: int) -> None:
    cache.set(slot_full_key(slot_id), 1, availability_ttl())
    local_set(("full", slot_id), True, local_ttl())


def slot_copy_key(slot_id: int) -> str:
    return f"bookslot:{slot_id}"


def _slot_keys(slot_ids: Iterable[int]) -> list[str]:
    """A changed session's "full" mark and its cached description, to forget together."""
    return [key for slot_id in slot_ids for key in (slot_full_key(slot_id), slot_copy_key(slot_id))]


# Stored locally when the shared cache had no copy of a session, so the same request
# goes straight to the database for it instead of asking the shared cache again.
_NO_COPY = object()


def slot_full_and_copy(slot_id: int) -> tuple[bool, Any]:
    """The session's "full" mark (a hint; the booking path decides) and its cached copy
    (``None`` if none is cached).

    Each process remembers "full" for the micro-cache life and "not full" for
    ``SLOT_LOCAL_SECONDS``: a flood then asks Redis about a session once per process
    every few seconds, not once per request. Remembering "full" can hide a place freed
    by another process for at most the micro-cache life (this process forgets at once);
    remembering "not full" only sends a request down the booking path, which decides on
    the database and marks the session full here when it is.

    From this process's memory when it has both, else with one shared-cache round trip
    for the two: a booking asks for both, and on a flood over many sessions most of
    its requests find at least one of them forgotten locally. When the shared cache has
    no copy, that is remembered for a moment, so the caller's next question (the
    booking path asks "full?" and then "which session?") goes to the database at once.
    """
    ttl = local_ttl()
    full = local_get(("full", slot_id)) if ttl > 0 else None
    copy = local_get(("slot", slot_id)) if ttl > 0 else None
    if full is None or copy is None:
        found = cache.get_many([slot_full_key(slot_id), slot_copy_key(slot_id)])
        if full is None:
            full = slot_full_key(slot_id) in found
            local_set(("full", slot_id), full, ttl if full else slot_local_ttl())
        if copy is None:
            copy = found.get(slot_copy_key(slot_id), _NO_COPY)
            local_set(("slot", slot_id), copy, slot_local_ttl() if copy is not _NO_COPY else min(ttl, _NO_COPY_SECONDS))
    return full, (None if copy is _NO_COPY else copy)


_NO_COPY_SECONDS = 0.5
# How long each process keeps "not full" and a session's copy. Longer than a "full"
# mark (the micro-cache life): a stale "not full" only sends a request down the booking
# path, whose UPDATE finds no room and marks the session full in this process at once,
# and a copy is forgotten here at once when this process changes the session (other
# processes within this life, like offices looked up by code). On a flood over hundreds
# of sessions each process then asks the shared cache about a session every 10 s
# instead of on nearly every booking.
SLOT_LOCAL_SECONDS = 10.0


def slot_local_ttl() -> float:
    return min(SLOT_LOCAL_SECONDS, settings.SLOT_COPY_SECONDS) if local_ttl() > 0 else 0.0


def slot_copies_keep(copies: dict[int, Any]) -> None:
    """Cache a copy of each session by id (what ``applicants.selectors.slot_for_booking``
    reads), in one round trip."""
    cache.set_many({slot_copy_key(slot_id): copy for slot_id, copy in copies.items()}, settings.SLOT_COPY_SECONDS)
    for slot_id, copy in copies.items():
        local_set(("slot", slot_id), copy, slot_local_ttl())


def slot_copies_forget(slot_ids: Iterable[int]) -> None:
    """Forget the cached description of these sessions, after the surrounding commit
    (an office changed, or a session's times; room changes go through
    ``availability_invalidate``, which forgets the copies too)."""
    slot_ids = list(slot_ids)
    if not slot_ids:
        return

    def forget() -> None:
        cache.delete_many([slot_copy_key(slot_id) for slot_id in slot_ids])
        local_forget_full(slot_ids)

    transaction.on_commit(forget)


def availability_invalidate_many(*, office_dates: Iterable[tuple[int, dt.date]], slot_ids: Iterable[int] = ()) -> None:
    """``availability_invalidate`` for many office-dates at once (one round trip, after commit)."""
    keys = [availability_key(office_id, date) for office_id, date in set(office_dates)]
    slot_ids = list(slot_ids)
    keys += _slot_keys(slot_ids)
    office_ids = {office_id for office_id, _ in office_dates}

    def forget() -> None:
        cache.delete_many(keys)
        for office_id in office_ids:
            local_forget(office_id)
        local_forget_full(slot_ids)

    if keys:
        transaction.on_commit(forget)


# An office looked up by code is cached so a warm availability read touches no database.
# Saving or deleting an office forgets it (see OfficesConfig.ready); the short life
# bounds staleness when another process (a worker with a local-memory cache) saved it.
OFFICE_CACHE_SECONDS = 60


def office_key(code: str) -> str:
    return f"office:{code}"


# Each process also keeps offices it looked up for a few seconds: on a read flood the
# office is the same for thousands of requests. A save forgets it here at once and in
# other processes within this life.
OFFICE_LOCAL_SECONDS = 10


def office_cached(code: str):
    office = local_get(("office", code)) if local_ttl() > 0 else None
    if office is None:
        office = cache.get(office_key(code))
        if office is not None:
            local_set(("office", code), office, min(OFFICE_LOCAL_SECONDS, OFFICE_CACHE_SECONDS))
    return office


def offices_remember(offices: Iterable) -> None:
    """Cache these offices by code, in one round trip."""
    cache.set_many({office_key(office.code): office for office in offices}, OFFICE_CACHE_SECONDS)


# --- reading every office at once -----------------------------------------------------

# A cold cache (a launch's first minute, a Redis restart or flush) used to send every
# worker to PostgreSQL for each office in turn, two to three queries an office: for about
# half a second a hundred offices' reads queued behind those, and they were the
# availability reads' p99 under `make bench` (docs/performance.md). The first miss now
# reads what it misses for every office in one go, in as many queries as for one office,
# and the other offices' reads find it cached. At most once per WARM_ALL_SECONDS per kind
# of data, so afterwards each office refreshes on its own, at its own time, as before.
WARM_ALL_SECONDS = 60


def warm_all_claim(what: str, *, seconds: int = WARM_ALL_SECONDS) -> bool:
    """True for the one process that should read ``what`` for every office now; false
    for every other caller until ``seconds`` (default ``WARM_ALL_SECONDS``) have passed."""
    return cache.add(f"warmall:{what}", 1, seconds)


def office_forget(code: str, office_id: int | None = None) -> None:
    """Forget the cached office, after commit; with ``office_id``, this process's kept
    availability answers of it too (they were built with its old settings: online
    booking, release policy, window)."""

    def forget() -> None:
        cache.delete(office_key(code))
        _local.pop(("office", code), None)
        if office_id is not None:
            local_forget(office_id)

    transaction.on_commit(forget)


# --- the process-local micro-cache --------------------------------------------------

_local: dict[Any, tuple[float, Any]] = {}
_local_generation: dict[int, int] = {}
LOCAL_MAX_ENTRIES = 5000


def local_ttl() -> float:
    return settings.AVAILABILITY_LOCAL_CACHE_SECONDS


def local_generation(office_id: int) -> int:
    """Bumped by every invalidation of the office in this process: an answer stored
    under an older generation is not served again."""
    return _local_generation.get(office_id, 0)


def local_forget(office_id: int) -> None:
    _local_generation[office_id] = _local_generation.get(office_id, 0) + 1


def local_forget_full(slot_ids: Iterable[int]) -> None:
    """Drop this process's "full" marks and session copies of these sessions."""
    for slot_id in slot_ids:
        _local.pop(("full", slot_id), None)
        _local.pop(("slot", slot_id), None)


def local_get(key: Any) -> Any:
    item = _local.get(key)
    if item is None:
        return None
    expires, value = item
    if expires < time.monotonic():
        _local.pop(key, None)
        return None
    return value


def local_set(key: Any, value: Any, ttl: float) -> None:
    if ttl <= 0:
        return
    if len(_local) >= LOCAL_MAX_ENTRIES:
        _local.clear()  # crude but bounded; a flood re-fills the hot keys within a second
    _local[key] = (time.monotonic() + ttl, value)


def local_clear() -> None:
    _local.clear()
    _local_generation.clear()
