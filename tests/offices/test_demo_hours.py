"""The demo's office side at any hour (``applicants.services.demo``): before opening, while
open, after closing and on a closed day, read through the staff screens' selectors."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings

from applicants.models import Booking, BookingTransition, QueueEvent
from applicants.queue_selectors import WaitUnknown, day_summary, display_state, queue_public
from applicants.services.dayend import DAY_END_REASON
from applicants.services.demo import demo_bookings_load
from applicants.wait_selectors import wait_stats, waits_by_day
from offices.models import Office, Slot

pytestmark = pytest.mark.slow

WITA = ZoneInfo("Asia/Makassar")
WEDNESDAY = dt.date(2026, 11, 25)
FRIDAY = dt.date(2026, 11, 27)
MONDAY = dt.date(2026, 11, 30)
LOADED_AT = dt.datetime(2026, 11, 25, 9, tzinfo=WITA)
BEFORE_OPENING = dt.datetime(2026, 11, 25, 6, tzinfo=WITA)  # check-in opens at 07:00
OPEN = dt.datetime(2026, 11, 25, 11, tzinfo=WITA)
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
    assert board["counters"] == [] and board["recent"] == []
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
    later = load(office, OPEN + dt.timedelta(hours=3))

    assert state() == before
    assert (again.booked, again.past_days, again.arrivals) == (0, 0, 0)
    assert later.kept_today == [office.code] and later.past_days == 0


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


@pytest.mark.parametrize("now", [BEFORE_OPENING, OPEN, AFTER_CLOSING, SATURDAY])
def test_no_session_holds_more_than_its_places(office, now):
    load(office, now)

    slots = Slot.objects.filter(office=office).annotate(
        holders=Count("bookings", filter=Q(bookings__isnull=False) & ~Q(bookings__status__in=RELEASED))
    )
    assert slots.filter(booked__gt=0).count() > 30
    for slot in slots:
        assert slot.booked <= slot.capacity, slot
        assert slot.holders == slot.booked, slot
