"""The "full" marks and booking-slot copies each process keeps (production micro-cache on).

A sold-out flood asks about the same few sessions thousands of times a second; each
process remembers the answer for the micro-cache life instead of asking Redis each time.
"""

import datetime as dt

import pytest
from django.core.cache import cache

from applicants.selectors import slot_for_booking
from offices import cache as office_cache
from offices.cache import availability_invalidate, slot_full_and_copy, slot_full_key, slot_mark_full
from tests.factories import SlotFactory


@pytest.fixture(autouse=True)
def _micro_cache_on(settings):
    settings.AVAILABILITY_LOCAL_CACHE_SECONDS = 2
    office_cache.local_clear()
    yield
    office_cache.local_clear()


def test_a_full_mark_seen_once_is_answered_without_the_shared_cache():
    slot_mark_full(41)
    cache.delete(slot_full_key(41))  # as if another process had freed a place

    assert slot_full_and_copy(41)[0]


def test_an_invalidation_in_this_process_forgets_the_mark_at_once(office, django_capture_on_commit_callbacks):
    slot_mark_full(42)

    with django_capture_on_commit_callbacks(execute=True):
        availability_invalidate(office_id=office.id, date=dt.date(2026, 11, 30), slot_ids=(42,))

    assert not slot_full_and_copy(42)[0]
    assert cache.get(slot_full_key(42)) is None


def test_not_full_is_remembered_but_a_mark_made_here_wins():
    assert not slot_full_and_copy(43)[0]
    cache.set(slot_full_key(43), 1)  # marked by another process: this one may lag
    assert not slot_full_and_copy(43)[0]

    slot_mark_full(43)  # this process found the session full itself

    assert slot_full_and_copy(43)[0]


def test_without_the_micro_cache_every_answer_comes_from_the_shared_cache(settings):
    settings.AVAILABILITY_LOCAL_CACHE_SECONDS = 0
    slot_mark_full(44)
    cache.delete(slot_full_key(44))

    assert not slot_full_and_copy(44)[0]


def test_the_session_a_booking_asks_for_is_read_once_per_process(db, django_assert_num_queries):
    slot = SlotFactory()
    with django_assert_num_queries(2):  # its office's day, and every office's that date
        first = slot_for_booking(slot_id=slot.id)
    cache.clear()

    with django_assert_num_queries(0):
        again = slot_for_booking(slot_id=slot.id)

    assert again.id == first.id and again.office.code == slot.office.code


# --- The booking path's copy of a session -------------------------------------------------


def _cached_copy(slot_id):
    return cache.get(office_cache.slot_copy_key(slot_id))


def test_a_session_copy_outlives_the_availability_cache(db, settings, monkeypatch):
    """Room is never read from the copy, so it may live much longer than the counts: on
    a flood over many sessions a 5 s life sent a quarter of the bookings to the database."""
    settings.AVAILABILITY_CACHE_SECONDS = 5
    settings.SLOT_COPY_SECONDS = 300
    slot = SlotFactory()
    lives = {}
    real_set_many = cache.set_many
    monkeypatch.setattr(
        cache,
        "set_many",
        lambda data, timeout: lives.update(dict.fromkeys(data, timeout)) or real_set_many(data, timeout),
    )

    slot_for_booking(slot_id=slot.id)

    assert lives == {office_cache.slot_copy_key(slot.id): 300}


def test_the_first_read_of_a_session_caches_every_session_of_its_office_and_day(db, django_assert_num_queries):
    """A flood's first booking of each of a day's sessions used to read each from the
    database; the day's other sessions now come with the first."""
    from applicants.exceptions import SessionNotFound

    first = SlotFactory()
    same_day = [
        SlotFactory(office=first.office, date=first.date, start=dt.time(10 + n), end=dt.time(11 + n)) for n in range(2)
    ]
    next_day = SlotFactory(office=first.office, date=first.date + dt.timedelta(days=1))
    cache.add(f"warmall:slots:{first.date.isoformat()}", 1)  # the date's first read was made elsewhere
    with django_assert_num_queries(1):
        slot_for_booking(slot_id=first.id)
    office_cache.local_clear()  # another process: the shared cache has them

    with django_assert_num_queries(0):
        copies = [slot_for_booking(slot_id=slot.id) for slot in same_day]
    assert [(c.id, c.start, c.office.code) for c in copies] == [(s.id, s.start, s.office.code) for s in same_day]
    assert _cached_copy(next_day.id) is None
    with django_assert_num_queries(1), pytest.raises(SessionNotFound):
        slot_for_booking(slot_id=10**9)


