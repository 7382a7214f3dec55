"""What applicants see per day: open, full, closed, not released; and the cache behind it."""

import datetime as dt

import pytest
from django.core.cache import cache

from offices.cache import availability_invalidate, availability_key
from offices.models import Closure, DateOverride, Office, Slot
from offices.selectors import office_availability
from offices.services import closure_create, closure_lift, offices_release, slot_set_capacity
from offices.services.capacity import slot_take
from tests import factories
from tests.offices.conftest import weekly_office

WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=WIB)  # Wednesday
MONDAY = dt.date(2026, 11, 30)


def day(office, date, now=NOW) -> dict:
    return office_availability(office=office, start=date, days=1, now=now)[0]


@pytest.fixture
def office(weekly):
    offices_release(now=NOW)
    return weekly


def slot(office, date=MONDAY, start=dt.time(8), track="regular") -> Slot:
    return Slot.objects.get(office=office, date=date, start=start, track=track)


def test_an_open_day_lists_each_session_and_track_with_room(office):
    monday = day(office, MONDAY)

    assert monday["status"] == "open"
    assert monday["reason"] is None and monday["release_at"] is None
    assert [(s["start"], s["end"], s["track"], s["capacity"]) for s in monday["sessions"][:3]] == [
        ("08:00", "10:00", "regular", 10),
        ("08:00", "10:00", "express", 2),
        ("08:00", "10:00", "priority", 1),
    ]
    assert len(monday["sessions"]) == 9
    assert monday["sessions"][0]["id"] == slot(office).id


def test_available_is_capacity_minus_reserved_minus_booked_and_never_negative(office):
    Slot.objects.filter(pk=slot(office).pk).update(booked=6, reserved=3)
    Slot.objects.filter(pk=slot(office, track="express").pk).update(booked=2, reserved=1)

    sessions = day(office, MONDAY)["sessions"]

    assert sessions[0]["available"] == 1
    assert sessions[1]["available"] == 0


def test_a_day_with_no_room_in_any_session_is_full(office):
    Slot.objects.filter(office=office, date=MONDAY).update(booked=1, capacity=1)

    monday = day(office, MONDAY)

    assert monday["status"] == "full"
    assert {s["available"] for s in monday["sessions"]} == {0}


def test_room_left_only_in_the_priority_track_is_a_full_day_online(office, settings):
    # Priority places are for people served at the office: a booking for them is refused
    # online, so they neither keep a day open nor show room.
    settings.BOOKING_ONLINE_PRIORITY_TRACK = False
    Slot.objects.filter(office=office, date=MONDAY).exclude(track="priority").update(booked=1, capacity=1)

    monday = day(office, MONDAY)

    assert monday["status"] == "full"
    priority = [s for s in monday["sessions"] if s["track"] == "priority"]
    assert priority and {s["available"] for s in priority} == {0}


def test_priority_room_counts_where_priority_may_be_booked_online(office, settings):
    settings.BOOKING_ONLINE_PRIORITY_TRACK = True
    Slot.objects.filter(office=office, date=MONDAY).exclude(track="priority").update(booked=1, capacity=1)

    monday = day(office, MONDAY)

    assert monday["status"] == "open"
    assert [s["available"] for s in monday["sessions"] if s["track"] == "priority"][0] == 1


def test_a_day_whose_online_sessions_are_all_closed_is_closed(office, settings):
    settings.BOOKING_ONLINE_PRIORITY_TRACK = False
    Slot.objects.filter(office=office, date=MONDAY).exclude(track="priority").update(
        closed=True, closed_reason="Rapat dinas"
    )

    monday = day(office, MONDAY)

    assert monday["status"] == "closed"
    assert monday["reason"] == "Rapat dinas"


def test_today_and_the_past_are_closed_for_online_booking(office):
    today = day(office, dt.date(2026, 11, 25))

    assert today["status"] == "closed"
    assert today["sessions"] and {s["available"] for s in today["sessions"]} == {0}


def test_a_weekend_without_sessions_is_closed(office):
    saturday = day(office, dt.date(2026, 11, 28))

    assert saturday == {"date": "2026-11-28", "status": "closed", "reason": None, "release_at": None, "sessions": []}


def test_a_date_beyond_the_window_is_not_released_and_says_when_it_opens(office):
    beyond = day(office, dt.date(2026, 12, 28))

    assert beyond["status"] == "not_released"
    assert beyond["sessions"] == []
    assert beyond["release_at"] == "2026-11-28T00:00:00+07:00"


