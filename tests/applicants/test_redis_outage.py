"""Booking while Redis is out (DESIGN.md rule 9, §4: Redis is a cache, PostgreSQL the truth).

The cache fails soft (queue_booking/redis_cache.py): with the Redis server of these tests
killed, applicants still see offices and availability, read from PostgreSQL, and still
book; a session's last place is still the last; the rate limits are counted in the
process instead of refusing everyone, each process allowing its share of a guessing limit
(queue_booking/rate_limits.py) and booking creation its whole limit; and once Redis is
back, the cache is used again.
"""

import datetime as dt

import pytest

from applicants.models import Booking
from queue_booking import redis_cache
from queue_booking.rate_limits import outage_rate
from tests.applicants.conftest import DAY, nik_number, payload
from tests.conftest import redis_cache_settings
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"


def availability(api, slot) -> dict:
    response = api.get(f"/api/v1/offices/{slot.office.code}/availability/?start={DAY.isoformat()}&days=1")
    assert response.status_code == 200, response.content
    (day,) = response.json()["days"]
    return day


def test_an_applicant_sees_the_office_and_books_while_redis_is_out(api, client, slot, redis_out):
    assert client.get(f"/offices/{slot.office.code}/").status_code == 200
    assert availability(api, slot)["sessions"][0]["available"] == 50

    response = api.post(BOOKINGS, payload(slot), format="json")

    assert response.status_code == 201, response.content
    booking = Booking.objects.get(code=response.json()["code"])
    slot.refresh_from_db()
    assert (booking.status, slot.booked) == ("confirmed", 1)
    # Nothing kept a stale count: the next read is PostgreSQL's.
    assert availability(api, slot)["sessions"][0]["available"] == 49
    assert client.get(response.json()["proof_url"]).status_code == 200


def test_the_last_place_is_still_the_last_while_redis_is_out(api, office, redis_out):
    slot = SlotFactory(office=office, date=DAY, start=dt.time(8, 0), end=dt.time(10, 0), capacity=1)

    first = api.post(BOOKINGS, payload(slot, nik=nik_number(1)), format="json")
    second = api.post(BOOKINGS, payload(slot, nik=nik_number(2)), format="json")

    assert first.status_code == 201, first.content
    assert (second.status_code, second.json()["code"]) == (409, "session_full")
    slot.refresh_from_db()
    assert slot.booked == 1
    assert availability(api, slot)["status"] == "full"


def test_the_rate_limits_count_in_the_process_rather_than_refusing_everyone(api, slot, settings, redis_out):
    settings.RATELIMIT_BOOKING_IP = "2/m"

    answers = [api.post(BOOKINGS, payload(slot, nik=nik_number(n)), format="json").status_code for n in (1, 2, 3)]

    assert answers == [201, 201, 429]
    assert Booking.objects.count() == 2


def test_once_redis_is_back_the_cache_is_used_again(api, slot, redis_out, monkeypatch, django_assert_num_queries):
    availability(api, slot)  # finds Redis out
    monkeypatch.setattr(redis_cache, "RETRY_SECONDS", 0.0)
    redis_out.start()
    monkeypatch.setattr(redis_cache, "_down_until", {redis_out.url: 1.0})  # retry due now

    availability(api, slot)  # read from PostgreSQL, kept in Redis again
    from offices.cache import local_clear

    local_clear()
    with django_assert_num_queries(0):
        day = availability(api, slot)

    assert day["sessions"][0]["available"] == 50
    assert redis_cache._down_until[redis_out.url] == 0.0


LOOKUPS = "/api/v1/bookings/lookup/"


def _lookups(api, count: int) -> list[int]:
    """Look-ups of ``count`` different codes and NIKs: only the address's limit adds up."""
    codes = ["ABCDEFGH", "BCDEFGHJ", "CDEFGHJK", "DEFGHJKL", "EFGHJKLM", "FGHJKLMN", "GHJKLMNP"]
    return [
        api.post(LOOKUPS, {"code": codes[n], "nik": nik_number(n + 1)}, format="json").status_code for n in range(count)
    ]


def test_while_redis_is_out_each_process_allows_its_share_of_a_guessing_limit(api, settings, redis_out):
    # Three web processes each counting alone would otherwise allow 3 x 6 look-ups a minute.
    settings.RATELIMIT_OUTAGE_PROCESSES = 3
    settings.RATELIMIT_LOOKUP_IP = "6/m"

    assert _lookups(api, 3) == [404, 404, 429]


def test_with_redis_up_the_same_limit_is_whole(api, settings, private_redis, monkeypatch):
    monkeypatch.setattr(redis_cache, "_down_until", {})
    settings.CACHES = redis_cache_settings(private_redis.url)
    settings.RATELIMIT_OUTAGE_PROCESSES = 3
    settings.RATELIMIT_LOOKUP_IP = "6/m"

    assert _lookups(api, 7) == [404] * 6 + [429]


def test_while_redis_is_out_booking_keeps_its_whole_limit_in_each_process(api, slot, settings, redis_out):
    settings.RATELIMIT_OUTAGE_PROCESSES = 3
    settings.RATELIMIT_BOOKING_IP = "3/m"

    answers = [api.post(BOOKINGS, payload(slot, nik=nik_number(n)), format="json").status_code for n in (1, 2, 3, 4)]

    assert answers == [201, 201, 201, 429]


@pytest.mark.parametrize(
    ("rate", "processes", "share"),
    [("10/15m", 3, (4, 900)), ("6/m", 3, (2, 60)), ("1/m", 3, (1, 60)), ("10/h", 1, (10, 3600))],
)
def test_a_process_s_share_of_a_limit_is_rounded_up_and_never_none(settings, rate, processes, share):
    settings.RATELIMIT_OUTAGE_PROCESSES = processes

    assert outage_rate(rate) == share
