"""The public queue's estimated wait for a newcomer counts the people they would wait
behind: with no one ahead it says so, never "about 6 minutes" or "less than a minute"."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from applicants.services.checkin import checkin_confirm
from applicants.services.queue import queue_call_next, queue_served
from offices.models import Track
from tests.staff.conftest import at, make_booking
from tests.staff.test_waits import QUEUE_EMPTY, _track_wait

pytestmark = pytest.mark.django_db


@pytest.fixture
def regulars_waiting(office, slots, desk, officer, morning):
    """08:30: three regulars called at Loket 1 in the last half hour (one every 10 minutes),
    two more waiting; no express or priority number checked in."""
    people = [make_booking(slots[(dt.time(8), Track.REGULAR)]) for _ in range(5)]
    for n, booking in enumerate(people):
        checkin_confirm(office=office, booking=booking, now=at(8, 0) + dt.timedelta(seconds=n))
    for minute in (5, 15, 25):
        called = queue_call_next(office=office, counter=desk, now=at(8, minute), actor=officer)
        queue_served(booking=called, now=at(8, minute + 4), actor=officer)
    return people


def _tracks(client, office) -> dict[str, dict]:
    cache.clear()
    data = client.get(f"/api/v1/offices/{office.code}/queue/", HTTP_ACCEPT_LANGUAGE="en").json()
    return {t["track"]: t for t in data["tracks"]}


def _page(client, office) -> str:
    cache.clear()
    return client.get(reverse("office-queue", args=[office.code]), HTTP_ACCEPT_LANGUAGE="id").text


def test_with_no_desk_of_its_own_an_express_newcomer_waits_behind_everyone_and_is_told_why(
    client, office, regulars_waiting
):
    express = _tracks(client, office)["express"]

    # The counters call every track in one order: the two regulars go first.
    assert (express["waiting"], express["ahead"], express["estimated_wait_minutes"]) == (0, 2, 20)
    page = _page(client, office)
    card = page.split('data-track="express"', 1)[1].split("</li>", 1)[0]
    assert 'data-field="waiting">0<' in card and 'data-field="ahead">2<' in card


def test_an_express_desk_with_no_express_number_waiting_means_no_wait(client, office, regulars_waiting):
    from applicants.services.queue import counter_open

    counter_open(office=office, name="Loket 3 Percepatan", track=Track.EXPRESS, now=at(8))

    tracks = _tracks(client, office)

    express = tracks["express"]
    assert (express["ahead"], express["estimated_wait_minutes"], express["estimated_wait_reason"]) == (
        0,
        None,
        "queue_empty",
    )
    assert express["estimated_wait_text"] == QUEUE_EMPTY[0]
    assert (tracks["regular"]["ahead"], tracks["regular"]["estimated_wait_minutes"]) == (2, 20)
    assert _track_wait(_page(client, office), "express") == QUEUE_EMPTY[1]


def test_with_nobody_waiting_the_queue_says_so_and_not_less_than_a_minute(
    client, office, desk, officer, regulars_waiting
):
    for _ in range(2):
        queue_served(booking=queue_call_next(office=office, counter=desk, now=at(8, 28), actor=officer), now=at(8, 29))

    tracks = _tracks(client, office)

    for track in tracks.values():
        assert (track["ahead"], track["estimated_wait_minutes"], track["estimated_wait_reason"]) == (
            0,
            None,
            "queue_empty",
        )
        assert track["estimated_wait_text"] == QUEUE_EMPTY[0]
    assert _track_wait(_page(client, office), "regular") == QUEUE_EMPTY[1]


def test_both_lines_speak_to_the_reader_checking_in_now(client, office, regulars_waiting):
    """ "Ahead of a newcomer: 0" left the reader to work out who the newcomer was."""
    page = _page(client, office)
    cache.clear()
    english = client.get(reverse("office-queue", args=[office.code]), HTTP_ACCEPT_LANGUAGE="en").text

    assert "Di depan Anda jika check-in sekarang" in page
    assert "Waktu tunggu Anda jika check-in sekarang" in page and "baru tiba" not in page
    assert "Ahead of you if you check in now" in english
    assert "Your wait if you check in now" in english and "newcomer" not in english
