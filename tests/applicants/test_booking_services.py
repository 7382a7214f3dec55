"""The booking services: create, wait, cancel, reschedule, and the one way a status changes."""

import datetime as dt

import pytest
from django.db import IntegrityError

from applicants import proof
from applicants.exceptions import (
    ActiveBookingExists,
    BookingStateChanged,
    InvalidTransition,
    SessionFull,
)
from applicants.models import Booking, BookingStatus, BookingTransition, Channel, Notification
from applicants.services.applicants import applicant_upsert
from applicants.services.booking import ALLOCATE_TASK, booking_create
from applicants.services.changes import booking_cancel, booking_reschedule
from applicants.services.transitions import ALLOWED_TRANSITIONS, booking_transition
from offices.cache import slot_full_and_copy
from tests.applicants.conftest import BIRTH, NIK, NOW, nik_number
from tests.factories import SlotFactory, UserFactory

pytestmark = pytest.mark.django_db

WIB = dt.timezone(dt.timedelta(hours=7))


def person(nik: str = NIK, **fields):
    return applicant_upsert(
        nik=nik,
        full_name=fields.pop("full_name", "Siti Rahayu"),
        birth_date=BIRTH,
        phone=fields.pop("phone", "081234567890"),
        email=fields.pop("email", "siti@example.org"),
        **fields,
    )


def create(slot, applicant=None, **kwargs):
    kwargs.setdefault("track", slot.track)
    kwargs.setdefault("service", "new")
    kwargs.setdefault("now", NOW)
    return booking_create(slot=slot, applicant=applicant or person(), **kwargs)


def test_applicant_upsert_keeps_one_row_per_nik_and_refreshes_contact_details():
    first = person(phone="081234567890", email="siti@example.org")
    again = person(phone="+62 813-1111-2222", email="", full_name="Siti  Rahayu Putri")

    assert again.pk == first.pk
    again.refresh_from_db()
    assert (again.phone, again.email, again.full_name) == ("+6281311112222", "", "Siti Rahayu Putri")
    assert (again.sex, again.nik_masked) == ("F", "3578********0001")


def test_a_booking_takes_one_place_and_logs_how_it_began(slot):
    result = create(slot)

    slot.refresh_from_db()
    assert slot.booked == 1
    booking = result.booking
    assert (booking.status, booking.slot_id, booking.date) == (BookingStatus.CONFIRMED, slot.id, slot.date)
    assert proof.token_matches(result.token, booking.token_hash)
    [log] = BookingTransition.objects.filter(booking=booking)
    assert (log.from_status, log.to_status, log.reason, log.at) == ("", "confirmed", "booked", NOW)
    assert set(Notification.objects.filter(booking=booking).values_list("kind", "channel")) == {
        ("confirmation", "email"),
        ("confirmation", "sms"),
    }


def test_a_full_session_is_refused_and_marked_full_for_the_fast_path(office):
    full = SlotFactory(office=office, date=dt.date(2026, 12, 7), capacity=1, booked=1)

    with pytest.raises(SessionFull):
        create(full)

    assert slot_full_and_copy(full.id)[0]
    assert not Booking.objects.exists()


def test_a_full_session_with_next_available_becomes_a_waiting_request(
    office, published, django_capture_on_commit_callbacks
):
    full = SlotFactory(office=office, date=dt.date(2026, 12, 7), capacity=1, booked=1)

    with django_capture_on_commit_callbacks(execute=True):
        result = create(full, if_full="next_available")

    booking = Booking.objects.get(id=result.booking.id)
    assert booking.status == BookingStatus.WAITING
    assert (booking.slot_id, booking.date) == (None, None)
    assert (booking.requested_date, booking.requested_slot_id, booking.waiting_since) == (full.date, full.id, NOW)
    full.refresh_from_db()
    assert full.booked == 1
    assert (ALLOCATE_TASK, {"office_id": office.id}) in published
    assert Notification.objects.filter(booking=booking, kind="waiting").exists()


def test_one_person_holds_one_active_booking(slot, later_slot):
    applicant = person()
    create(slot, applicant)

    with pytest.raises(ActiveBookingExists):
        create(later_slot, applicant)

    later_slot.refresh_from_db()
    assert later_slot.booked == 0


def test_the_limit_per_person_is_a_setting(office, settings):
    settings.BOOKING_MAX_ACTIVE_PER_PERSON = 2
    slots = [SlotFactory(office=office, date=dt.date(2026, 12, 7 + n)) for n in range(3)]
    applicant = person()

    first, second = create(slots[0], applicant), create(slots[1], applicant)
    with pytest.raises(ActiveBookingExists):
        create(slots[2], applicant)

    assert {first.booking.person_slot, second.booking.person_slot} == {1, 2}
    booking_cancel(booking=first.booking, now=NOW)
    assert create(slots[2], applicant).booking.person_slot == 1


