"""Every job, run by hand (management command) or by the beat (task), changes nothing the
second time: a redelivered message or an operator's second try is harmless."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from applicants.models import Booking, BookingStatus, BookingTransition, Notification
from applicants.tasks.allocation import allocate_waiting, allocate_waiting_sweep
from applicants.tasks.rollover import rollover_closure
from applicants.tasks.scheduled import end_of_day, release_reserves, send_reminders
from offices.models import Closure, Slot
from tests.factories import OfficeFactory
from tests.rollover.conftest import NOW, TOMORROW, days
from tests.rollover.helpers import SESSIONS, make_confirmed, make_slots, make_waiting

pytestmark = pytest.mark.django_db

YESTERDAY = NOW.date() - dt.timedelta(days=1)
CLOSED_DAY = TOMORROW + dt.timedelta(days=2)


@pytest.fixture
def world(now, published):
    """A bit of everything each job acts on, at Tuesday 10:00 WIB."""
    office = OfficeFactory(code="surabaya", timezone="Asia/Jakarta")
    make_slots(office, [YESTERDAY], capacity=5, sessions=SESSIONS[:1])
    make_slots(office, days(TOMORROW, 4), capacity=4, reserved=1)
    make_confirmed(Slot.objects.get(office=office, date=YESTERDAY), 3, at=NOW - dt.timedelta(days=9))
    make_confirmed(Slot.objects.get(office=office, date=TOMORROW, start=SESSIONS[0][0]), 2, at=NOW)
    make_confirmed(Slot.objects.get(office=office, date=CLOSED_DAY, start=SESSIONS[1][0]), 3, at=NOW)
    Slot.objects.filter(office=office, date=CLOSED_DAY).update(closed=True)
    make_waiting(office, 6, requested_date=TOMORROW, since=NOW - dt.timedelta(days=1))
    make_waiting(office, 2, requested_date=TOMORROW, since=NOW - dt.timedelta(days=20))
    return office


def snapshot() -> dict:
    return {
        "bookings": list(
            Booking.objects.order_by("id").values_list("id", "status", "slot_id", "date", "rollover_rank", "updated_at")
        ),
        "slots": list(Slot.objects.order_by("id").values_list("id", "booked", "reserved", "closed")),
        "transitions": BookingTransition.objects.count(),
        "notifications": sorted(Notification.objects.values_list("booking_id", "kind", "channel", "dedupe_key")),
        "closures": Closure.objects.count(),
    }


COMMANDS = [
    ("allocate_waiting", []),
    ("rollover_closure", ["--office", "surabaya", "--date", CLOSED_DAY.isoformat()]),
    ("end_of_day", []),
    ("send_reminders", []),
    ("release_reserves", []),
]


@pytest.mark.parametrize(("command", "args"), COMMANDS, ids=[c for c, _ in COMMANDS])
def test_each_command_does_its_job_once_and_nothing_the_second_time(world, command, args):
    before = snapshot()
    first = io.StringIO()
    call_command(command, *args, stdout=first)
    after_first = snapshot()
    with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
        second = io.StringIO()
        call_command(command, *args, stdout=second)

    assert after_first != before, first.getvalue()
    assert snapshot() == after_first
    assert "Done" in first.getvalue() and "Done" in second.getvalue()


def test_each_task_twice_equals_once(world):
    office_id = world.id
    jobs = [
        (allocate_waiting, {"office_id": office_id, "expire": True}),
        (rollover_closure, {"office_id": office_id, "date": CLOSED_DAY.isoformat()}),
        (end_of_day, {"office_id": office_id, "date": YESTERDAY.isoformat()}),
        (send_reminders, {"office_id": office_id}),
        (release_reserves, {"office_id": office_id}),
        (allocate_waiting_sweep, {}),
    ]
    for task, kwargs in jobs:
        before = snapshot()
        task.run(**kwargs)
        once = snapshot()
        task.run(**kwargs)
        assert snapshot() == once, task.name
        if task is not allocate_waiting_sweep:
            assert once != before, task.name


def test_the_commands_report_their_progress(world):
    out = io.StringIO()
    call_command("end_of_day", stdout=out)
    assert f"surabaya {YESTERDAY}: no-show 3, expired 2, placed 6" in out.getvalue()
    assert Booking.objects.filter(status=BookingStatus.NO_SHOW).count() == 3

    out = io.StringIO()
    call_command("rollover_closure", "--office", "surabaya", "--date", CLOSED_DAY.isoformat(), stdout=out)
    assert f"surabaya {CLOSED_DAY}: moved 3, placed 3, still waiting for a place 0" in out.getvalue()
