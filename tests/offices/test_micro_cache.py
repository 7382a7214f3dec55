"""The per-process micro-cache in front of the shared availability cache (production)."""

import datetime as dt
import time

import pytest
import time_machine
from django.core.cache import cache

from offices import cache as office_cache
from offices.models import Slot
from offices.services import slot_set_capacity
from tests.conftest import record_requests
from tests.offices.conftest import RELEASE_NOW

NOW = RELEASE_NOW
URL = "/api/v1/offices/surabaya/availability/?start=2026-11-30&days=1"


@pytest.fixture(autouse=True)
def _micro_cache_on(micro_cache_on):
    return micro_cache_on


@pytest.fixture
def office(released_office):
    return released_office


def first_available(client) -> int:
    return client.get(URL).json()["days"][0]["sessions"][0]["available"]


def test_a_repeated_read_is_answered_from_the_process_without_the_shared_cache(client, office):
    with time_machine.travel(NOW, tick=False):
        before = first_available(client)
        cache.clear()  # the shared cache is gone; the process still has the answer
        Slot.objects.filter(office=office, date=dt.date(2026, 11, 30), start=dt.time(8), track="regular").update(
            booked=5
        )

        assert first_available(client) == before


def test_an_invalidation_in_this_process_drops_the_kept_answer(client, office, django_capture_on_commit_callbacks):
    slot = Slot.objects.get(office=office, date=dt.date(2026, 11, 30), start=dt.time(8), track="regular")
    with time_machine.travel(NOW, tick=False):
        assert first_available(client) == 10

        with django_capture_on_commit_callbacks(execute=True):
            slot_set_capacity(slot=slot, capacity=4, actor=None, now=NOW)

        assert first_available(client) == 4


def test_an_answer_is_never_kept_past_the_life_of_its_oldest_data(client, office, settings, monkeypatch):
    from offices.selectors import availability

    # The shared cache keeps these days for the whole life (each office's is cut at random).
    monkeypatch.setattr(availability, "availability_entry_ttl", lambda: settings.AVAILABILITY_CACHE_SECONDS)
    with time_machine.travel(NOW, tick=False):
        client.get(URL)  # the shared cache now holds the day, read at NOW
    office_cache.local_clear()

    with time_machine.travel(NOW + dt.timedelta(seconds=settings.AVAILABILITY_CACHE_SECONDS - 0.5), tick=False):
        client.get(URL)  # built from the shared entry, which has 0.5 s of life left

    [(expires, _)] = [item for key, item in office_cache._local.items() if key[0] == "availability"]
    assert expires - time.monotonic() <= 0.5


def test_with_the_micro_cache_off_nothing_is_kept(client, office, settings):
    settings.AVAILABILITY_LOCAL_CACHE_SECONDS = 0
    with time_machine.travel(NOW, tick=False):
        client.get(URL)

    assert office_cache._local == {}


def test_an_answer_kept_in_one_language_is_not_sent_in_another(client, office):
    """A day's reason is translated: the kept answer is one per language."""
    office.online_booking = False
    office.save()
    with time_machine.travel(NOW, tick=False):
        indonesian = client.get(URL, HTTP_ACCEPT_LANGUAGE="id").json()["days"][0]["reason"]
        english = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").json()["days"][0]["reason"]

    assert indonesian != english
    assert english == "Online booking is not available at this office."


def test_a_kept_answer_is_sent_without_the_drf_view_and_like_it(client, office, monkeypatch):
    """Nine launch-day reads in ten are such hits; DRF's dispatch cost more than the hit."""
    from offices import api

    methods = record_requests(monkeypatch, api, "_availability_drf_view", note=lambda request: request.method)
    with time_machine.travel(NOW, tick=False):
        through_drf = client.get(URL)
        kept = client.get(URL)
        head = client.head(URL)

    assert methods == ["GET", "HEAD"]
    assert kept.content == through_drf.content
    assert dict(kept.headers) == dict(through_drf.headers)
    assert kept["Allow"] == "GET, HEAD, OPTIONS"
    assert head.status_code == 200


def test_saving_the_office_drops_the_kept_answer(client, office, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        assert client.get(URL).json()["days"][0]["status"] == "open"

        office.online_booking = False
        with django_capture_on_commit_callbacks(execute=True):
            office.save()

        assert client.get(URL).json()["days"][0]["status"] == "closed"
