"""Waiting requests are placed first come, first served, each in the earliest session with room."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import translation

from applicants.models import Booking, BookingStatus, Notification
from applicants.proof import date_label
from applicants.services import allocation
from applicants.services.allocation import waiting_allocate, waiting_expire, waiting_position
from applicants.services.applicants import applicant_upsert
from applicants.services.booking import booking_create
from applicants.tasks.allocation import allocate_waiting
from offices.models import Slot
from tests.factories import OfficeFactory, make_nik
from tests.rollover.conftest import NOW, TOMORROW, days
from tests.rollover.helpers import SESSIONS, make_confirmed, make_slots, make_waiting

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return OfficeFactory(code="surabaya", timezone="Asia/Jakarta")


def placed(bookings) -> list[tuple[dt.date, dt.time] | None]:
    """Where each booking ended up, in the order given (None: still waiting)."""
    fresh = Booking.objects.select_related("slot").in_bulk([b.id for b in bookings])
    return [(fresh[b.id].slot.date, fresh[b.id].slot.start) if fresh[b.id].slot_id else None for b in bookings]


def test_it_places_waiting_requests_in_order_in_the_earliest_sessions_with_room(office, now, published):
    dates = days(TOMORROW, 2)
    make_slots(office, dates, capacity=2)  # 3 sessions x 2 places a day
    waiting = make_waiting(office, 8, requested_date=TOMORROW, since=NOW - dt.timedelta(hours=1))

    result = waiting_allocate(office_id=office.id, now=now)

    assert result.allocated == [b.id for b in waiting]
    expected = [(d, start) for d in dates for start, _ in SESSIONS for _ in range(2)][:8]
    assert placed(waiting) == expected
    assert {b.status for b in Booking.objects.filter(id__in=result.allocated)} == {BookingStatus.CONFIRMED}
    assert sum(Slot.objects.filter(office=office).values_list("booked", flat=True)) == 8


def test_it_never_looks_before_the_requested_date(office, now, published):
    make_slots(office, days(TOMORROW, 4), capacity=5)
    later = TOMORROW + dt.timedelta(days=2)
    [request] = make_waiting(office, 1, requested_date=later, since=NOW)

    waiting_allocate(office_id=office.id, now=now)

    assert placed([request]) == [(later, SESSIONS[0][0])]


def test_it_keeps_to_the_track_asked_for(office, now, published):
    make_slots(office, [TOMORROW], capacity=5, track="regular")
    make_slots(office, [TOMORROW + dt.timedelta(days=1)], capacity=5, track="express")
    [request] = make_waiting(office, 1, requested_date=TOMORROW, since=NOW, track="express")

    waiting_allocate(office_id=office.id, now=now)

    request.refresh_from_db()
    assert (request.slot.track, request.date) == ("express", TOMORROW + dt.timedelta(days=1))


def test_a_request_without_room_in_the_released_window_keeps_waiting(office, now, published):
    # The window ends 30 days ahead; the only room is on day 31 (materialized, not released).
    beyond = now.date() + dt.timedelta(days=31)
    make_slots(office, [TOMORROW], capacity=1)
    make_confirmed(Slot.objects.get(office=office, date=TOMORROW, start=SESSIONS[0][0]), 1, at=NOW)
    Slot.objects.filter(office=office, date=TOMORROW).exclude(start=SESSIONS[0][0]).delete()
    make_slots(office, [beyond], capacity=5)
    [request] = make_waiting(office, 1, requested_date=TOMORROW, since=NOW)

    result = waiting_allocate(office_id=office.id, now=now)

    assert result.allocated == [] and result.still_waiting == [request.id]
    request.refresh_from_db()
    assert request.status == BookingStatus.WAITING and request.slot_id is None


def test_new_requests_may_not_use_places_held_back_for_rollover(office, now, published):
    [slot] = make_slots(office, [TOMORROW], capacity=3, reserved=2, sessions=SESSIONS[:1])
    waiting = make_waiting(office, 3, requested_date=TOMORROW, since=NOW)

    result = waiting_allocate(office_id=office.id, now=now)

    assert result.allocated == [waiting[0].id]
    slot.refresh_from_db()
    assert slot.booked == 1


def _room_appears_during_the_run(office, monkeypatch, *, guard: bool):
    """Two full days; the early request wants day one, the late one day two. A place on
    day two frees up right after the early request looked and found nothing."""
    first_day, second_day = days(TOMORROW, 2)
    make_slots(office, [first_day, second_day], capacity=1, sessions=SESSIONS[:1])
    for slot in Slot.objects.filter(office=office):
        make_confirmed(slot, 1, at=NOW)
    early, late = make_waiting(office, 2, requested_date=first_day, since=NOW)
    Booking.objects.filter(id=late.id).update(requested_date=second_day)

    real_candidates = allocation._candidates
    calls = []

    def candidates_then_cancel(**kwargs):
        if not guard:
            kwargs["blocked"] = None
        found = real_candidates(**kwargs)
        calls.append(kwargs["booking"].id)
        if len(calls) == 1:
            Slot.objects.filter(office=office, date=second_day).update(booked=0)
        return found

    monkeypatch.setattr(allocation, "_candidates", candidates_then_cancel)
    return early, late, real_candidates


def test_a_later_request_never_takes_a_place_an_earlier_one_could_not_find(office, now, published, monkeypatch):
    """Room that appears during a run belongs to the earlier request still waiting."""
    early, late, real_candidates = _room_appears_during_the_run(office, monkeypatch, guard=True)

    result = waiting_allocate(office_id=office.id, now=now)

    assert result.allocated == []
    assert placed([early, late]) == [None, None]
    # The next run (the cancellation enqueues one) gives the place to the earlier request.
    monkeypatch.setattr(allocation, "_candidates", real_candidates)
    assert waiting_allocate(office_id=office.id, now=now).allocated == [early.id]


def test_control_without_that_guard_the_later_request_jumps_the_queue(office, now, published, monkeypatch):
    early, late, _ = _room_appears_during_the_run(office, monkeypatch, guard=False)

    result = waiting_allocate(office_id=office.id, now=now)

    assert result.allocated == [late.id]
    assert placed([early, late]) == [None, (TOMORROW + dt.timedelta(days=1), SESSIONS[0][0])]


def test_rolled_over_requests_go_first_and_may_use_the_reserve(office, now, published):
    [slot] = make_slots(office, [TOMORROW], capacity=2, reserved=1, sessions=SESSIONS[:1])
    plain = make_waiting(office, 2, requested_date=TOMORROW, since=NOW - dt.timedelta(days=3))
    [moved] = make_waiting(office, 1, requested_date=TOMORROW, since=NOW)
    Booking.objects.filter(id=moved.id).update(rollover_rank=1)

    result = waiting_allocate(office_id=office.id, now=now)

    assert result.allocated == [moved.id, plain[0].id]
    slot.refresh_from_db()
    assert slot.booked == 2


def test_it_tells_each_placed_applicant_once_with_the_new_date(office, now, deliver, commit):
    make_slots(office, [TOMORROW], capacity=5)
    waiting = make_waiting(office, 3, requested_date=TOMORROW, since=NOW)

    with commit():
        waiting_allocate(office_id=office.id, now=now)
    with commit():
        waiting_allocate(office_id=office.id, now=now)
    deliver()

    assert len(mail.outbox) == 3
    by_address = {m.to[0]: m for m in mail.outbox}
    with translation.override("id"):
        day = date_label(TOMORROW)
    for booking in waiting:
        message = by_address[booking.applicant.email]
        assert booking.code in message.subject
        assert day in message.body
    kinds = set(Notification.objects.filter(booking__in=waiting).values_list("kind", flat=True))
    assert kinds == {Notification.Kind.ALLOCATED}


def test_running_allocation_twice_changes_nothing(office, now, published):
    make_slots(office, days(TOMORROW, 2), capacity=3)
    make_waiting(office, 30, requested_date=TOMORROW, since=NOW)
    waiting_allocate(office_id=office.id, now=now)
    before = list(Booking.objects.order_by("id").values_list("id", "status", "slot_id", "updated_at"))
    slots_before = list(Slot.objects.order_by("id").values_list("id", "booked"))

    second = waiting_allocate(office_id=office.id, now=now)

    assert second.allocated == []
    assert list(Booking.objects.order_by("id").values_list("id", "status", "slot_id", "updated_at")) == before
    assert list(Slot.objects.order_by("id").values_list("id", "booked")) == slots_before


def test_waiting_position_puts_rolled_over_requests_first(office, now):
    plain = make_waiting(office, 3, requested_date=TOMORROW, since=NOW - dt.timedelta(days=1))
    moved = make_waiting(office, 2, requested_date=TOMORROW, since=NOW)
    Booking.objects.filter(id=moved[0].id).update(rollover_rank=1)
    Booking.objects.filter(id=moved[1].id).update(rollover_rank=2)
    other_track = make_waiting(office, 1, requested_date=TOMORROW, since=NOW - dt.timedelta(days=9), track="express")

    positions = [waiting_position(booking=Booking.objects.get(id=b.id)) for b in [*moved, *plain, *other_track]]

    assert positions == [1, 2, 3, 4, 5, 1]


def test_requests_that_waited_too_long_expire_with_a_message(office, now, settings, deliver, commit):
    settings.WAITING_EXPIRES_AFTER_DAYS = 14
    old = make_waiting(office, 2, requested_date=TOMORROW, since=NOW - dt.timedelta(days=14, seconds=1))
    fresh = make_waiting(office, 1, requested_date=TOMORROW, since=NOW - dt.timedelta(days=13, hours=23))
    moved = make_waiting(office, 1, requested_date=TOMORROW, since=NOW - dt.timedelta(days=30))
    Booking.objects.filter(id=moved[0].id).update(rollover_rank=1)

    with commit():
        expired = waiting_expire(office_id=office.id, now=now)
    with commit():
        again = waiting_expire(office_id=office.id, now=now)
    deliver()

    assert expired == [b.id for b in old] and again == []
    statuses = dict(Booking.objects.values_list("id", "status"))
    assert [statuses[b.id] for b in old] == [BookingStatus.EXPIRED] * 2
    assert statuses[fresh[0].id] == statuses[moved[0].id] == BookingStatus.WAITING
    assert sorted(m.to[0] for m in mail.outbox) == sorted(b.applicant.email for b in old)


def test_an_office_booking_from_today_never_gets_a_session_that_has_begun(now, published):
    office = OfficeFactory(code="batam", timezone="Asia/Jakarta", first_day_offset=0)
    today = now.date()  # 10:00 WIB: the 08:00 and 10:00 sessions have begun
    make_slots(office, [today], capacity=5)
    [request] = make_waiting(office, 1, requested_date=today, since=NOW)

    waiting_allocate(office_id=office.id, now=now)

    assert placed([request]) == [(today, SESSIONS[2][0])]


def test_a_request_made_on_a_full_session_is_placed_by_the_task_it_enqueues(office, now, published, commit, client):
    full, next_day = make_slots(office, days(TOMORROW, 2), capacity=1, sessions=SESSIONS[:1])
    make_confirmed(full, 1, at=NOW)
    applicant = applicant_upsert(
        nik=make_nik(dt.date(1990, 1, 1), female=True, serial=7),
        full_name="Siti Rahayu",
        birth_date=dt.date(1990, 1, 1),
        phone="0812-3456-7890",
    )
    with commit():
        made = booking_create(
            slot=Slot.objects.select_related("office").get(id=full.id),
            applicant=applicant,
            track="regular",
            service="new",
            now=now,
            if_full="next_available",
        )
    assert made.booking.status == BookingStatus.WAITING
    [(name, kwargs)] = [p for p in published if p[0] == "applicants.tasks.allocate_waiting"]

    with commit():
        allocate_waiting.run(**kwargs)

    booking = Booking.objects.get(id=made.booking.id)
    assert (booking.status, booking.slot_id) == (BookingStatus.CONFIRMED, next_day.id)
    page = client.get(f"/b/{booking.code}/{made.token}/").content.decode()
    assert f'data-booking-date="{next_day.date:%Y-%m-%d}"' in page
