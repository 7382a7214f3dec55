"""Shared fixtures and personas.

Tests marked ``postgres`` or ``redis`` need the real service. Locally they skip when it
is absent; in CI (``REQUIRE_SERVICES=1``, set by .ci/run) they fail instead, so a
missing service can never turn CI green by skipping.
"""

import os

import pytest
from django.conf import settings
from django.db import connection

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
    from django.core.cache import cache

    from applicants import notifications
    from offices.cache import local_clear

    cache.clear()
    local_clear()
    # What this process knows of a pending notification drain lives beside the cache.
    notifications._asked_window = None
    yield
    cache.clear()
    local_clear()
    notifications._asked_window = None


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
