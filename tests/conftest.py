"""Shared fixtures and personas.

Tests marked ``postgres`` or ``redis`` need the real service. Locally they skip when it
is absent; in CI (``REQUIRE_SERVICES=1``, set by .ci/run) they fail instead, so a
missing service can never turn CI green by skipping.
"""

import io
import logging
import logging.config
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection

from applicants import dispatch
from applicants.notifications import LocmemSmsBackend
from offices.selectors import CENTRAL_ADMIN_GROUP
from offices.services import staff_groups_sync
from tests import factories

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _missing(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1: this test must not skip in CI)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _require_services(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _missing("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if request.node.get_closest_marker("redis") and not settings.REDIS_URL:
        _missing("needs Redis: set REDIS_URL=redis://...")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (availability, rate limits, full markers), and
    with nothing in this process's micro-cache: ids are reused from test to test, so an
    answer kept by one test (e.g. the office list's free dates) would be wrong in the next."""
    from django.core.cache import caches

    from applicants import notifications
    from offices.cache import local_clear

    def clear():
        for alias in ("default", "limits"):
            caches[alias].clear()
        local_clear()
        # What this process knows of a pending notification drain lives beside the cache.
        notifications._asked_window = None

    clear()
    yield
    clear()


@pytest.fixture
def office(db):
    return factories.OfficeFactory(code="surabaya", name="Kantor Imigrasi Kelas I Khusus TPI Surabaya")


@pytest.fixture
def other_office(db):
    return factories.OfficeFactory(
        code="makassar", name="Kantor Imigrasi Kelas I TPI Makassar", timezone="Asia/Makassar"
    )


@pytest.fixture
def officer(office):
    return factories.StaffFactory(username="officer-a", membership__office=office, membership__role="officer")


@pytest.fixture
def supervisor(office):
    return factories.StaffFactory(username="supervisor-a", membership__office=office, membership__role="supervisor")


@pytest.fixture
def other_officer(other_office):
    return factories.StaffFactory(username="officer-b", membership__office=other_office, membership__role="officer")


@pytest.fixture
def admin_user(db):
    return factories.UserFactory(username="central-admin", is_staff=True, is_superuser=True)


@pytest.fixture
def sms_outbox(settings):
    """The SMS messages sent, kept in memory instead of going to a gateway."""
    settings.SMS_BACKEND = "applicants.notifications.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    yield LocmemSmsBackend.outbox
    LocmemSmsBackend.outbox.clear()


@pytest.fixture(params=["json", "text"])
def product_log(request):
    """What the product's console handler (the one with the personal-data filter) writes,
    in production's JSON format and in text: a ``StringIO`` to read."""
    from queue_booking.logging import ScrubNikFilter

    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, ScrubNikFilter) for f in h.filters))
    formatter = logging.config.DictConfigurator(settings.LOGGING).configure_formatter(
        settings.LOGGING["formatters"][request.param]
    )
    stream = io.StringIO()
    old_formatter, old_stream = handler.formatter, handler.setStream(stream)
    handler.setFormatter(formatter)
    yield stream
    handler.setFormatter(old_formatter)
    handler.setStream(old_stream)


def record_requests(monkeypatch, owner, name: str, note=lambda request: request.path) -> list:
    """Replace the function ``owner.name`` (a view, or anything called with a request
    first) with one that notes each request (its path, or what ``note`` takes from it),
    then calls the real one. Returns the list it fills."""
    seen: list = []
    real = getattr(owner, name)

    def spy(request, *args, **kwargs):
        seen.append(note(request))
        return real(request, *args, **kwargs)

    monkeypatch.setattr(owner, name, spy)
    return seen


# --- A Redis server of a test's own ------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RedisServer:
    """A ``redis-server`` on a port of its own, which a test may stop and start again
    without disturbing anyone else's Redis."""

    binary: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def private_redis():
    """A started ``RedisServer``; killed after the test."""
    binary = shutil.which("redis-server")
    if binary is None:
        _missing("needs redis-server on PATH")
    server = RedisServer(binary)
    server.start()
    yield server
    server.stop()


def redis_cache_settings(url: str) -> dict:
    """``CACHES`` with the product's Redis backend on ``url``, with short timeouts."""
    options = {"LOCATION": url, "KEY_PREFIX": "ap", "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    return {
        "default": {"BACKEND": "queue_booking.redis_cache.ReusingRedisCache", **options},
        "limits": {"BACKEND": "queue_booking.redis_cache.LimitsRedisCache", **options},
    }


@pytest.fixture
def redis_out(settings, private_redis, monkeypatch):
    """The product's cache on a Redis server of its own, which is then killed: Redis is out."""
    from queue_booking import redis_cache

    monkeypatch.setattr(redis_cache, "_down_until", {})
    monkeypatch.setattr(redis_cache, "_local_stores", {})
    settings.CACHES = redis_cache_settings(private_redis.url)
    private_redis.stop()
    return private_redis


@pytest.fixture
def central_admin_user(db):
    """A central admin ("pusat"), not signed in: sees and manages every office."""
    staff_groups_sync()
    user = factories.UserFactory(username="pusat", is_staff=True)
    user.groups.add(Group.objects.get(name=CENTRAL_ADMIN_GROUP))
    return user


@pytest.fixture
def central_admin(client, central_admin_user):
    """The central admin, signed in on ``client``."""
    client.force_login(central_admin_user)
    return central_admin_user


@pytest.fixture
def published(monkeypatch):
    """Every task the code would send after commit, instead of sending it: (name, kwargs)."""
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(dispatch, "publish", lambda name, kwargs, **_options: sent.append((name, kwargs)) or True)
    return sent


@pytest.fixture
def micro_cache_on(settings):
    """Each process keeps availability answers (as in production), starting empty."""
    from offices import cache as office_cache

    settings.AVAILABILITY_LOCAL_CACHE_SECONDS = 2
    office_cache.local_clear()
    yield
    office_cache.local_clear()
