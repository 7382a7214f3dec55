"""Cache keys shared by the availability reads and the booking path.

Cached values are for display and for answering "full" fast; the booking path always
decides on the database. Every write that changes room on an office-date calls
``availability_invalidate`` (after commit), so the cache never shows more room than
exists for longer than ``AVAILABILITY_CACHE_SECONDS``.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction


def availability_key(office_id: int, date: dt.date) -> str:
    return f"avail:{office_id}:{date.isoformat()}"


def slot_full_key(slot_id: int) -> str:
    return f"slotfull:{slot_id}"


def availability_ttl() -> int:
    return settings.AVAILABILITY_CACHE_SECONDS


def availability_invalidate(*, office_id: int, date: dt.date, slot_ids: tuple[int, ...] = ()) -> None:
    """Forget cached availability for one office-date (and "full" marks of its slots).

    Runs after the surrounding transaction commits, so a reader cannot re-cache the
    old state between the delete and the commit.
    """

    def forget() -> None:
        cache.delete_many([availability_key(office_id, date), *(slot_full_key(s) for s in slot_ids)])

    transaction.on_commit(forget)


def slot_mark_full(slot_id: int) -> None:
    cache.set(slot_full_key(slot_id), 1, availability_ttl())


def slot_is_marked_full(slot_id: int) -> bool:
    return cache.get(slot_full_key(slot_id)) is not None


def availability_invalidate_many(*, office_dates: Iterable[tuple[int, dt.date]], slot_ids: Iterable[int] = ()) -> None:
    """``availability_invalidate`` for many office-dates at once (one round trip, after commit)."""
    keys = [availability_key(office_id, date) for office_id, date in set(office_dates)]
    keys += [slot_full_key(s) for s in slot_ids]
    if keys:
        transaction.on_commit(lambda: cache.delete_many(keys))


# An office looked up by code is cached so a warm availability read touches no database.
# Saving or deleting an office forgets it (see OfficesConfig.ready); the short life
# bounds staleness when another process (a worker with a local-memory cache) saved it.
OFFICE_CACHE_SECONDS = 60


def office_key(code: str) -> str:
    return f"office:{code}"


def office_cached(code: str):
    return cache.get(office_key(code))


def office_remember(office) -> None:
    cache.set(office_key(office.code), office, OFFICE_CACHE_SECONDS)


def office_forget(code: str) -> None:
    transaction.on_commit(lambda: cache.delete(office_key(code)))