def test_an_unreleased_batch_date_is_not_released_although_its_rows_exist(db):
    batam = weekly_office(
        "batam", release_policy=Office.ReleasePolicy.BATCH, release_weekday=4, release_time=dt.time(14)
    )
    offices_release(now=NOW)

    wednesday = day(batam, dt.date(2026, 12, 2))

    assert Slot.objects.filter(office=batam, date=dt.date(2026, 12, 2)).exists()
    assert wednesday["status"] == "not_released"
    assert wednesday["release_at"] == "2026-11-27T14:00:00+07:00"
    assert day(batam, dt.date(2026, 12, 2), now=dt.datetime(2026, 11, 27, 14, tzinfo=WIB))["status"] == "open"


def test_a_closed_day_shows_closed_with_its_reason(office):
    closure_create(office=office, date=MONDAY, start=None, kind="local", reason="Listrik padam", actor=None, now=NOW)

    monday = day(office, MONDAY)

    assert monday["status"] == "closed"
    assert monday["reason"] == "Listrik padam"
    assert {s["available"] for s in monday["sessions"]} == {0}


def test_a_closed_session_leaves_the_rest_of_the_day_open(office):
    closure_create(
        office=office, date=MONDAY, start=dt.time(8), kind="local", reason="Rapat dinas", actor=None, now=NOW
    )

    monday = day(office, MONDAY)

    assert monday["status"] == "open"
    assert [s["available"] for s in monday["sessions"] if s["start"] == "08:00"] == [0, 0, 0]
    # regular, express, priority (not bookable online by default)
    assert [s["available"] for s in monday["sessions"] if s["start"] == "10:00"] == [10, 2, 0]


def test_every_session_closed_makes_the_day_closed_with_the_reason(office):
    for start in (dt.time(8), dt.time(10), dt.time(13)):
        closure_create(
            office=office, date=MONDAY, start=start, kind="outage", reason="Server down", actor=None, now=NOW
        )

    assert (day(office, MONDAY)["status"], day(office, MONDAY)["reason"]) == ("closed", "Server down")


def test_a_national_holiday_closes_every_office(office):
    other = weekly_office("makassar", timezone="Asia/Makassar")
    offices_release(now=NOW)
    christmas_eve = dt.date(2026, 12, 24)

    closure_create(
        office=None,
        date=christmas_eve,
        start=None,
        kind="cuti_bersama",
        reason="Cuti Bersama Natal",
        actor=None,
        now=NOW,
    )

    for each in (office, other):
        assert day(each, christmas_eve)["status"] == "closed"
        assert day(each, christmas_eve)["reason"] == "Cuti Bersama Natal"


def test_an_unreleased_date_known_to_be_closed_shows_closed(office):
    Closure.objects.create(office=None, date=dt.date(2027, 1, 1), kind="holiday", reason="Tahun Baru Masehi")

    assert day(office, dt.date(2027, 1, 1))["status"] == "closed"


def test_lifting_a_closure_reopens_the_day(office):
    result = closure_create(office=office, date=MONDAY, start=None, kind="local", reason="x", actor=None, now=NOW)

    closure_lift(closure=result.closure, actor=None, now=NOW)

    assert day(office, MONDAY)["status"] == "open"


def test_an_override_replaces_the_weekly_sessions_of_its_date(db):
    office = weekly_office("denpasar", timezone="Asia/Makassar")
    DateOverride.objects.create(
        office=office,
        date=MONDAY,
        start=dt.time(9),
        end=dt.time(11, 30),
        capacity_regular=40,
        note="Pelayanan akhir pekan",
    )
    offices_release(now=NOW)

    monday = day(office, MONDAY)

    assert [(s["start"], s["end"], s["track"], s["capacity"]) for s in monday["sessions"]] == [
        ("09:00", "11:30", "regular", 40)
    ]
    assert len(day(office, dt.date(2026, 12, 1))["sessions"]) == 9


def test_an_office_with_online_booking_off_shows_every_day_closed(db):
    office = weekly_office("ulp-wamena", timezone="Asia/Jayapura", online_booking=False)
    offices_release(now=NOW)

    monday = day(office, MONDAY)

    assert monday["status"] == "closed"
    assert monday["reason"]
    assert {s["available"] for s in monday["sessions"]} == {0}


# --- the cache ------------------------------------------------------------------


def test_a_cached_day_is_served_without_the_database(office, django_assert_num_queries):
    day(office, MONDAY)

    with django_assert_num_queries(0):
        assert day(office, MONDAY)["status"] == "open"


