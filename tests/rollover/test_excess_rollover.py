"""A lowered plan's excess is rolled over explicitly (DESIGN rule 1): a supervisor asks,
and of each session the bookings made last, as many as it holds above its plan, move to
the next sessions with room, each person told; the session then holds its plan."""

import datetime as dt

import pytest

from applicants.models import Booking, BookingStatus, BookingTransition, Notification
from applicants.services.rollover import EXCESS_REASON, excess_rollover
from applicants.tasks.rollover import rollover_excess
from offices.models import OfficeMembership, Slot
from offices.services import membership_grant, slots_excess_move, staff_groups_sync
from tests import factories
from tests.factories import OfficeFactory
from tests.rollover.conftest import NOW, TOMORROW
from tests.rollover.helpers import SESSIONS, make_confirmed, make_slots

pytestmark = pytest.mark.django_db

DAY = TOMORROW + dt.timedelta(days=1)  # Thursday 3 December 2026


@pytest.fixture
def office():
    return OfficeFactory(code="surabaya", timezone="Asia/Jakarta")


@pytest.fixture
def over_plan(office):
    """The morning session holds 5 bookings; its plan was lowered to 3 (as the weekly plan's
    resync leaves it: capacity at the bookings, the plan kept in planned_capacity)."""
    make_slots(office, [DAY], capacity=5)
    morning = Slot.objects.get(office=office, date=DAY, start=SESSIONS[0][0])
    bookings = make_confirmed(morning, 5, at=NOW, phone=True)
    Slot.objects.filter(id=morning.id).update(capacity=5, planned_capacity=3)
    morning.refresh_from_db()
    return morning, bookings


def test_the_last_made_bookings_above_the_plan_move_to_the_next_session_and_are_told(office, now, over_plan):
    morning, bookings = over_plan

    result = excess_rollover(office_id=office.id, slot_ids=[morning.id], now=now)

    first, last = bookings[:3], bookings[3:]
    assert {b.status for b in Booking.objects.filter(id__in=[b.id for b in first])} == {BookingStatus.CONFIRMED}
    assert {b.status for b in Booking.objects.filter(id__in=[b.id for b in last])} == {BookingStatus.ROLLED_OVER}
    moved = Booking.objects.filter(rolled_from__in=last).select_related("slot")
    assert [(b.slot.date, b.slot.start) for b in moved] == [(DAY, SESSIONS[1][0])] * 2
    assert len(result.moved) == 2 and result.confirmed == result.moved
    morning.refresh_from_db()
    assert (morning.booked, morning.capacity, morning.planned_capacity) == (3, 3, None)
    logged = BookingTransition.objects.filter(booking__in=last, to_status=BookingStatus.ROLLED_OVER)
    assert {t.reason for t in logged} == {EXCESS_REASON}
    assert Notification.objects.filter(booking__in=moved).exists()


def test_nobody_checked_in_is_moved_and_a_second_run_moves_nobody(office, now, over_plan):
    morning, bookings = over_plan
    Booking.objects.filter(id=bookings[-1].id).update(status=BookingStatus.CHECKED_IN)

    first = excess_rollover(office_id=office.id, slot_ids=[morning.id], now=now)
    second = excess_rollover(office_id=office.id, slot_ids=[morning.id], now=now)

    # Two above the plan; the last one is checked in, so the two confirmed before it move.
    assert Booking.objects.get(id=bookings[-1].id).status == BookingStatus.CHECKED_IN
    assert set(Booking.objects.filter(status=BookingStatus.ROLLED_OVER).values_list("id", flat=True)) == {
        bookings[2].id,
        bookings[3].id,
    }
    assert len(first.moved) == 2 and second.moved == []
    morning.refresh_from_db()
    assert (morning.booked, morning.capacity) == (3, 3)


def test_a_session_within_its_plan_moves_nobody(office, now):
    make_slots(office, [DAY], capacity=5)
    morning = Slot.objects.get(office=office, date=DAY, start=SESSIONS[0][0])
    make_confirmed(morning, 3, at=NOW)
    Slot.objects.filter(id=morning.id).update(planned_capacity=4)

    assert excess_rollover(office_id=office.id, slot_ids=[morning.id], now=now).moved == []
    assert slots_excess_move(slots=[Slot.objects.get(id=morning.id)], actor=None) == []


