"""The Redis cache backend keeps one redis-py client per pool and behaves like Django's."""

import logging
import socket
import time

import pytest
import redis
from django.core.cache import cache
from redis.exceptions import ConnectionError as RedisConnectionError

from queue_booking import redis_cache
from tests.conftest import redis_cache_settings


@pytest.mark.redis
def test_it_reuses_one_client_for_every_call():
    client = cache._cache.get_client("any", write=True)

    assert cache._cache.get_client("other") is client
    assert cache._cache.get_client(None, write=True) is client


@pytest.mark.redis
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


# --- Failing soft: Redis is a cache, and a cache that is out is an empty one ----------


@pytest.fixture
def outage_clock(monkeypatch):
    """The backend's clock, moved by hand; every server counts as up at the start."""
    from queue_booking import redis_cache

    now = [1000.0]
    monkeypatch.setattr(redis_cache.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(redis_cache, "_down_until", {})
    monkeypatch.setattr(redis_cache, "_unsent_deletes", {}, raising=False)
    return now


@pytest.fixture
def own_cache(private_redis):
    from queue_booking.redis_cache import ReusingRedisCache

    options = redis_cache_settings(private_redis.url)["default"]
    return ReusingRedisCache(options["LOCATION"], {"OPTIONS": options["OPTIONS"]})


def count_commands(monkeypatch, cache) -> list:
    """Every command the cache's redis-py client sends, by name."""
    client = cache._cache.get_client(write=True)
    sent = []
    real = client.execute_command

    def execute(*args, **options):
        sent.append(args[0])
        return real(*args, **options)

    monkeypatch.setattr(client, "execute_command", execute)
    return sent


@pytest.mark.usefixtures("outage_clock")
def test_with_redis_stopped_every_operation_answers_as_an_empty_cache(own_cache, private_redis, caplog):
    own_cache.set("kept", {"room": 3}, 30)
    assert own_cache.get("kept") == {"room": 3}
    private_redis.stop()

    with caplog.at_level(logging.WARNING, logger="queue_booking.redis_cache"):
        assert own_cache.get("kept") is None
        assert own_cache.get("kept", "fallback") == "fallback"
        assert own_cache.get_many(["kept", "other"]) == {}
        assert own_cache.add("claim", 1, 30) is False
        assert own_cache.has_key("kept") is False
        assert own_cache.delete("kept") is False
        assert own_cache.touch("kept", 30) is False
        own_cache.set("kept", 1, 30)
        own_cache.set_many({"a": 1}, 30)
        own_cache.delete_many(["a"])
        with pytest.raises(ValueError, match="not found"):
            own_cache.incr("counter")
        assert own_cache.available is False
        with pytest.raises(RedisConnectionError):
            own_cache.ping()

    warnings = [r.getMessage() for r in caplog.records]
    assert warnings == ["cache unavailable (ConnectionError); serving without it, next try in 5 s"]


def test_while_out_it_leaves_redis_alone_then_tries_again(own_cache, private_redis, outage_clock, monkeypatch, caplog):
    sent = count_commands(monkeypatch, own_cache)
    private_redis.stop()
    assert own_cache.get("kept") is None
    tried = len(sent)

    outage_clock[0] += redis_cache.RETRY_SECONDS - 0.1
    assert own_cache.get_many(["a", "b"]) == {}
    own_cache.set("kept", 1, 30)
    assert len(sent) == tried, "nothing is sent to a Redis known to be out"

    private_redis.start()
    outage_clock[0] += 0.2
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="queue_booking.redis_cache"):
        own_cache.set("kept", 2, 30)
        assert own_cache.get("kept") == 2

    assert own_cache.available is True
    assert [r.getMessage() for r in caplog.records] == ["cache reachable again"]


def test_one_outage_is_known_to_every_thread_of_the_process(own_cache, private_redis, outage_clock):
    from queue_booking.redis_cache import ReusingRedisCache

    # Django keeps one cache object per thread; another thread's is another object.
    options = redis_cache_settings(private_redis.url)["default"]
    other_thread = ReusingRedisCache(options["LOCATION"], {"OPTIONS": options["OPTIONS"]})
    private_redis.stop()

    own_cache.get("kept")

    assert other_thread.available is False


