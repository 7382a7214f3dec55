"""The demo's office side at any hour (``applicants.services.demo``): before opening, while
open, after closing and on a closed day, read through the staff screens' selectors; and
a later load the same day carrying today on from where the earlier one left it."""

import datetime as dt
import io
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings

from applicants import demo_people
from applicants.models import Booking, BookingTransition, QueueEvent
from applicants.queue_selectors import WaitUnknown, day_summary, display_state, queue_public
from applicants.services.changes import booking_cancel
from applicants.services.dayend import DAY_END_REASON
from applicants.services.demo import demo_bookings_load
from applicants.services.queue import queue_call_next, queue_served
from applicants.services.walkin import walkin_register
from applicants.wait_selectors import wait_stats, waits_by_day
from offices import demo
from offices.models import Office, Slot

pytestmark = pytest.mark.slow

WITA = ZoneInfo("Asia/Makassar")
WEDNESDAY = dt.date(2026, 11, 25)
FRIDAY = dt.date(2026, 11, 27)
MONDAY = dt.date(2026, 11, 30)
LOADED_AT = dt.datetime(2026, 11, 25, 9, tzinfo=WITA)
BEFORE_OPENING = dt.datetime(2026, 11, 25, 6, tzinfo=WITA)  # check-in opens at 07:00
OPEN = dt.datetime(2026, 11, 25, 11, tzinfo=WITA)
AFTERNOON = dt.datetime(2026, 11, 25, 14, tzinfo=WITA)
AFTER_CLOSING = dt.datetime(2026, 11, 25, 18, tzinfo=WITA)  # closing time 16:00
SATURDAY = dt.datetime(2026, 11, 28, 10, tzinfo=WITA)
# The ten working days before Wednesday 25 November 2026 (no holiday among them).
PAST_DAYS = [dt.date(2026, 11, d) for d in (11, 12, 13, 16, 17, 18, 19, 20, 23, 24)]
# A place is held from booking until the end, by a served person too.
RELEASED = ("waiting", "cancelled", "rolled_over", "expired")


