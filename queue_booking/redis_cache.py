"""Django's Redis cache backend: one redis-py client per pool, and a cache that fails soft.

**One client per pool.** Django's ``RedisCacheClient.get_client`` builds a new
``redis.Redis`` for every cache call. redis-py's constructor fills a case-insensitive
table of about 170 response callbacks each time, which costs more CPU than the round
trip it is made for (about 0.1-0.3 ms against 0.08 ms, measured for
docs/performance.md). A client takes a connection from its pool per command and gives
it back, so one client per pool per process is safe, across threads too; pools already
re-open their sockets after a fork.

**Failing soft.** Redis is only a cache here: PostgreSQL holds every booking, and every
cached answer can be read from it again (DESIGN.md §4). So when Redis cannot be reached,
the cache behaves as an empty one that keeps nothing: a read misses, a write or a delete
does nothing, ``add`` reports that it added nothing, ``incr`` finds no key. Each caller
then goes to PostgreSQL as on a cold cache, and applicants keep booking while Redis is
restarted. After a failure the process does not ask Redis again for
``RETRY_SECONDS``, so a Redis that hangs costs one request per process its socket
timeout, not every request. ``ping`` is the exception: ``/healthz`` must see the truth.

**Forgetting survives the outage.** A delete is how a write tells the other processes
that a cached copy is wrong (a session closed, an office's online booking switched off,
a place freed). Redis keeps its keys through a partition, a pause, or a restart from its
append-only file (docker-compose.yml), and one process can find Redis out while the
others still use it. So a delete that could not be sent is remembered, and sent as soon
as Redis answers this process again; otherwise the stale copy was served after the
outage for its whole cache life (``SLOT_COPY_SECONDS``, 5 minutes, for a session and its
office).

**Rate limits are counted in the process while Redis is out.** An empty cache is right
for copies, but a rate-limit counter that always reads zero is no limit: staff sign-in
would take unlimited password guesses for as long as Redis is out. The rate limits have
a cache of their own (``LimitsRedisCache``, ``RATELIMIT_USE_CACHE``) on the same Redis,
which during an outage counts in this process's memory instead. Each process then counts
for itself, so on its own a limit would be as many times looser as there are processes;
``queue_booking.rate_limits`` has each process allow its share of it meanwhile. The
counts kept meanwhile are dropped once Redis answers again.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What redis-py raises when the server is down, restarting, unreachable or too slow.
# (Its BusyLoadingError, a restarted Redis still loading its data, is a ConnectionError.)
OUTAGE = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 5.0
# Until when (monotonic clock) this process leaves each Redis server alone; 0: not down.
# Per process, not per cache object: Django keeps a cache object per thread.
_down_until: dict[str, float] = {}
# Keys each server should have forgotten while this process could not reach it.
_unsent_deletes: dict[str, set] = {}
# Bounded: past this many they are all dropped, with a warning (they expire by themselves).
UNSENT_DELETES_MAX = 20_000


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._server = self._servers[0]

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    # --- failing soft ---------------------------------------------------------------

    @property
    def available(self) -> bool:
        """False while this process is leaving Redis alone after a failure."""
        return time.monotonic() >= _down_until.get(self._server, 0.0)

    def _soft(self, name: str, fallback, *args):
        if not self.available:
            return fallback(*args)
        try:
            if _unsent_deletes.get(self._server):
                # Before anything is read: the first read after the outage must not
                # find what should be gone.
                self._send_unsent_deletes()
            result = getattr(RedisCacheClient, name)(self, *args)
        except OUTAGE as exc:
            if not _down_until.get(self._server):
                logger.warning(
                    "cache unavailable (%s); serving without it, next try in %.0f s",
                    type(exc).__name__,
                    RETRY_SECONDS,
                )
            _down_until[self._server] = time.monotonic() + RETRY_SECONDS
            return fallback(*args)
        if _down_until.get(self._server):
            self._recovered()
        return result

    def _recovered(self) -> None:
        logger.warning("cache reachable again")
        _down_until[self._server] = 0.0
        # Whichever cache of the process notices first: the rate limits count in Redis again.
        local = _local_stores.get(self._server)
        if local is not None:
            local.clear()

    def _remember_deletes(self, keys) -> None:
        unsent = _unsent_deletes.setdefault(self._server, set())
        unsent.update(keys)
        if len(unsent) > UNSENT_DELETES_MAX:
            logger.warning("cache unavailable; %d forgotten keys not kept to delete later", len(unsent))
            unsent.clear()

    def _send_unsent_deletes(self) -> None:
        keys = _unsent_deletes.pop(self._server, None)
        if not keys:
            return
        try:
            RedisCacheClient.delete_many(self, list(keys))
        except OUTAGE:
            self._remember_deletes(keys)
            raise

    def ping(self) -> None:
        """Ask Redis directly; raises when it does not answer (for ``/healthz``)."""
        self.get_client(write=True).ping()
        if _down_until.get(self._server):
            self._recovered()

    def add(self, key, value, timeout):
        return self._soft("add", _nothing_added, key, value, timeout)

    def get(self, key, default):
        return self._soft("get", _default, key, default)

    def set(self, key, value, timeout):
        return self._soft("set", _nothing, key, value, timeout)

    def touch(self, key, timeout):
        return self._soft("touch", _nothing_added, key, timeout)

    def delete(self, key):
        return self._soft("delete", self._delete_later, key)

    def get_many(self, keys):
        return self._soft("get_many", _found_none, keys)

    def has_key(self, key):
        return self._soft("has_key", _nothing_added, key)

    def incr(self, key, delta):
        return self._soft("incr", _no_key, key, delta)

    def set_many(self, data, timeout):
        return self._soft("set_many", _nothing, data, timeout)

    def delete_many(self, keys):
        return self._soft("delete_many", self._delete_many_later, keys)

    def _delete_later(self, key) -> bool:
        self._remember_deletes([key])
        return False

    def _delete_many_later(self, keys) -> None:
        self._remember_deletes(keys)

    def clear(self):
        return self._soft("clear", _nothing_added)


# What each operation answers while Redis is out: what an empty cache that keeps nothing
# would answer.
def _nothing(*args) -> None:
    return None


def _nothing_added(*args) -> bool:
    return False


def _default(key, default):
    return default


def _found_none(keys) -> dict:
    return {}


def _no_key(key, delta):
    raise ValueError(f"Key '{key}' not found (cache unavailable).")


class LimitsRedisCacheClient(ReusingRedisCacheClient):
    """Answers from this process's memory, not as an empty cache, while Redis is out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._local = _local_counts(self._server)

    def add(self, key, value, timeout):
        return self._soft("add", self._local.add, key, value, timeout)

    def get(self, key, default):
        return self._soft("get", self._local.get, key, default)

    def set(self, key, value, timeout):
        return self._soft("set", self._local.set, key, value, timeout)

    def touch(self, key, timeout):
        return self._soft("touch", self._local.touch, key, timeout)

    def delete(self, key):
        return self._soft("delete", self._local.delete, key)

    def get_many(self, keys):
        return self._soft("get_many", self._local.get_many, keys)

    def has_key(self, key):
        return self._soft("has_key", self._local.has_key, key)

    def incr(self, key, delta):
        return self._soft("incr", self._local.incr, key, delta)

    def set_many(self, data, timeout):
        return self._soft("set_many", self._local.set_many, data, timeout)

    def delete_many(self, keys):
        return self._soft("delete_many", self._local.delete_many, keys)

    def clear(self):
        return self._soft("clear", self._local.clear)


# Per process and server, like ``_down_until``: Django keeps a cache object per thread.
_local_stores: dict[str, LocMemCache] = {}
# Bounded: a flood of addresses during an outage must not grow the process without end.
LOCAL_COUNTS_MAX = 10_000


def _local_counts(server: str) -> LocMemCache:
    store = _local_stores.get(server)
    if store is None:
        store = _local_stores[server] = LocMemCache(
            f"limits-while-out:{server}", {"OPTIONS": {"MAX_ENTRIES": LOCAL_COUNTS_MAX}}
        )
    return store


class ReusingRedisCache(RedisCache):
    client_class = ReusingRedisCacheClient

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = self.client_class

    @property
    def available(self) -> bool:
        return self._cache.available

    def ping(self) -> None:
        self._cache.ping()


class LimitsRedisCache(ReusingRedisCache):
    """The rate limits' cache: counts in this process while Redis is out (see above)."""

    client_class = LimitsRedisCacheClient


def cache_available(cache) -> bool:
    """Whether ``cache`` is taking reads and writes right now (any other backend: yes)."""
    return getattr(cache, "available", True)
