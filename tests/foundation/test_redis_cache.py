"""The Redis cache backend keeps one redis-py client per pool and behaves like Django's."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.redis


def test_it_reuses_one_client_for_every_call():
    client = cache._cache.get_client("any", write=True)

    assert cache._cache.get_client("other") is client
    assert cache._cache.get_client(None, write=True) is client


def test_it_stores_reads_and_forgets_like_the_django_backend():
    cache.set("redis-cache-test", {"room": 3}, 30)
    cache.set_many({"redis-cache-a": 1, "redis-cache-b": 2}, 30)

    assert cache.get("redis-cache-test") == {"room": 3}
    assert cache.get_many(["redis-cache-a", "redis-cache-b", "missing"]) == {"redis-cache-a": 1, "redis-cache-b": 2}
    cache.delete_many(["redis-cache-a", "redis-cache-b"])
    assert cache.get("redis-cache-a") is None
    assert cache.add("redis-cache-counter", 0, 30)
    assert not cache.add("redis-cache-counter", 5, 30)
    assert cache.incr("redis-cache-counter") == 1
