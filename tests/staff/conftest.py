"""Personas and rows for the day of service.

The day is Monday 23 November 2026 at an office in Asia/Jakarta (WIB), with two
sessions (08:00-10:00, 10:00-12:00) on each track. Time is pinned with time-machine.
"""

import datetime as dt
import itertools
import zoneinfo

import pytest
from django.urls import reverse

from applicants.models import Applicant, Booking, BookingStatus, ServiceCounter
from applicants.proof import new_booking_code, new_token, token_hash
from applicants.services.checkin import checkin_confirm
from offices.models import Slot, Track

DAY = dt.date(2026, 11, 23)
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
SESSIONS = [(dt.time(8, 0), dt.time(10, 0)), (dt.time(10, 0), dt.time(12, 0))]
CAPACITY = {Track.REGULAR: 50, Track.EXPRESS: 10, Track.PRIORITY: 5}

_serial = itertools.count(1)


def at(hour: int, minute: int = 0, *, day: dt.date = DAY, tz=WIB) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


def make_slots(office, *, day: dt.date = DAY, capacity: dict | None = None) -> dict[tuple[dt.time, str], Slot]:
    capacity = {**CAPACITY, **(capacity or {})}
    return {
        (start, track): Slot.objects.create(
            office=office, date=day, start=start, end=end, track=track, capacity=capacity[track]
        )
        for start, end in SESSIONS
        for track in Track
    }


def make_booking(
    slot: Slot,
    *,
    status: str = BookingStatus.CONFIRMED,
    name: str | None = None,
    priority_group: str = "",
    take_place: bool = True,
    **fields,
) -> Booking:
    """A booking as the booking path leaves it (a place taken in ``slot``); the token is on ``.token``."""
    n = next(_serial)
    applicant = Applicant.objects.create(
        nik_hash=f"hash-{n:08d}",
        nik_encrypted="not-used-here",
        nik_masked=f"3578********{n:04d}"[-16:],
        full_name=name or f"Pemohon Nomor {n}",
        birth_date=dt.date(1990, 1, 1),
        sex=Applicant.Sex.FEMALE,
    )
    token = new_token()
    booking = Booking.objects.create(
        code=new_booking_code(),
        token_hash=token_hash(token),
        applicant=applicant,
        nik_hash=applicant.nik_hash,
        office=slot.office,
        slot=slot,
        date=slot.date,
        requested_date=slot.date,
        track=slot.track,
        status=status,
        priority_group=priority_group,
        **fields,
    )
    if take_place:
        Slot.objects.filter(id=slot.id).update(booked=slot.booked + 1)
        slot.refresh_from_db()
    booking.token = token
    return booking


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Staff personas have passwords; hashing them properly costs a second a test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def slots(office):
    return make_slots(office)


@pytest.fixture
def other_slots(other_office):
    return make_slots(other_office)


@pytest.fixture
def morning(time_machine):
    """08:30 WIB on the day: the first session is on."""
    time_machine.move_to(at(8, 30), tick=False)
    return time_machine


@pytest.fixture
def booking(slots):
    return make_booking(slots[(dt.time(8, 0), Track.REGULAR)], name="Siti Rahmawati")


@pytest.fixture
def desk(office):
    return ServiceCounter.objects.create(office=office, name="Loket 1")


@pytest.fixture
def desk2(office):
    return ServiceCounter.objects.create(office=office, name="Loket 2")


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.fixture
def other_officer_client(client, other_officer):
    client.force_login(other_officer)
    return client


@pytest.fixture
def two_waiting(office, slots, morning):
    """A-001 and A-002 checked in at 08:00 and 08:01."""
    people = [make_booking(slots[(dt.time(8), Track.REGULAR)]) for _ in range(2)]
    for minute, booking in enumerate(people):
        checkin_confirm(office=office, booking=booking, now=at(8, minute))
    return people


def board_state(client, office) -> dict:
    """What the office's TV board reads (its state.json)."""
    return client.get(reverse("display-state", args=[office.display_token])).json()
