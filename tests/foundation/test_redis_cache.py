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


def test_add_or_get_stores_once_and_says_what_was_there():
    assert cache.add_or_get("redis-cache-flag", 12.5, 30) is None
    assert cache.add_or_get("redis-cache-flag", 99.0, 30) == 12.5
    assert cache.get("redis-cache-flag") == 12.5


def test_add_or_get_keeps_a_life_of_a_fraction_of_a_second():
    import time

    assert cache.add_or_get("redis-cache-short", 1.0, 0.2) is None
    key = cache.make_and_validate_key("redis-cache-short")
    assert 100 < cache._cache.get_client(key).pttl(key) <= 200
    time.sleep(0.3)

    assert cache.add_or_get("redis-cache-short", 2.0, 0.2) is None
