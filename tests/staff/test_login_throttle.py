"""Staff and admin sign-in: failed attempts are limited per username and per address.

A staff account opens the names and masked NIKs of everyone booked at its office,
and a supervisor's the admin (cancel bookings, close days). Neither sign-in page
limited guessing: any number of passwords could be tried.
"""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY

from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
TOO_MANY = "Too many failed sign-ins"
STAFF_LOGIN = "/staff/login/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATELIMIT_LOGIN_USERNAME = "3/15m"
    settings.RATELIMIT_LOGIN_IP = "5/15m"


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def sign_in(client, url: str, username: str, password: str, address: str = "203.0.113.7"):
    client.logout()
    response = client.post(
        url, {"username": username, "password": password}, HTTP_X_FORWARDED_FOR=address, HTTP_ACCEPT_LANGUAGE="en"
    )
    return response, SESSION_KEY in client.session


@pytest.mark.parametrize("url", [STAFF_LOGIN, ADMIN_LOGIN])
def test_after_failed_attempts_even_the_right_password_waits(client, clock, url):
    factories.StaffFactory(username="petugas", is_staff=True)
    for _ in range(3):
        assert sign_in(client, url, "petugas", "wrong-password")[1] is False

    response, signed_in = sign_in(client, url, "petugas", PASSWORD, address="198.51.100.1")

    assert signed_in is False
    assert TOO_MANY in response.content.decode()


@pytest.mark.parametrize("url", [STAFF_LOGIN, ADMIN_LOGIN])
def test_the_wait_ends(client, clock, url):
    factories.StaffFactory(username="petugas", is_staff=True)
    for _ in range(3):
        sign_in(client, url, "petugas", "wrong-password")

    clock.shift(dt.timedelta(minutes=16))

    assert sign_in(client, url, "petugas", PASSWORD)[1] is True


def test_one_address_trying_many_usernames_is_stopped(client, clock):
    factories.StaffFactory(username="petugas", is_staff=True)
    for n in range(5):
        sign_in(client, STAFF_LOGIN, f"user{n}", "wrong-password", address="203.0.113.7")

    response, signed_in = sign_in(client, STAFF_LOGIN, "petugas", PASSWORD, address="203.0.113.7")

    assert signed_in is False
    assert TOO_MANY in response.content.decode()
    assert sign_in(client, STAFF_LOGIN, "petugas", PASSWORD, address="198.51.100.1")[1] is True


def test_successful_sign_ins_do_not_count(client, clock):
    factories.StaffFactory(username="petugas", is_staff=True)

    results = [sign_in(client, STAFF_LOGIN, "petugas", PASSWORD)[1] for _ in range(6)]

    assert results == [True] * 6


def test_another_username_is_not_held_back(client, clock):
    factories.StaffFactory(username="petugas", is_staff=True)
    factories.StaffFactory(username="supervisor", is_staff=True)
    for n in range(3):
        sign_in(client, STAFF_LOGIN, "petugas", "wrong-password", address=f"203.0.113.{n}")

    assert sign_in(client, STAFF_LOGIN, "supervisor", PASSWORD, address="198.51.100.1")[1] is True


def test_the_username_is_counted_however_it_is_typed(client, clock):
    factories.StaffFactory(username="petugas", is_staff=True)
    for n, typed in enumerate(["PETUGAS", " petugas", "Petugas"]):
        sign_in(client, STAFF_LOGIN, typed, "wrong-password", address=f"203.0.113.{n}")

    assert sign_in(client, STAFF_LOGIN, "petugas", PASSWORD, address="198.51.100.1")[1] is False


@pytest.mark.parametrize("url", [STAFF_LOGIN, ADMIN_LOGIN])
def test_guessing_stays_limited_while_redis_is_out(client, url, redis_out):
    """An empty cache counts nothing: before, every guess was let through for as long as
    Redis was out. Now the process counts them itself."""
    factories.StaffFactory(username="petugas", is_staff=True)
    for _ in range(3):
        assert sign_in(client, url, "petugas", "wrong-password")[1] is False

    response, signed_in = sign_in(client, url, "petugas", PASSWORD, address="198.51.100.1")

    assert signed_in is False
    assert TOO_MANY in response.content.decode()


@pytest.mark.parametrize("url", [STAFF_LOGIN, ADMIN_LOGIN])
def test_while_redis_is_out_each_process_allows_its_share_of_the_guesses(client, url, redis_out, settings):
    """Three web processes each counting alone allowed three times the guesses; each
    now allows a third of them (rounded up), so together they allow about the limit."""
    settings.RATELIMIT_OUTAGE_PROCESSES = 3
    factories.StaffFactory(username="petugas", is_staff=True)
    assert sign_in(client, url, "petugas", "wrong-password")[1] is False

    response, signed_in = sign_in(client, url, "petugas", PASSWORD, address="198.51.100.1")

    assert signed_in is False
    assert TOO_MANY in response.content.decode()


@pytest.mark.parametrize("url", [STAFF_LOGIN, ADMIN_LOGIN])
def test_a_wrong_password_is_said_once_in_indonesian(client, clock, url):
    """Django's Indonesian words for a refused sign-in said "nama pengguna nama pengguna"."""
    factories.StaffFactory(username="petugas", is_staff=True)

    response = client.post(url, {"username": "petugas", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="id")

    page = response.content.decode()
    assert "Nama pengguna atau kata sandi salah" in page
    assert "nama pengguna nama pengguna" not in page.lower()
