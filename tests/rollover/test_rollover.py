"""Bookings of a closed day or session move, all of them, in order, ahead of waiting requests."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from applicants.models import Booking, BookingStatus, BookingTransition, Notification
from applicants.notification_messages import ROLLED_OVER_WAITING_INTRO
from applicants.services.allocation import waiting_allocate
from applicants.services.rollover import closure_rollover, service_stop
from applicants.tasks.rollover import rollover_closure, rollover_finish_task
from offices.models import Closure as OfficeClosure
from offices.models import Slot
from offices.services.closures import closure_create
from offices.services.quotas import slot_set_capacity
from tests.factories import OfficeFactory
from tests.rollover.conftest import NOW, TOMORROW, days
from tests.rollover.helpers import SESSIONS, make_confirmed, make_slots, make_waiting

pytestmark = pytest.mark.django_db

CLOSED_DAY = TOMORROW + dt.timedelta(days=1)  # Thursday 3 December 2026


@pytest.fixture
def office():
    return OfficeFactory(code="surabaya", timezone="Asia/Jakarta")


def successors(old_bookings) -> list[Booking]:
    """The booking each old one was moved to, in the old order."""
    by_old = {b.rolled_from_id: b for b in Booking.objects.filter(rolled_from__in=old_bookings).select_related("slot")}
    return [by_old.get(old.id) for old in old_bookings]


def test_closing_a_day_with_120_bookings_moves_all_in_order_and_tells_each_once(
    office, now, published, deliver, commit
):
    make_slots(office, [CLOSED_DAY], capacity=40)
    following = days(CLOSED_DAY + dt.timedelta(days=1), 3)
    make_slots(office, following, capacity=20)  # 60 places a day
    old = []
    for n, slot in enumerate(Slot.objects.filter(office=office, date=CLOSED_DAY).order_by("start")):
        old += make_confirmed(slot, 40, at=NOW - dt.timedelta(days=10 - n))
    old.sort(key=lambda b: Booking.objects.get(id=b.id).created_at)
    earlier_waiting = make_waiting(office, 10, requested_date=following[0], since=NOW - dt.timedelta(days=20))

    with commit():
        result = closure_create(
            office=office, date=CLOSED_DAY, start=None, kind="outage", reason="Banjir", actor=None, now=now
        )
    assert len(result.booked_slot_ids) == 3
    [(task, kwargs)] = [p for p in published if p[0] == "applicants.tasks.rollover_closure"]
    with commit():
        rollover_closure.run(**kwargs)
    sent = deliver()

    new = successors(old)
    assert all(b is not None for b in new)
    assert {b.status for b in new} == {BookingStatus.CONFIRMED}
    assert Booking.objects.filter(id__in=[b.id for b in old], status=BookingStatus.ROLLED_OVER).count() == 120
    # In the order they were made: the first 60 fill the next day session by session, and so on.
    expected = [(d, start) for d in following[:2] for start, _ in SESSIONS for _ in range(20)]
    assert [(b.slot.date, b.slot.start) for b in new] == expected
    # Ahead of the requests that were already waiting: those get the day after.
    assert {Booking.objects.get(id=b.id).date for b in earlier_waiting} == {following[2]}
    assert list(Slot.objects.filter(office=office, date=CLOSED_DAY).values_list("booked", flat=True)) == [0, 0, 0]
    # Each moved applicant told once, with the new code and date.
    rolled = Notification.objects.filter(booking__in=new, kind=Notification.Kind.ROLLED_OVER)
    assert rolled.count() == 120 and not Notification.objects.filter(booking__in=old).exclude(kind="confirmation")
    assert sent == 130
    to_moved = [m for m in mail.outbox if any(b.code in m.subject for b in new)]
    assert len(to_moved) == 120
    assert sorted(m.to[0] for m in to_moved) == sorted(b.applicant.email for b in old)
    # Same secret: the link the applicant already has opens the new booking.
    assert all(n.token_hash == o.token_hash and n.code != o.code for n, o in zip(new, old, strict=True))


def test_running_the_rollover_twice_changes_nothing(office, now, published):
    make_slots(office, [CLOSED_DAY, *days(CLOSED_DAY + dt.timedelta(days=1), 2)], capacity=5)
    old = make_confirmed(Slot.objects.get(office=office, date=CLOSED_DAY, start=SESSIONS[0][0]), 5, at=NOW)
    Slot.objects.filter(office=office, date=CLOSED_DAY).update(closed=True)

    first = closure_rollover(office_id=office.id, date=CLOSED_DAY, now=now)
    state = (
        list(Booking.objects.order_by("id").values_list("id", "status", "slot_id", "rollover_rank")),
        list(Slot.objects.order_by("id").values_list("id", "booked", "reserved")),
        BookingTransition.objects.count(),
        Notification.objects.count(),
    )
    second = closure_rollover(office_id=office.id, date=CLOSED_DAY, now=now + dt.timedelta(minutes=5))

    assert len(first.moved) == 5 and second.moved == []
    assert state == (
        list(Booking.objects.order_by("id").values_list("id", "status", "slot_id", "rollover_rank")),
        list(Slot.objects.order_by("id").values_list("id", "booked", "reserved")),
        BookingTransition.objects.count(),
        Notification.objects.count(),
    )
    assert len(successors(old)) == 5


def test_a_lifted_closure_moves_nobody(office, now, published):
    make_slots(office, [CLOSED_DAY, CLOSED_DAY + dt.timedelta(days=1)], capacity=5)
    make_confirmed(Slot.objects.get(office=office, date=CLOSED_DAY, start=SESSIONS[0][0]), 3, at=NOW)

    result = closure_rollover(office_id=office.id, date=CLOSED_DAY, now=now)

    assert result.moved == []
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED, date=CLOSED_DAY).count() == 3


def test_closing_one_session_moves_its_bookings_to_a_later_session_the_same_day(office, now, published):
    make_slots(office, [CLOSED_DAY], capacity=5)
    morning = Slot.objects.get(office=office, date=CLOSED_DAY, start=SESSIONS[0][0])
    old = make_confirmed(morning, 3, at=NOW)
    Slot.objects.filter(id=morning.id).update(closed=True)

    closure_rollover(office_id=office.id, date=CLOSED_DAY, start=SESSIONS[0][0], now=now)

    assert [(b.slot.date, b.slot.start) for b in successors(old)] == [(CLOSED_DAY, SESSIONS[1][0])] * 3


def test_moved_bookings_may_use_the_reserve_that_new_requests_cannot(office, now, published):
    make_slots(office, [CLOSED_DAY], capacity=2)
    next_day = CLOSED_DAY + dt.timedelta(days=1)
    [reserve_slot] = make_slots(office, [next_day], capacity=4, reserved=2, sessions=SESSIONS[:1])
    make_confirmed(reserve_slot, 2, at=NOW)  # the open share is taken
    old = make_confirmed(Slot.objects.get(office=office, date=CLOSED_DAY, start=SESSIONS[0][0]), 2, at=NOW)
    Slot.objects.filter(office=office, date=CLOSED_DAY).update(closed=True)
    plain = make_waiting(office, 1, requested_date=next_day, since=NOW - dt.timedelta(days=1))

    closure_rollover(office_id=office.id, date=CLOSED_DAY, now=now)

    assert [b.slot_id for b in successors(old)] == [reserve_slot.id] * 2
    reserve_slot.refresh_from_db()
    assert (reserve_slot.booked, reserve_slot.reserved) == (4, 0)
    assert Booking.objects.get(id=plain[0].id).status == BookingStatus.WAITING


def test_a_moved_booking_without_room_keeps_its_priority_and_hears_twice_at_most(
    office, now, published, deliver, commit
):
    make_slots(office, [CLOSED_DAY], capacity=1, sessions=SESSIONS[:1])
    [later] = make_slots(office, [CLOSED_DAY + dt.timedelta(days=1)], capacity=0, sessions=SESSIONS[:1])
    [old] = make_confirmed(Slot.objects.get(office=office, date=CLOSED_DAY), 1, at=NOW)
    Slot.objects.filter(office=office, date=CLOSED_DAY).update(closed=True)
    [plain] = make_waiting(office, 1, requested_date=CLOSED_DAY, since=NOW - dt.timedelta(days=5))

    with commit():
        closure_rollover(office_id=office.id, date=CLOSED_DAY, now=now)
    with commit():
        closure_rollover(office_id=office.id, date=CLOSED_DAY, now=now)
    [new] = successors([old])
    assert new.status == BookingStatus.WAITING and new.rollover_rank == 1
    assert deliver() == 1
    with translation.override(new.language):
        assert str(ROLLED_OVER_WAITING_INTRO) in mail.outbox[0].body

    # The supervisor adds a place: the moved booking gets it, not the older plain request.
    with commit():
        slot_set_capacity(slot=later, capacity=1, actor=None, now=now)
    assert ("applicants.tasks.allocate_waiting", {"office_id": office.id}) in published
    with commit():
        waiting_allocate(office_id=office.id, now=now)
    assert Booking.objects.get(id=new.id).slot_id == later.id
    assert Booking.objects.get(id=plain.id).status == BookingStatus.WAITING
    assert deliver() == 1
    assert new.code in mail.outbox[1].subject


def test_stopping_service_moves_the_checked_in_first_and_closes_the_rest_of_today(
    office, supervisor, now, published, commit
):
    today = now.date()
    make_slots(office, [today, *days(TOMORROW, 2)], capacity=10)
    morning, late_morning, afternoon = Slot.objects.filter(office=office, date=today).order_by("start")
    booked_morning = make_confirmed(morning, 4, at=NOW - dt.timedelta(days=3))
    served, called, second_in, first_in = booked_morning
    Booking.objects.filter(id=served.id).update(status=BookingStatus.SERVED, queued_at=NOW - dt.timedelta(hours=3))
    Booking.objects.filter(id=called.id).update(status=BookingStatus.CALLED, queued_at=NOW - dt.timedelta(hours=2))
    Booking.objects.filter(id=first_in.id).update(
        status=BookingStatus.CHECKED_IN, queued_at=NOW - dt.timedelta(hours=1, minutes=30)
    )
    Booking.objects.filter(id=second_in.id).update(
        status=BookingStatus.CHECKED_IN, queued_at=NOW - dt.timedelta(hours=1)
    )
    later_today = make_confirmed(afternoon, 2, at=NOW - dt.timedelta(days=2))

    with commit():
        result = service_stop(office=office, now=now, actor=supervisor)

    expected_order = [called, first_in, second_in, *later_today]
    new = successors(expected_order)
    assert result.moved == [b.id for b in new]
    assert {b.status for b in new} == {BookingStatus.WAITING}  # moved at once, placed by a worker
    assert published == [("applicants.tasks.rollover_finish", {"office_id": office.id})]
    rollover_finish_task.run(office_id=office.id)
    new = successors(expected_order)
    assert [(b.slot.date, b.slot.start) for b in new] == [(TOMORROW, SESSIONS[0][0])] * 5
    assert Booking.objects.get(id=served.id).status == BookingStatus.SERVED
    assert set(Slot.objects.filter(office=office, date=today).values_list("closed", flat=True)) == {True}
    assert OfficeClosure.objects.filter(office=office, date=today, start=None).count() == 1
    transition = BookingTransition.objects.get(booking=called, to_status=BookingStatus.ROLLED_OVER)
    assert (transition.actor, transition.reason) == (supervisor, "service_stopped")
    # Pressing it twice changes nothing more.
    assert service_stop(office=office, now=now, actor=supervisor).moved == []
    assert OfficeClosure.objects.filter(office=office, date=today).count() == 1


def test_the_old_proof_link_leads_to_the_new_date(office, now, published, client):
    make_slots(office, [CLOSED_DAY, CLOSED_DAY + dt.timedelta(days=1)], capacity=5)
    [old] = make_confirmed(Slot.objects.get(office=office, date=CLOSED_DAY, start=SESSIONS[0][0]), 1, at=NOW)
    Slot.objects.filter(office=office, date=CLOSED_DAY).update(closed=True)
    closure_rollover(office_id=office.id, date=CLOSED_DAY, now=now)
    [new] = successors([old])

    response = client.get(reverse("applicants:proof", kwargs={"code": old.code, "token": old.token}), follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert new.code in page
    assert f'data-booking-date="{new.date:%Y-%m-%d}"' in page
    assert new.date == CLOSED_DAY + dt.timedelta(days=1)
    # The event saved from the old proof stays in a calendar at the old date: it has its own code.
    assert "hapus di sana lalu tambahkan yang ini" in page
