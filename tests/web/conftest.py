"""Offices with sessions, at a pinned moment, for the public pages."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from offices.models import Closure, Office, Slot
from tests import factories

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
# Tuesday 1 December 2026, 10:00 WIB.
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=WIB)
TODAY = NOW.date()
SESSIONS = [(dt.time(8, 0), dt.time(10, 0)), (dt.time(10, 0), dt.time(12, 0))]


def add_day(office: Office, date: dt.date, *, regular: int = 20, express: int = 5, booked: int = 0) -> list[Slot]:
    """Two sessions on ``date``, each with a regular and an express row."""
    slots = []
    for start, end in SESSIONS:
        for track, capacity in (("regular", regular), ("express", express)):
            slots.append(
                Slot.objects.create(
                    office=office,
                    date=date,
                    start=start,
                    end=end,
                    track=track,
                    capacity=capacity,
                    booked=min(booked, capacity),
                )
            )
    return slots


def add_weekdays(office: Office, *, days: int = 40, **kwargs) -> None:
    for n in range(days):
        date = TODAY + dt.timedelta(days=n)
        if date.weekday() < 5:
            add_day(office, date, **kwargs)


def fill(office: Office, date: dt.date, *, leave: int = 0) -> None:
    """Book every online place of a date except ``leave`` regular places of the first session."""
    for slot in Slot.objects.filter(office=office, date=date).order_by("start", "track"):
        slot.booked = slot.capacity
        slot.save(update_fields=["booked"])
    if leave:
        first = Slot.objects.filter(office=office, date=date, track="regular").order_by("start").first()
        first.booked = first.capacity - leave
        first.save(update_fields=["booked"])


def close(office: Office, date: dt.date, reason: str) -> Closure:
    Closure.objects.create(office=office, date=date, reason=reason, kind=Closure.Kind.LOCAL)
    Slot.objects.filter(office=office, date=date).update(closed=True, closed_reason=reason)


@pytest.fixture
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def surabaya(db):
    office = factories.OfficeFactory(
        code="surabaya",
        name="Kantor Imigrasi Kelas I Khusus TPI Surabaya",
        province="Jawa Timur",
        city="Kabupaten Sidoarjo",
        address="Jl. Raya Juanda No. 2, Sedati",
        latitude=Decimal("-7.37970"),
        longitude=Decimal("112.78730"),
        timezone="Asia/Jakarta",
    )
    add_weekdays(office)
    return office


@pytest.fixture
def sidoarjo_point(surabaya):
    office = factories.OfficeFactory(
        code="ulp-sidoarjo",
        name="ULP Imigrasi Sidoarjo",
        kind=Office.Kind.ULP,
        parent=surabaya,
        province="Jawa Timur",
        city="Kabupaten Sidoarjo",
        latitude=Decimal("-7.44780"),
        longitude=Decimal("112.71830"),
    )
    add_weekdays(office, regular=10, express=0)
    return office


@pytest.fixture
def malang(db):
    office = factories.OfficeFactory(
        code="malang",
        name="Kantor Imigrasi Kelas I TPI Malang",
        province="Jawa Timur",
        city="Kota Malang",
        latitude=Decimal("-7.96660"),
        longitude=Decimal("112.63260"),
    )
    add_weekdays(office)
    return office


@pytest.fixture
def makassar(db):
    office = factories.OfficeFactory(
        code="makassar",
        name="Kantor Imigrasi Kelas I TPI Makassar",
        province="Sulawesi Selatan",
        city="Kota Makassar",
        latitude=Decimal("-5.14770"),
        longitude=Decimal("119.43270"),
        timezone="Asia/Makassar",
    )
    add_weekdays(office)
    return office


def sent_back(response) -> bool:
    """A booking form sent with ``follow=True`` and refused: it came back to the form (a
    GET, by a 303 redirect; Post/Redirect/Get), which shows it again."""
    chain = getattr(response, "redirect_chain", [])
    return (
        response.status_code == 200
        and len(chain) == 1
        and chain[0][1] == 303
        and "/book/?date=" in chain[0][0]
        and chain[0][0].endswith("&change=1")
    )


def looked_up_again(response) -> bool:
    """A "My booking" look-up sent with ``follow=True`` and refused: it came back to the
    form (a GET, by a 303 redirect), which shows it again."""
    return response.status_code == 200 and getattr(response, "redirect_chain", []) == [("/my-booking/?again=1", 303)]