def test_the_cache_is_really_used_until_invalidated(office):
    before = day(office, MONDAY)["sessions"][0]["available"]
    Slot.objects.filter(pk=slot(office).pk).update(booked=4)  # behind the cache's back

    assert day(office, MONDAY)["sessions"][0]["available"] == before
    cache.delete(availability_key(office.id, MONDAY))
    assert day(office, MONDAY)["sessions"][0]["available"] == before - 4


def test_a_booking_invalidates_the_day_on_commit(office, django_capture_on_commit_callbacks):
    day(office, MONDAY)

    with django_capture_on_commit_callbacks(execute=True):
        assert slot_take(slot_id=slot(office).id)
        availability_invalidate(office_id=office.id, date=MONDAY, slot_ids=(slot(office).id,))

    assert day(office, MONDAY)["sessions"][0]["available"] == 9


def test_a_capacity_change_invalidates_the_day(office, django_capture_on_commit_callbacks):
    day(office, MONDAY)

    with django_capture_on_commit_callbacks(execute=True):
        slot_set_capacity(slot=slot(office), capacity=3, actor=None, now=NOW)

    assert day(office, MONDAY)["sessions"][0]["capacity"] == 3


def test_a_closure_invalidates_the_day(office, django_capture_on_commit_callbacks):
    day(office, MONDAY)

    with django_capture_on_commit_callbacks(execute=True):
        closure_create(office=office, date=MONDAY, start=None, kind="outage", reason="Banjir", actor=None, now=NOW)

    assert day(office, MONDAY)["status"] == "closed"


def test_a_national_closure_invalidates_offices_without_rows_that_day(office, django_capture_on_commit_callbacks):
    saturday = dt.date(2026, 11, 28)
    assert day(office, saturday)["reason"] is None

    with django_capture_on_commit_callbacks(execute=True):
        closure_create(office=None, date=saturday, start=None, kind="holiday", reason="Libur", actor=None, now=NOW)

    assert day(office, saturday)["reason"] == "Libur"


def test_invalidation_waits_for_the_commit(office, django_capture_on_commit_callbacks):
    day(office, MONDAY)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        slot_set_capacity(slot=slot(office), capacity=3, actor=None, now=NOW)
        assert day(office, MONDAY)["sessions"][0]["capacity"] == 10  # not yet committed: still cached

    assert callbacks


@pytest.mark.redis
def test_invalidation_works_against_redis(office, django_capture_on_commit_callbacks, settings):
    assert "Redis" in settings.CACHES["default"]["BACKEND"]
    day(office, MONDAY)
    assert cache.get(availability_key(office.id, MONDAY)) is not None

    with django_capture_on_commit_callbacks(execute=True):
        slot_set_capacity(slot=slot(office), capacity=5, actor=None, now=NOW)

    assert cache.get(availability_key(office.id, MONDAY)) is None
    assert day(office, MONDAY)["sessions"][0]["capacity"] == 5


def test_a_new_factory_slot_appears_after_materialization_invalidates(db, django_capture_on_commit_callbacks):
    office = factories.OfficeFactory(code="kalianda")
    assert day(office, MONDAY)["sessions"] == []
    factories.SessionTemplateFactory(office=office, weekday=0)

    with django_capture_on_commit_callbacks(execute=True):
        offices_release(now=NOW)

    assert day(office, MONDAY)["status"] == "open"


def test_each_office_s_cached_days_get_their_own_life_never_longer_than_the_cache_life(settings):
    """Days cached together must not all expire together: after a cold start every
    office's days were read again from PostgreSQL in the same instant, every cache life."""
    from offices import cache as office_cache

    settings.AVAILABILITY_CACHE_SECONDS = 5
    assert {office_cache.availability_entry_ttl() for _ in range(500)} == {3, 4, 5}  # whole seconds, as Redis keeps

    settings.AVAILABILITY_CACHE_SECONDS = 1
    assert office_cache.availability_entry_ttl() == 1


def test_an_office_s_days_are_stored_with_that_life(office, monkeypatch):
    from offices.selectors import availability

    stored = []
    real = availability.cache.set_many

    def spy(data, timeout=None):
        stored.append((sorted(data), timeout))
        return real(data, timeout)

    monkeypatch.setattr(availability, "availability_entry_ttl", lambda: 4)
    monkeypatch.setattr(availability.cache, "set_many", spy)
    office_availability(office=office, start=MONDAY, days=2, now=NOW)

    tuesday = MONDAY + dt.timedelta(days=1)
    assert stored == [(sorted([availability_key(office.id, MONDAY), availability_key(office.id, tuesday)]), 4)]


# --- a cold cache: every office read at once ------------------------------------------