def test_a_hanging_redis_costs_one_timeout_per_retry_period_not_one_per_request(outage_clock):
    """A server that accepts and never answers (a hung Redis): the socket timeout is paid once."""
    from queue_booking.redis_cache import ReusingRedisCache

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        hung = ReusingRedisCache(
            f"redis://127.0.0.1:{port}/0", {"OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3}}
        )
        started = time.perf_counter()
        first = hung.get("kept", "fallback")
        first_took = time.perf_counter() - started
        started = time.perf_counter()
        others = [hung.get("kept", "fallback") for _ in range(20)]
        others_took = time.perf_counter() - started

    assert first == "fallback" and set(others) == {"fallback"}
    assert first_took >= 0.3
    assert others_took < 0.1


def cut_off(monkeypatch, cache):
    """This process loses Redis while Redis itself keeps its keys (a partition, a pause,
    a restart from its append-only file); returns the function that reconnects."""
    client = cache._cache.get_client(write=True)
    real = client.execute_command

    def refused(*args, **options):
        raise RedisConnectionError("Connection closed by server.")

    monkeypatch.setattr(client, "execute_command", refused)
    return lambda: monkeypatch.setattr(client, "execute_command", real)


def test_a_copy_forgotten_while_redis_was_out_is_not_served_after_it(
    own_cache, private_redis, outage_clock, monkeypatch
):
    own_cache.set("bookslot:7", {"online_booking": True}, 300)
    own_cache.set("bookslot:8", {"online_booking": True}, 300)
    own_cache.set("office:batam", {"online_booking": True}, 300)
    reconnect = cut_off(monkeypatch, own_cache)

    own_cache.delete("office:batam")  # tried: Redis found out
    own_cache.delete_many(["bookslot:7", "bookslot:8"])  # not even tried: known to be out
    reconnect()
    outage_clock[0] += redis_cache.RETRY_SECONDS

    assert own_cache.get("office:batam") is None
    assert own_cache.get_many(["bookslot:7", "bookslot:8"]) == {}


def test_forgotten_keys_are_sent_once_not_kept_for_ever(own_cache, private_redis, outage_clock, monkeypatch):
    reconnect = cut_off(monkeypatch, own_cache)
    own_cache.delete("gone")
    reconnect()
    outage_clock[0] += redis_cache.RETRY_SECONDS
    own_cache.get("anything")

    own_cache.set("gone", "fresh", 30)

    assert own_cache.get("gone") == "fresh"
    assert not redis_cache._unsent_deletes


# --- The rate limits' cache counts in the process while Redis is out ------------------


@pytest.fixture
def limits_cache(private_redis, monkeypatch):
    from queue_booking.redis_cache import LimitsRedisCache

    monkeypatch.setattr(redis_cache, "_local_stores", {})
    options = redis_cache_settings(private_redis.url)["limits"]
    return LimitsRedisCache(options["LOCATION"], {"OPTIONS": options["OPTIONS"]})


def test_with_redis_out_the_limits_cache_counts_in_the_process(limits_cache, private_redis, outage_clock):
    assert limits_cache.add("rl:counted-in-redis", 0, 60)
    private_redis.stop()

    assert limits_cache.add("rl:sign-in", 1, 60) is True
    assert [limits_cache.incr("rl:sign-in") for _ in range(3)] == [2, 3, 4]
    assert limits_cache.add("rl:sign-in", 1, 60) is False
    assert limits_cache.get("rl:sign-in") == 4
    assert limits_cache.get("rl:counted-in-redis") is None  # Redis's count is out of reach
    assert limits_cache.available is False


def test_the_counts_kept_during_the_outage_are_dropped_once_redis_answers(
    limits_cache, own_cache, private_redis, outage_clock
):
    private_redis.stop()
    limits_cache.add("rl:sign-in", 5, 60)
    private_redis.start()
    outage_clock[0] += redis_cache.RETRY_SECONDS

    own_cache.get("anything")  # the default cache notices first: same server, same process

    assert limits_cache.get("rl:sign-in") is None
    assert limits_cache.add("rl:sign-in", 1, 60) is True  # in Redis again
    assert redis.Redis.from_url(private_redis.url).exists(limits_cache.make_key("rl:sign-in")) == 1
