"""Django's Redis cache backend, keeping one redis-py client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache
call. redis-py's constructor fills a case-insensitive table of about 170 response
callbacks each time, which costs more CPU than the round trip it is made for (about
0.1-0.3 ms against 0.08 ms, measured for docs/performance.md). A client takes a
connection from its pool per command and gives it back, so one client per pool per
process is safe, across threads too; pools already re-open their sockets after a fork.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def add_or_get(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """``add`` that also says what was there, in one round trip (``SET NX GET``,
        Redis 7): ``None`` if this call stored ``value``, else the value already stored."""
        key = self.make_and_validate_key(key, version=version)
        client = self._cache.get_client(key, write=True)
        serializer = self._cache._serializer
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        # In milliseconds: Django's get_backend_timeout would round 0.2 s down to 0.
        life = {} if timeout is None else {"px": max(1, round(timeout * 1000))}
        old = client.set(key, serializer.dumps(value), nx=True, get=True, **life)
        return None if old is None else serializer.loads(old)
