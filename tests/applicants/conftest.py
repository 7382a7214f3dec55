"""The booking core's world: Tuesday 1 December 2026, 10:00 WIB, at Kanim Surabaya.

The session booked is Monday 7 December 2026, 08:00-10:00 (released: the default
window is tomorrow to 30 days ahead). Time is frozen; tasks are recorded instead of
being sent to a broker (``published``), and SMS go to the in-memory backend.
"""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from applicants.selectors import slot_for_booking
from offices.cache import slot_mark_full
from tests.factories import SlotFactory, make_nik

NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)  # 10:00 WIB
DAY = dt.date(2026, 12, 7)
BIRTH = dt.date(1990, 1, 1)
NIK = make_nik(BIRTH, female=True, serial=1)  # 3578014101900001


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def time_machine_at(_frozen_clock):
    """Move the frozen clock: ``time_machine_at(aware_datetime)``."""
    return _frozen_clock.move_to


@pytest.fixture(autouse=True)
def _tasks_recorded(published):
    """No test here sends a task: each is recorded in ``published`` (tests/conftest.py)."""


@pytest.fixture(autouse=True)
def _sms_kept_in_memory(sms_outbox):
    """No test here sends an SMS to a gateway (``sms_outbox`` is in tests/conftest.py)."""
    return sms_outbox


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def slot(office):
    return SlotFactory(office=office, date=DAY, start=dt.time(8, 0), end=dt.time(10, 0), capacity=50)


@pytest.fixture
def later_slot(office):
    return SlotFactory(office=office, date=DAY, start=dt.time(10, 0), end=dt.time(12, 0), capacity=50)


def payload(slot, *, nik: str = NIK, birth_date: dt.date = BIRTH, **overrides) -> dict:
    """A valid booking request for ``slot``; ``applicant`` fields merge, others replace."""
    applicant = {
        "nik": nik,
        "full_name": "Siti Rahayu",
        "birth_date": birth_date.isoformat(),
        "phone": "0812-3456-7890",
        "email": "siti@example.org",
        **overrides.pop("applicant", {}),
    }
    return {
        "office": slot.office.code,
        "date": slot.date.isoformat(),
        "session": slot.id,
        "track": slot.track,
        "service": "new",
        "applicant": applicant,
        "if_full": "reject",
        **overrides,
    }


def nik_number(n: int) -> str:
    """The n-th distinct valid NIK (n from 1 to 9999), all born 1 January 1990."""
    return make_nik(BIRTH, serial=n)


def mark_full(slot) -> None:
    """The cache as the booking that took a session's last place leaves it: the session's
    copy, read on the way, and its "full" mark."""
    slot_for_booking(slot_id=slot.id)
    slot_mark_full(slot.id)