@pytest.fixture
def reads(monkeypatch):
    """The offices whose days each database read covered, in order."""
    from offices.selectors import availability

    calls = []
    real = availability._day_entries_from_db

    def spy(office_ids, dates, now):
        calls.append(sorted(office_ids))
        return real(office_ids, dates, now)

    monkeypatch.setattr(availability, "_day_entries_from_db", spy)
    return calls


@pytest.fixture
def three_offices(office):
    """``office``, another open office, and a closed (inactive) one, all released."""
    other = weekly_office("malang")
    gone = weekly_office("kediri", is_active=False)
    offices_release(now=NOW)
    return office, other, gone


def test_a_read_from_a_cold_cache_caches_every_active_office_s_days(three_offices, reads, django_assert_num_queries):
    office, other, gone = three_offices
    office_availability(office=office, start=MONDAY, days=3, now=NOW)

    assert reads == [sorted([office.id, other.id])]
    with django_assert_num_queries(0):
        assert office_availability(office=other, start=MONDAY, days=3, now=NOW)[0]["status"] == "open"
    assert cache.get(availability_key(gone.id, MONDAY)) is None


def test_the_days_read_for_every_office_are_those_read_for_one(three_offices):
    from offices.selectors.availability import _day_entries_from_db

    office, other, _ = three_offices
    closure_create(office=other, date=MONDAY, start=None, kind="outage", reason="Banjir", actor=None, now=NOW)
    closure_create(
        office=None, date=MONDAY + dt.timedelta(days=1), start=None, kind="holiday", reason="Libur", actor=None, now=NOW
    )
    Slot.objects.filter(pk=slot(other, MONDAY + dt.timedelta(days=2)).pk).update(booked=4)
    cache.clear()
    dates = [MONDAY + dt.timedelta(days=n) for n in range(3)]

    office_availability(office=office, start=MONDAY, days=3, now=NOW)

    alone = _day_entries_from_db([other.id], dates, NOW)[other.id]
    assert {date: cache.get(availability_key(other.id, date)) for date in dates} == alone
    assert alone[MONDAY]["closure"] == "Banjir"
    assert alone[dates[1]]["closure"] == "Libur"
    assert alone[dates[2]]["sessions"][0]["available"] == 6


def test_every_office_is_read_at_once_only_once_per_warm_all_seconds(three_offices, reads):
    office, other, _ = three_offices
    office_availability(office=office, start=MONDAY, days=3, now=NOW)
    cache.delete_many([availability_key(other.id, MONDAY + dt.timedelta(days=n)) for n in range(3)])

    office_availability(office=other, start=MONDAY, days=3, now=NOW)

    assert reads == [sorted([office.id, other.id]), [other.id]]


def test_another_window_within_the_claim_is_read_for_its_office_alone(three_offices, reads):
    """Asking for many windows must not make every office be read again for each."""
    office, other, _ = three_offices
    office_availability(office=office, start=MONDAY, days=3, now=NOW)

    office_availability(office=other, start=MONDAY + dt.timedelta(days=7), days=3, now=NOW)

    assert reads == [sorted([office.id, other.id]), [other.id]]


def test_a_long_window_or_a_partly_cached_office_is_read_for_that_office_alone(three_offices, reads):
    from offices.selectors.availability import WARM_ALL_MAX_DAYS

    office, other, _ = three_offices
    office_availability(office=office, start=MONDAY, days=WARM_ALL_MAX_DAYS + 1, now=NOW)
    day(other, MONDAY)  # cold for its one day: every office's Monday
    office_availability(office=other, start=MONDAY, days=2, now=NOW)  # Monday cached, Tuesday not

    assert reads == [[office.id], sorted([office.id, other.id]), [other.id]]


def test_a_cold_office_look_up_remembers_every_active_office(three_offices, django_assert_num_queries):
    from offices.exceptions import OfficeNotFound
    from offices.selectors import office_get

    office, other, gone = three_offices
    with django_assert_num_queries(1):
        assert office_get(code=office.code) == office
    with django_assert_num_queries(0):
        assert office_get(code=other.code) == other
    with django_assert_num_queries(1), pytest.raises(OfficeNotFound):  # not remembered, read alone
        office_get(code=gone.code)


def test_an_unknown_or_inactive_office_is_not_found_on_a_cold_cache(three_offices):
    from offices.exceptions import OfficeNotFound
    from offices.selectors import office_get

    _, other, gone = three_offices
    for code in ("atlantis", gone.code):
        cache.clear()
        with pytest.raises(OfficeNotFound):
            office_get(code=code)
    assert office_get(code=other.code) == other
