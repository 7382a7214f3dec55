"""The "full" marks and booking-slot copies each process keeps (production micro-cache on).

A sold-out flood asks about the same few sessions thousands of times a second; each
process remembers the answer for the micro-cache life instead of asking Redis each time.
"""

import datetime as dt

import pytest
from django.core.cache import cache

from applicants.selectors import slot_for_booking
from offices import cache as office_cache
from offices.cache import availability_invalidate, slot_full_key, slot_is_marked_full, slot_mark_full
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

    assert slot_is_marked_full(41)


def test_an_invalidation_in_this_process_forgets_the_mark_at_once(office, django_capture_on_commit_callbacks):
    slot_mark_full(42)

    with django_capture_on_commit_callbacks(execute=True):
        availability_invalidate(office_id=office.id, date=dt.date(2026, 11, 30), slot_ids=(42,))

    assert not slot_is_marked_full(42)
    assert cache.get(slot_full_key(42)) is None


def test_not_full_is_remembered_but_a_mark_made_here_wins():
    assert not slot_is_marked_full(43)
    cache.set(slot_full_key(43), 1)  # marked by another process: this one may lag
    assert not slot_is_marked_full(43)

    slot_mark_full(43)  # this process found the session full itself

    assert slot_is_marked_full(43)


def test_without_the_micro_cache_every_answer_comes_from_the_shared_cache(settings):
    settings.AVAILABILITY_LOCAL_CACHE_SECONDS = 0
    slot_mark_full(44)
    cache.delete(slot_full_key(44))

    assert not slot_is_marked_full(44)


def test_the_session_a_booking_asks_for_is_read_once_per_process(db, django_assert_num_queries):
    slot = SlotFactory()
    with django_assert_num_queries(1):
        first = slot_for_booking(slot_id=slot.id)
    cache.clear()

    with django_assert_num_queries(0):
        again = slot_for_booking(slot_id=slot.id)

    assert again.id == first.id and again.office.code == slot.office.code
