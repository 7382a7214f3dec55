"""Rate limits count per client address, also behind the TLS proxy production runs behind.

Behind a proxy every request reaches gunicorn from the proxy's address. Counting by
``REMOTE_ADDR`` there made "30 bookings a minute per address" one limit for the whole
country. ``TRUSTED_PROXY_COUNT`` says how many proxies append to ``X-Forwarded-For``;
the client is the entry the outermost of them added, which the client cannot forge.
"""

import pytest
from django.test import RequestFactory

from applicants.models import Booking
from queue_booking.client_ip import client_ip
from tests.applicants.conftest import nik_number, payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"
PROXY = "10.0.0.5"


def book(api, slot, n: int, forwarded: str | None):
    headers = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return api.post(URL, payload(slot, nik=nik_number(n)), format="json", **headers)


def test_behind_the_proxy_each_client_has_a_limit_of_its_own(api, slot, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATELIMIT_BOOKING_IP = "2/m"

    first = [book(api, slot, n, "203.0.113.7").status_code for n in (1, 2, 3)]
    other = book(api, slot, 4, "198.51.100.9")

    assert first == [201, 201, 429]
    assert other.status_code == 201, other.json()
    assert Booking.objects.count() == 3


def test_a_forged_forwarded_entry_does_not_escape_the_limit(api, slot, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATELIMIT_BOOKING_IP = "2/m"

    # The client writes whatever it likes on the left; the proxy appends what it saw.
    codes = [book(api, slot, n, f"192.0.2.{n}, 203.0.113.7").status_code for n in (1, 2, 3)]

    assert codes == [201, 201, 429]


def test_without_a_trusted_proxy_forwarded_for_is_ignored(api, slot, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.RATELIMIT_BOOKING_IP = "2/m"

    codes = [book(api, slot, n, f"192.0.2.{n}").status_code for n in (1, 2, 3)]

    assert codes == [201, 201, 429]


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "203.0.113.7", PROXY),
        (1, None, PROXY),  # came straight in, not through the proxy
        (1, "203.0.113.7", "203.0.113.7"),
        (1, " 192.0.2.1 ,203.0.113.7 ", "203.0.113.7"),
        (2, "192.0.2.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (2, "203.0.113.7", PROXY),  # fewer entries than proxies: nothing to trust
        (1, "not-an-address", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_entry_the_outermost_proxy_added(settings, hops, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = hops
    meta = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded

    assert client_ip(RequestFactory().get("/", **meta)) == expected