def test_a_cancelled_booking_no_longer_counts_against_the_person(slot, later_slot):
    applicant = person()
    first = create(slot, applicant)
    booking_cancel(booking=first.booking, now=NOW)

    assert create(later_slot, applicant).booking.status == BookingStatus.CONFIRMED


def test_a_code_collision_is_retried_with_a_new_code(slot, monkeypatch):
    taken = create(slot, person(nik_number(2))).booking.code
    codes = iter([taken, taken, "ABCDEFGH"])
    monkeypatch.setattr("applicants.services.booking.new_booking_code", lambda: next(codes))

    booking = create(slot).booking

    assert booking.code == "ABCDEFGH"
    slot.refresh_from_db()
    assert slot.booked == 2


def test_an_integrity_error_that_is_neither_code_nor_person_is_not_hidden(slot, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise IntegrityError("booking_has_slot_unless_waiting")

    monkeypatch.setattr(Booking, "save", broken_save)

    with pytest.raises(IntegrityError):
        create(slot)


def test_walk_ins_take_capacity_even_with_online_booking_off_and_on_the_priority_track(office):
    office.online_booking = False
    office.save()
    today = SlotFactory(office=office, date=dt.date(2026, 12, 1), start=dt.time(13, 0), end=dt.time(15, 0))
    priority = SlotFactory(
        office=office, date=dt.date(2026, 12, 1), start=dt.time(13, 0), end=dt.time(15, 0), track="priority", capacity=1
    )
    staff = UserFactory()

    walk_in = create(today, person(), channel=Channel.WALK_IN, actor=staff)
    elderly = create(priority, person(nik_number(7)), channel=Channel.WALK_IN, priority_group="elderly", actor=staff)

    assert walk_in.booking.channel == "walk_in"
    assert elderly.booking.track == "priority"
    assert BookingTransition.objects.get(booking=walk_in.booking).actor == staff
    with pytest.raises(SessionFull):
        create(priority, person(nik_number(8)), channel=Channel.WALK_IN)


# --- booking_transition -----------------------------------------------------------------------


def test_every_status_is_in_the_transition_table():
    assert set(ALLOWED_TRANSITIONS) == set(BookingStatus.values)
    for targets in ALLOWED_TRANSITIONS.values():
        assert targets <= set(BookingStatus.values)


def test_a_transition_changes_the_row_and_logs_who_when_from_to_and_why(slot):
    booking = create(slot).booking
    staff = UserFactory()
    later = NOW + dt.timedelta(days=6)

    booking_transition(
        booking=booking,
        to_status=BookingStatus.CHECKED_IN,
        reason="scanned",
        now=later,
        actor=staff,
        detail={"queue_number": "A-001"},
        queue_number="A-001",
        checked_in_at=later,
    )

    booking.refresh_from_db()
    assert (booking.status, booking.queue_number, booking.checked_in_at) == ("checked_in", "A-001", later)
    log = BookingTransition.objects.filter(booking=booking).last()
    assert (log.from_status, log.to_status, log.reason, log.actor, log.at) == (
        "confirmed",
        "checked_in",
        "scanned",
        staff,
        later,
    )
    assert log.detail == {"queue_number": "A-001"}


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("confirmed", "served"),
        ("waiting", "checked_in"),
        ("served", "cancelled"),
        ("cancelled", "confirmed"),
        ("no_show", "checked_in"),
    ],
)
def test_a_transition_outside_the_life_cycle_is_refused(slot, start, target):
    booking = create(slot).booking
    Booking.objects.filter(id=booking.id).update(status=start)
    booking.status = start

    with pytest.raises(InvalidTransition) as caught:
        booking_transition(booking=booking, to_status=target, reason="test", now=NOW)

    assert caught.value.code == "invalid_transition"
    assert BookingTransition.objects.filter(booking=booking).count() == 1


def test_a_transition_from_a_stale_status_changes_nothing(slot):
    booking = create(slot).booking
    stale = Booking.objects.get(id=booking.id)
    booking_transition(booking=booking, to_status=BookingStatus.CHECKED_IN, reason="scanned", now=NOW)

    with pytest.raises(BookingStateChanged):
        booking_transition(booking=stale, to_status=BookingStatus.CANCELLED, reason="cancelled", now=NOW)

    assert Booking.objects.get(id=booking.id).status == BookingStatus.CHECKED_IN
    assert BookingTransition.objects.filter(booking=booking).count() == 2


def test_missed_goes_back_to_the_queue(slot):
    booking = create(slot).booking
    for status in ("checked_in", "called", "checked_in", "called", "served"):
        booking_transition(booking=booking, to_status=status, reason=status, now=NOW)

    assert [t.to_status for t in BookingTransition.objects.filter(booking=booking)] == [
        "confirmed",
        "checked_in",
        "called",
        "checked_in",
        "called",
        "served",
    ]