@pytest.fixture(scope="module")
def _offices_once(django_db_setup, django_db_blocker):
    """Offices, sessions and capacity rows without bookings, once for the module, in a
    transaction rolled back at the end; each test books in a savepoint within it."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], DEBUG=True)
    with django_db_blocker.unblock(), fast, time_machine.travel(LOADED_AT, tick=False), transaction.atomic():
        call_command("load_demo", "--no-bookings", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def office(_offices_once, db, published):
    # Makassar keeps WITA, an hour ahead of the server's WIB offices.
    return Office.objects.get(code="makassar")


def load(office: Office, now: dt.datetime):
    return demo_bookings_load(offices=[office], now=now)


def today_of(office: Office, date: dt.date = WEDNESDAY):
    return Booking.objects.filter(office=office, date=date)


def test_before_opening_today_is_booked_and_nobody_has_come_yet(office):
    load(office, BEFORE_OPENING)

    summary = day_summary(office=office, now=BEFORE_OPENING)
    board = display_state(office=office, now=BEFORE_OPENING)
    public = queue_public(office=office, now=BEFORE_OPENING)

    assert summary["totals"]["expected"] > 10
    assert (summary["totals"]["checked_in"], summary["totals"]["served"], summary["totals"]["waiting"]) == (0, 0, 0)
    assert set(summary["status_counts"]) <= {"confirmed", "cancelled"}
    # The demo's desks are open (from the days before), nobody called there yet.
    assert board["counters"] and not any(c["serving"] or c["queue_number"] for c in board["counters"])
    assert board["recent"] == []
    assert {track["estimated_wait_reason"] for track in public["tracks"]} == {WaitUnknown.QUEUE_EMPTY}
    assert not QueueEvent.objects.filter(office=office, date=WEDNESDAY).exists()


def test_while_open_people_wait_and_the_counters_call_and_serve(office):
    load(office, OPEN)

    totals = day_summary(office=office, now=OPEN)["totals"]
    board = display_state(office=office, now=OPEN)
    public = queue_public(office=office, now=OPEN)

    assert totals["checked_in"] > 5 and totals["served"] > 0
    assert totals["at_counter"] + totals["waiting"] >= 1
    assert board["counters"] and board["recent"]
    assert public["calls_per_minute"] is not None
    assert totals["average_wait_minutes"] is not None
    # Nothing is dated after the moment the demo was loaded, and the served waited.
    assert not QueueEvent.objects.filter(at__gt=OPEN).exists()
    assert not BookingTransition.objects.filter(at__gt=OPEN).exists()
    for booking in today_of(office).filter(status="served"):
        assert booking.checked_in_at <= booking.called_at < booking.served_at <= OPEN
    # The sessions still to come have only their bookings.
    assert not today_of(office).filter(slot__start=dt.time(13), checked_in_at__isnull=False).exists()


def test_after_closing_today_is_a_finished_day(office):
    load(office, AFTER_CLOSING)

    summary = day_summary(office=office, now=AFTER_CLOSING)
    totals = summary["totals"]

    assert totals["served"] > 10
    assert (totals["waiting"], totals["at_counter"]) == (0, 0)
    assert set(summary["status_counts"]) <= {"served", "no_show", "cancelled"}
    assert summary["status_counts"]["no_show"] > 0
    for session in summary["sessions"]:
        if session.served:
            assert session.average_wait_minutes is not None and session.p90_wait_minutes is not None
    assert BookingTransition.objects.filter(booking__date=WEDNESDAY, reason=DAY_END_REASON).exists()


def test_on_a_closed_day_the_last_working_day_is_the_latest_and_the_next_one_is_booked(office):
    load(office, SATURDAY)

    summary = day_summary(office=office, now=SATURDAY)
    history = waits_by_day(office_ids=[office.id], start=SATURDAY.date() - dt.timedelta(days=13), days=14)

    assert summary["sessions"] == [] and summary["status_counts"] == {}
    assert display_state(office=office, now=SATURDAY)["counters"] == []
    assert history[-1].label == FRIDAY
    assert history[-1].stats.served > 0
    assert not today_of(office, FRIDAY).filter(status__in=("confirmed", "checked_in", "called")).exists()
    assert today_of(office, MONDAY).filter(status="confirmed").count() > 10


def test_past_days_were_served_with_waits_that_vary_through_the_day(office):
    load(office, OPEN)

    history = waits_by_day(office_ids=[office.id], start=PAST_DAYS[0], days=(WEDNESDAY - PAST_DAYS[0]).days + 1)
    past = Booking.objects.filter(office=office, date__in=PAST_DAYS)
    by_session = wait_stats(past, by=("date", "slot__start"))

    assert [row.label for row in history] == [*PAST_DAYS, WEDNESDAY]
    for row in history[:-1]:
        assert row.stats.served > 0 and row.stats.average_minutes is not None, row.label
    assert len({stats.average_minutes for stats in by_session.values()}) > 3
    # Booked, cancelled, walked in, missed; and the day's end ran for each day.
    statuses = set(past.values_list("status", flat=True))
    assert {"served", "no_show", "cancelled"} <= statuses
    assert statuses.isdisjoint({"confirmed", "checked_in", "called", "waiting"})
    assert past.filter(channel="walk_in", priority_group="elderly", status="served").exists()
    # Those who never came were made no-shows by the day's end, as the beat does.
    never_came = past.filter(status="no_show", checked_in_at__isnull=True)
    assert never_came.count() > len(PAST_DAYS)
    assert not never_came.exclude(transitions__reason=DAY_END_REASON).exists()
    assert QueueEvent.objects.filter(office=office, date__in=PAST_DAYS, action="missed").exists()


def test_running_it_again_changes_nothing(office):
    load(office, OPEN)

    def state():
        return (
            sorted(Booking.objects.values_list("id", "status", "queue_number")),
            QueueEvent.objects.count(),
            BookingTransition.objects.count(),
        )

    before = state()
    again = load(office, OPEN)

    assert state() == before
    assert (again.booked, again.past_days, again.arrivals, again.served) == (0, 0, 0, 0)
    assert again.carried_on_today == [office.code]


def test_a_day_booked_as_a_coming_day_is_played_once_it_is_past(office):
    load(office, BEFORE_OPENING)
    thursday = today_of(office, dt.date(2026, 11, 26))
    booked = set(thursday.values_list("id", flat=True))
    assert thursday.filter(status="confirmed").count() > 100  # the sold-out first bookable day

    played = load(office, SATURDAY)

    # Wednesday (booked as today, before opening), Thursday and Friday (coming days then)
    # were played from their own bookings (walk-ins besides); nobody was booked again.
    assert played.past_days == 3
    assert not thursday.filter(channel="online").exclude(id__in=booked).exists()
    assert thursday.filter(id__in=booked, status="served").count() > 50
    assert not thursday.filter(status__in=("confirmed", "checked_in", "called")).exists()


def assert_no_session_holds_more_than_its_places(office: Office):
    slots = Slot.objects.filter(office=office).annotate(
        holders=Count("bookings", filter=Q(bookings__isnull=False) & ~Q(bookings__status__in=RELEASED))
    )
    assert slots.filter(booked__gt=0).count() > 30
    for slot in slots:
        assert slot.booked <= slot.capacity, slot
        assert slot.holders == slot.booked, slot


@pytest.mark.parametrize("now", [BEFORE_OPENING, OPEN, AFTER_CLOSING, SATURDAY])
def test_no_session_holds_more_than_its_places(office, now):
    load(office, now)

    assert_no_session_holds_more_than_its_places(office)


def today_played(office: Office):
    """Wednesday at the desk, without row ids (a walk-in made by a later load gets a later
    id than the same walk-in made by one load): every queue number with its status,
    times and counter, the bookings never queued by status, the queue's log, the status
    log."""
    day = today_of(office)
    queued = day.exclude(queue_number="").values_list(
        "queue_number", "status", "channel", "checked_in_at", "called_at", "served_at", "missed_count", "counter__name"
    )
    events = QueueEvent.objects.filter(office=office, date=WEDNESDAY).values_list(
        "booking__queue_number", "action", "at", "counter__name"
    )
    transitions = BookingTransition.objects.filter(booking__in=day).values_list(
        "booking__queue_number", "from_status", "to_status", "reason", "at"
    )
    return (
        sorted(queued),
        Counter(day.filter(queue_number="").values_list("status", flat=True)),
        sorted(events),
        sorted(transitions),
    )


def status_counts(office: Office) -> Counter:
    return Counter(today_of(office).values_list("status", flat=True))


def assert_nothing_twice(office: Office):
    events = QueueEvent.objects.filter(office=office, date=WEDNESDAY)
    per_booking = events.values("booking", "action").annotate(n=Count("id"))
    assert not per_booking.filter(action__in=("checked_in", "served"), n__gt=1).exists()
    # Called again only after missing a call.
    misses = Counter(events.filter(action="missed").values_list("booking", flat=True))
    for booking, calls in Counter(events.filter(action="called").values_list("booking", flat=True)).items():
        assert calls <= 1 + misses[booking], booking
    assert not events.values("booking", "action", "at").annotate(n=Count("id")).filter(n__gt=1).exists()
    walk_ins = today_of(office).filter(channel="walk_in").values("applicant").annotate(n=Count("id"))
    assert not walk_ins.filter(n__gt=1).exists()


@pytest.mark.parametrize(
    ("first", "second"),
    [(LOADED_AT, OPEN), (OPEN, AFTERNOON), (OPEN, AFTER_CLOSING)],
    ids=["morning", "afternoon", "after-closing"],
)
def test_a_later_load_the_same_day_carries_the_queue_on_as_one_load_would(office, first, second):
    with transaction.atomic():
        one_load = load(office, second)
        expected = today_played(office)
        expected_counts = status_counts(office)
        transaction.set_rollback(True)

    load(office, first)
    at_first = status_counts(office)
    later = load(office, second)

    assert status_counts(office) != at_first, "the queue did not move on"
    assert status_counts(office) == expected_counts
    assert today_played(office) == expected
    assert later.carried_on_today == [office.code] and later.past_days == 0 and later.booked == 0
    # The later load did what one load did after the first load's moment.
    assert 0 < later.arrivals < one_load.arrivals and 0 < later.served < one_load.served
    assert not QueueEvent.objects.filter(at__gt=second).exists()
    assert_nothing_twice(office)
    assert_no_session_holds_more_than_its_places(office)


def test_a_load_after_closing_finishes_the_day_a_load_before_opening_began(office):
    with transaction.atomic():
        load(office, AFTER_CLOSING)
        expected = today_played(office)
        transaction.set_rollback(True)

    load(office, BEFORE_OPENING)
    later = load(office, AFTER_CLOSING)

    summary = day_summary(office=office, now=AFTER_CLOSING)
    assert today_played(office) == expected
    assert later.arrivals > 10 and later.served > 10
    assert (summary["totals"]["waiting"], summary["totals"]["at_counter"]) == (0, 0)
    assert set(summary["status_counts"]) <= {"served", "no_show", "cancelled"}
    assert BookingTransition.objects.filter(booking__date=WEDNESDAY, reason=DAY_END_REASON).exists()
    assert_nothing_twice(office)
    assert_no_session_holds_more_than_its_places(office)


def test_a_load_after_the_day_is_over_keeps_it(office):
    load(office, AFTER_CLOSING)
    before = today_played(office)

    again = load(office, AFTER_CLOSING + dt.timedelta(hours=2))

    assert today_played(office) == before
    assert again.kept_today == [office.code] and again.carried_on_today == []


def test_a_later_load_leaves_alone_what_staff_did_by_hand_in_between(office):
    load(office, OPEN)
    staff = get_user_model().objects.get(username=demo.officer_username(office.code))
    by_hand = OPEN + dt.timedelta(minutes=5)
    # At a counter the demo left busy, the officer serves that person, registers an
    # elderly walk-in and calls them to the counter (the priority line goes first).
    served = today_of(office).filter(status="called").select_related("counter").first()
    counter = served.counter
    queue_served(booking=served, now=by_hand, actor=staff)
    person = demo_people.person(4242)
    walk_in = walkin_register(
        office=office,
        nik=person.nik,
        full_name=person.full_name,
        birth_date=person.birth_date,
        now=by_hand,
        priority_group="elderly",
        actor=staff,
    )
    called = queue_call_next(office=office, counter=counter, now=by_hand, actor=staff)
    assert called == walk_in.booking
    # Someone booked for the afternoon cancels at the desk.
    cancelled = today_of(office).filter(status="confirmed", slot__start=dt.time(13)).first()
    booking_cancel(booking=cancelled, now=by_hand, actor=staff, reason="cancelled_by_staff")
    served_before = today_of(office).filter(status="served").count()

    later = load(office, AFTERNOON)

    served.refresh_from_db()
    called.refresh_from_db()
    cancelled.refresh_from_db()
    assert (served.status, served.served_at) == ("served", by_hand)
    assert (called.status, called.counter, called.called_at) == ("called", counter, by_hand)
    assert (cancelled.status, cancelled.queue_number) == ("cancelled", "")
    for booking in (served, called, cancelled):
        assert not BookingTransition.objects.filter(booking=booking, at__gt=by_hand).exists()
        assert not QueueEvent.objects.filter(booking=booking, at__gt=by_hand).exists()
    # The counter stays with the officer's caller; the others carried on around them.
    assert not QueueEvent.objects.filter(counter=counter, at__gt=by_hand).exists()
    assert later.arrivals > 10 and today_of(office).filter(status="served").count() > served_before + 10
    assert_nothing_twice(office)
    assert_no_session_holds_more_than_its_places(office)