def test_the_first_read_of_a_date_caches_every_offices_sessions_that_day(db, django_assert_num_queries):
    """At a launch the first bookings of a hundred offices' days each read their own day,
    in every worker at once; the first one now reads them all, once per copy life."""
    first = SlotFactory()
    elsewhere = [SlotFactory(date=first.date) for _ in range(3)]
    closed_office = SlotFactory(date=first.date, office__online_booking=False)
    next_day = SlotFactory(office=elsewhere[0].office, date=first.date + dt.timedelta(days=1))

    with django_assert_num_queries(2):
        slot_for_booking(slot_id=first.id)
    office_cache.local_clear()  # another process: the shared cache has them

    with django_assert_num_queries(0):
        copies = [slot_for_booking(slot_id=slot.id) for slot in elsewhere]
    assert [(c.id, c.office.code) for c in copies] == [(s.id, s.office.code) for s in elsewhere]
    assert _cached_copy(closed_office.id) is None
    assert _cached_copy(next_day.id) is None

    # Within the copy life a date is read for every office once: a forgotten copy (a
    # session changed, a place given back) reads its own day again.
    cache.delete(office_cache.slot_copy_key(elsewhere[1].id))
    office_cache.local_clear()
    with django_assert_num_queries(1):
        slot_for_booking(slot_id=elsewhere[1].id)
    # Another date is read for every office on its own first miss.
    with django_assert_num_queries(2):
        slot_for_booking(slot_id=next_day.id)


def test_the_date_is_read_for_every_office_again_when_the_copies_have_expired(db, settings, monkeypatch):
    settings.SLOT_COPY_SECONDS = 300
    first = SlotFactory()
    claims = []
    real_add = cache.add
    monkeypatch.setattr(
        cache, "add", lambda key, value, timeout: claims.append((key, timeout)) or real_add(key, value, timeout)
    )

    slot_for_booking(slot_id=first.id)

    assert claims == [(f"warmall:slots:{first.date.isoformat()}", 300)]


def test_a_request_asks_the_shared_cache_once_when_it_has_no_copy(db, django_assert_num_queries, monkeypatch):
    slot = SlotFactory()
    calls = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: calls.append(keys) or real_get_many(keys))

    # The booking path asks "full?" first, then for the session itself.
    assert not slot_full_and_copy(slot.id)[0]
    with django_assert_num_queries(2):  # its office's day, and every office's that date
        slot_for_booking(slot_id=slot.id)

    assert len(calls) == 1


def test_saving_a_session_forgets_its_copy(db, django_capture_on_commit_callbacks):
    slot = SlotFactory()
    slot_for_booking(slot_id=slot.id)

    with django_capture_on_commit_callbacks(execute=True):
        slot.end = dt.time(16, 30)
        slot.save()

    assert _cached_copy(slot.id) is None
    assert slot_for_booking(slot_id=slot.id).end == dt.time(16, 30)


def test_saving_the_office_forgets_the_copies_of_its_sessions(db, django_capture_on_commit_callbacks):
    slot = SlotFactory()
    other = SlotFactory()
    slot_for_booking(slot_id=slot.id)
    slot_for_booking(slot_id=other.id)

    with django_capture_on_commit_callbacks(execute=True):
        slot.office.online_booking = False
        slot.office.save()

    assert _cached_copy(slot.id) is None
    assert _cached_copy(other.id) is not None
    assert slot_for_booking(slot_id=slot.id).office.online_booking is False


def test_closing_a_session_forgets_its_copy(db, django_capture_on_commit_callbacks):
    from offices.services.closures import closure_create

    slot = SlotFactory(date=dt.date(2026, 12, 7), start=dt.time(8), end=dt.time(10))
    slot_for_booking(slot_id=slot.id)

    with django_capture_on_commit_callbacks(execute=True):
        closure_create(
            office=slot.office,
            date=slot.date,
            start=slot.start,
            kind="local",
            reason="Rapat",
            actor=None,
            now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        )

    assert _cached_copy(slot.id) is None
    assert slot_for_booking(slot_id=slot.id).closed


@pytest.fixture
def monotonic(monkeypatch):
    """The clock of the per-process cache: ``monotonic.now`` seconds."""

    class Clock:
        now = 1000.0

        @staticmethod
        def monotonic():
            return Clock.now

    monkeypatch.setattr(office_cache, "time", Clock)
    return Clock


def test_not_full_is_kept_longer_than_full(monotonic):
    """A stale "not full" costs one trip down the booking path (which marks the session
    full here); a stale "full" would hide a freed place, so it is kept shorter."""
    assert not slot_full_and_copy(45)[0]
    slot_mark_full(46)
    cache.set(slot_full_key(45), 1)  # both changed by another process
    cache.delete(slot_full_key(46))

    monotonic.now += 2.5  # past the micro-cache life (2 s), within SLOT_LOCAL_SECONDS

    assert not slot_full_and_copy(45)[0]
    assert not slot_full_and_copy(46)[0]
    monotonic.now += 10
    assert slot_full_and_copy(45)[0]


def test_a_session_copy_is_kept_in_the_process_for_slot_local_seconds(db, monotonic, django_assert_num_queries):
    slot = SlotFactory()
    slot_for_booking(slot_id=slot.id)
    cache.clear()

    monotonic.now += office_cache.SLOT_LOCAL_SECONDS - 1
    with django_assert_num_queries(0):
        slot_for_booking(slot_id=slot.id)
    monotonic.now += 2
    with django_assert_num_queries(2):  # the emptied cache lost the date's claim too
        slot_for_booking(slot_id=slot.id)
