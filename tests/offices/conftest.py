"""Offices under test: a weekly plan, and a clock pinned in the middle of a week."""

import datetime as dt

import pytest

from offices.models import Office
from offices.services import offices_release
from tests import factories

UTC = dt.UTC
# Wednesday 25 November 2026, 03:00 UTC: 10:00 WIB, 11:00 WITA, 12:00 WIT.
WEDNESDAY = dt.datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
SESSIONS = ((dt.time(8), dt.time(10)), (dt.time(10), dt.time(12)), (dt.time(13), dt.time(15)))


def weekly_office(code: str, *, timezone: str = "Asia/Jakarta", regular=10, express=2, priority=1, **fields) -> Office:
    """An office with three sessions Monday to Friday."""
    office = factories.OfficeFactory(code=code, timezone=timezone, **fields)
    for weekday in range(5):
        for start, end in SESSIONS:
            factories.SessionTemplateFactory(
                office=office,
                weekday=weekday,
                start=start,
                end=end,
                capacity_regular=regular,
                capacity_express=express,
                capacity_priority=priority,
            )
    return office


@pytest.fixture
def now():
    return WEDNESDAY


@pytest.fixture
def weekly(db):
    return weekly_office("surabaya")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Wednesday 25 November 2026, 10:00 WIB: the clock of the availability read tests.
RELEASE_NOW = dt.datetime(2026, 11, 25, 10, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture
def released_office(db):
    """Surabaya with its weekly sessions, released as of ``RELEASE_NOW``."""
    from offices.services import offices_release

    office = weekly_office("surabaya")
    offices_release(now=RELEASE_NOW)
    return office


# --- Two offices in two zones, for the admin's office scoping ------------------------


@pytest.fixture
def office_a(db):
    return weekly_office("surabaya", name="Kanim Surabaya")


@pytest.fixture
def office_b(db):
    return weekly_office("makassar", name="Kanim Makassar", timezone="Asia/Makassar")


@pytest.fixture
def rows(office_a, office_b):
    offices_release(now=WEDNESDAY)
