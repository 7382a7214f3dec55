"""Where room appears or sessions close, the rollover workers are asked to act (after commit)."""

import datetime as dt

import pytest

from applicants.tasks.allocation import allocate_waiting_sweep
from offices.models import Closure
from offices.services.closures import closure_create, closure_lift
from tests.factories import OfficeFactory
from tests.rollover.conftest import NOW, TOMORROW
from tests.rollover.helpers import SESSIONS, make_confirmed, make_slots, make_waiting

pytestmark = pytest.mark.django_db

ALLOCATE = "applicants.tasks.allocate_waiting"
ROLLOVER = "applicants.tasks.rollover_closure"


@pytest.fixture
def office():
    return OfficeFactory(code="surabaya", timezone="Asia/Jakarta")


def test_closing_booked_sessions_asks_for_their_rollover_and_empty_ones_do_not(
    office, supervisor, now, published, commit
):
    empty_day = TOMORROW + dt.timedelta(days=1)
    make_slots(office, [TOMORROW, empty_day], capacity=5)
    make_confirmed(office.slots.get(date=TOMORROW, start=SESSIONS[2][0]), 1, at=NOW)

    with commit():
        closure_create(office=office, date=empty_day, start=None, kind="local", reason="Rapat", actor=None, now=now)
    assert published == []
    with commit():
        closure_create(
            office=office,
            date=TOMORROW,
            start=SESSIONS[2][0],
            kind="outage",
            reason="Listrik",
            actor=supervisor,
            now=now,
        )

    assert published == [
        (ROLLOVER, {"office_id": office.id, "date": "2026-12-02", "start": "13:00:00", "actor_id": supervisor.id})
    ]


def test_a_national_closure_asks_each_office_with_bookings(office, other_office, now, published, commit):
    for o in (office, other_office):
        make_slots(o, [TOMORROW], capacity=5, sessions=SESSIONS[:1])
        make_confirmed(o.slots.get(date=TOMORROW), 1, at=NOW)

    with commit():
        closure_create(office=None, date=TOMORROW, start=None, kind="holiday", reason="Libur", actor=None, now=now)

    assert sorted(k["office_id"] for name, k in published if name == ROLLOVER) == sorted([office.id, other_office.id])


def test_lifting_a_closure_asks_for_an_allocation_where_someone_waits(office, now, published, commit):
    make_slots(office, [TOMORROW], capacity=5)
    make_waiting(office, 1, requested_date=TOMORROW, since=NOW)
    with commit():
        closure_create(office=office, date=TOMORROW, start=None, kind="local", reason="Rapat", actor=None, now=now)
    published.clear()

    with commit():
        closure_lift(closure=Closure.objects.get(), actor=None, now=now)

    assert published == [(ALLOCATE, {"office_id": office.id})]


def test_room_appearing_where_nobody_waits_sends_no_task(office, now, published, commit):
    make_slots(office, [TOMORROW], capacity=5)
    with commit():
        closure_create(office=office, date=TOMORROW, start=None, kind="local", reason="Rapat", actor=None, now=now)
    published.clear()

    with commit():
        closure_lift(closure=Closure.objects.get(), actor=None, now=now)

    assert published == []


def test_the_sweep_asks_once_for_every_office_with_waiting_requests(office, other_office, now, published, commit):
    third = OfficeFactory(code="jayapura", timezone="Asia/Jayapura")
    make_waiting(office, 3, requested_date=TOMORROW, since=NOW)
    make_waiting(third, 1, requested_date=TOMORROW, since=NOW)

    with commit():
        assert allocate_waiting_sweep.run() == 2

    expected = [(ALLOCATE, {"office_id": o.id, "expire": True}) for o in sorted([office, third], key=lambda o: o.id)]
    assert published == expected