def test_asking_sends_the_move_to_a_worker_after_commit(office, now, over_plan, published, commit):
    morning, _bookings = over_plan

    with commit():
        asked = slots_excess_move(slots=[morning], actor=None)

    assert asked == [morning]
    assert published == [
        ("applicants.tasks.rollover_excess", {"office_id": office.id, "slot_ids": [morning.id], "actor_id": None})
    ]
    assert rollover_excess(**published[0][1])["moved"] == 2


@pytest.fixture
def supervisor(office, client):
    staff_groups_sync()
    user = factories.UserFactory(username="supervisor.surabaya")
    membership_grant(user=user, office=office, role=OfficeMembership.Role.SUPERVISOR)
    client.force_login(user)
    return user


def test_the_admin_asks_first_then_moves_the_excess_and_logs_it(
    client, supervisor, office, now, over_plan, published, commit
):
    morning, _bookings = over_plan
    url = "/admin/offices/slot/"
    form = {"action": "move_excess", "_selected_action": [morning.id]}

    asked = client.post(url, form, HTTP_ACCEPT_LANGUAGE="en")
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "5 booked, plan 3: 2 people moved" in page
    assert "Yes, move 2 bookings" in page
    assert published == []

    with commit():
        done = client.post(url, {**form, "confirm": "yes"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert "2 bookings above the plan are being moved" in done.content.decode()
    assert [name for name, _kwargs in published] == ["applicants.tasks.rollover_excess"]
    rollover_excess(**published[0][1])
    assert Booking.objects.filter(status=BookingStatus.ROLLED_OVER).count() == 2
    history = client.get(f"/admin/offices/slot/{morning.id}/history/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Bookings above the plan sent to the next sessions with room." in history


def test_another_offices_supervisor_cannot_move_its_bookings(client, now, over_plan, published):
    morning, _bookings = over_plan
    staff_groups_sync()
    other = factories.UserFactory(username="supervisor.makassar")
    membership_grant(user=other, office=OfficeFactory(code="makassar"), role=OfficeMembership.Role.SUPERVISOR)
    client.force_login(other)

    client.post("/admin/offices/slot/", {"action": "move_excess", "_selected_action": [morning.id], "confirm": "yes"})

    assert published == []
    assert Booking.objects.filter(status=BookingStatus.ROLLED_OVER).count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_moves_and_a_cancellation_at_once_leave_the_session_at_its_plan_with_counts_that_agree(office):
    """Two workers asked at once (a redelivered task, a double click) and the person who
    booked first cancelling meanwhile: each decides under the session's row lock, so
    nobody is moved twice, the session ends within its plan, and its count of places
    taken is the number of bookings holding them."""
    import threading

    from django.db import connection

    from applicants.services.changes import booking_cancel

    make_slots(office, [DAY], capacity=5)
    morning = Slot.objects.get(office=office, date=DAY, start=SESSIONS[0][0])
    bookings = make_confirmed(morning, 5, at=NOW)
    Slot.objects.filter(id=morning.id).update(capacity=5, planned_capacity=3)
    start = threading.Barrier(3)
    errors = []

    def run(work) -> None:
        start.wait()
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    def move() -> None:
        excess_rollover(office_id=office.id, slot_ids=[morning.id], now=NOW)

    def cancel() -> None:
        booking_cancel(booking=Booking.objects.get(id=bookings[0].id), now=NOW)

    threads = [threading.Thread(target=run, args=(work,)) for work in (move, move, cancel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    morning.refresh_from_db()
    holding = Booking.objects.filter(slot=morning, status__in=[BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN])
    assert morning.booked == holding.count() <= 3
    assert morning.booked <= morning.capacity
    moved = Booking.objects.filter(status=BookingStatus.ROLLED_OVER)
    # Each moved booking has exactly one successor, and only the last made were moved.
    assert Booking.objects.filter(rolled_from__in=moved).count() == moved.count()
    assert set(moved.values_list("id", flat=True)) <= {b.id for b in bookings[2:]}
    assert Booking.objects.get(id=bookings[0].id).status == BookingStatus.CANCELLED