# --- Cancel -------------------------------------------------------------------------------------


def test_cancel_frees_the_place_once_and_asks_for_allocation(slot, published, django_capture_on_commit_callbacks):
    booking = create(slot).booking

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, now=NOW)
    again = booking_cancel(booking=Booking.objects.get(id=booking.id), now=NOW)

    slot.refresh_from_db()
    assert slot.booked == 0
    assert again.status == BookingStatus.CANCELLED
    assert BookingTransition.objects.filter(booking=booking, to_status="cancelled").count() == 1
    assert (ALLOCATE_TASK, {"office_id": slot.office_id}) in published


def test_a_stale_copy_cancelled_twice_still_frees_the_place_once(slot):
    booking = create(slot).booking
    stale = Booking.objects.select_related("office", "slot", "applicant").get(id=booking.id)
    booking_cancel(booking=booking, now=NOW)

    result = booking_cancel(booking=stale, now=NOW)

    assert result.status == BookingStatus.CANCELLED
    slot.refresh_from_db()
    assert slot.booked == 0


def test_cancel_clears_the_full_mark_after_commit(office, django_capture_on_commit_callbacks):
    last_place = SlotFactory(office=office, date=dt.date(2026, 12, 7), capacity=1)
    booking = create(last_place).booking
    with pytest.raises(SessionFull):
        create(last_place, person(nik_number(2)))
    assert slot_full_and_copy(last_place.id)[0]

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, now=NOW)

    assert not slot_full_and_copy(last_place.id)[0]
    assert create(last_place, person(nik_number(2))).booking.status == BookingStatus.CONFIRMED


def test_a_waiting_request_can_be_cancelled(office):
    full = SlotFactory(office=office, date=dt.date(2026, 12, 7), capacity=1, booked=1)
    waiting = create(full, if_full="next_available").booking

    booking_cancel(booking=waiting, now=NOW)

    assert Booking.objects.get(id=waiting.id).status == BookingStatus.CANCELLED
    full.refresh_from_db()
    assert full.booked == 1


def test_staff_may_cancel_after_the_session_started(slot):
    booking = create(slot).booking

    booking_cancel(booking=booking, now=dt.datetime(2026, 12, 7, 9, 0, tzinfo=WIB), actor=UserFactory())

    assert booking.status == BookingStatus.CANCELLED


# --- Reschedule ---------------------------------------------------------------------------------


def test_reschedule_moves_the_place_and_logs_it(slot, office):
    target = SlotFactory(office=office, date=dt.date(2026, 12, 9))
    booking = create(slot).booking

    booking_reschedule(booking=booking, new_slot=target, now=NOW)

    slot.refresh_from_db()
    target.refresh_from_db()
    booking.refresh_from_db()
    assert (slot.booked, target.booked) == (0, 1)
    assert (booking.slot_id, booking.date, booking.reschedule_count) == (target.id, target.date, 1)
    log = BookingTransition.objects.filter(booking=booking).last()
    assert (log.reason, log.detail) == ("rescheduled", {"from_slot": slot.id, "to_slot": target.id, "count": 1})
    assert Notification.objects.filter(booking=booking, kind="rescheduled", dedupe_key="rescheduled:1").exists()


def test_reschedule_is_still_free_on_the_day_before(slot, later_slot):
    booking = create(slot).booking

    booking_reschedule(booking=booking, new_slot=later_slot, now=dt.datetime(2026, 12, 6, 23, 0, tzinfo=WIB))

    assert booking.slot_id == later_slot.id


def test_reschedule_to_a_full_session_keeps_the_old_place(slot, office):
    full = SlotFactory(office=office, date=dt.date(2026, 12, 9), capacity=2, booked=2)
    booking = create(slot).booking

    with pytest.raises(SessionFull):
        booking_reschedule(booking=booking, new_slot=full, now=NOW)

    slot.refresh_from_db()
    full.refresh_from_db()
    assert (slot.booked, full.booked) == (1, 2)
    fresh = Booking.objects.get(id=booking.id)
    assert (fresh.slot_id, fresh.reschedule_count) == (slot.id, 0)
    assert slot_full_and_copy(full.id)[0]


def test_staff_may_reschedule_beyond_the_free_limit(slot, later_slot, office):
    booking = create(slot).booking
    booking_reschedule(booking=booking, new_slot=later_slot, now=NOW)
    third = SlotFactory(office=office, date=dt.date(2026, 12, 10))

    booking_reschedule(booking=booking, new_slot=third, now=NOW, actor=UserFactory())

    assert (booking.slot_id, booking.reschedule_count) == (third.id, 2)
