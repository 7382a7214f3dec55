"""The TV board and the public queue show a call only while it lasts: once the person is
served or missed, "now calling" and the counter's tile let go of the number."""

import re

import pytest
from django.urls import reverse

from applicants.models import BookingStatus
from applicants.services.queue import queue_call_next, queue_missed, queue_served
from tests.staff.conftest import at, board_state

pytestmark = pytest.mark.django_db


def _board(client, office) -> dict[str, object]:
    html = client.get(reverse("display-board", args=[office.display_token]), HTTP_ACCEPT_LANGUAGE="en").text
    counters = re.search(r"<ul data-counters>(.*?)</ul>", html, re.S).group(1)
    return {
        "now_calling": re.search(r"data-latest-number>(.*?)</p>", html).group(1),
        "tiles": re.findall(
            r'<li class="(\w+)"><span class="display-counter-name">(.*?)</span><span[^>]*>(.*?)</span>', counters
        ),
        "recent": re.findall(r"<li><span>(.*?)</span>", re.search(r"<ol data-recent>(.*?)</ol>", html, re.S).group(1)),
    }


def test_a_number_missed_twice_leaves_the_call_and_its_counter(client, office, desk, officer, two_waiting):
    first = queue_call_next(office=office, counter=desk, now=at(8, 10), actor=officer)
    queue_missed(booking=first, now=at(8, 12), actor=officer)
    second = queue_call_next(office=office, counter=desk, now=at(8, 13), actor=officer)
    queue_served(booking=second, now=at(8, 20), actor=officer)
    again = queue_call_next(office=office, counter=desk, now=at(8, 21), actor=officer)
    assert again.id == first.id
    assert queue_missed(booking=again, now=at(8, 25), actor=officer).status == BookingStatus.NO_SHOW

    state = board_state(client, office)

    assert state["calling"] is None
    assert state["counters"] == [
        {"counter": "Loket 1", "queue_number": "A-001", "at": at(8, 21).isoformat(), "serving": False}
    ]
    # Called, missed and called again: listed once, at its latest call.
    assert [(r["queue_number"], r["at"]) for r in state["recent"]] == [
        ("A-001", at(8, 21).isoformat()),
        ("A-002", at(8, 13).isoformat()),
    ]
    assert _board(client, office) == {
        "now_calling": "–",
        "tiles": [("free", "Loket 1", "Free")],
        "recent": ["A-001", "A-002"],
    }


def test_once_everyone_is_served_nobody_is_called_and_every_counter_is_free(
    client, office, desk, desk2, officer, two_waiting
):
    first = queue_call_next(office=office, counter=desk, now=at(8, 10), actor=officer)
    second = queue_call_next(office=office, counter=desk2, now=at(8, 11), actor=officer)
    queue_served(booking=second, now=at(8, 15), actor=officer)
    queue_served(booking=first, now=at(8, 16), actor=officer)

    state = board_state(client, office)

    assert state["calling"] is None
    assert [c["serving"] for c in state["counters"]] == [False, False]
    board = _board(client, office)
    assert board["now_calling"] == "–"
    assert board["tiles"] == [("free", "Loket 1", "Free"), ("free", "Loket 2", "Free")]
    assert board["recent"] == ["A-002", "A-001"]


def test_when_the_latest_call_ends_an_earlier_one_still_live_is_the_call(
    client, office, desk, desk2, officer, two_waiting
):
    queue_call_next(office=office, counter=desk, now=at(8, 10), actor=officer)
    later = queue_call_next(office=office, counter=desk2, now=at(8, 11), actor=officer)
    assert board_state(client, office)["calling"]["queue_number"] == "A-002"

    queue_served(booking=later, now=at(8, 15), actor=officer)

    state = board_state(client, office)
    assert (state["calling"]["queue_number"], state["calling"]["counter"]) == ("A-001", "Loket 1")
    assert [(c["counter"], c["serving"]) for c in state["counters"]] == [("Loket 1", True), ("Loket 2", False)]
    board = _board(client, office)
    assert board["now_calling"] == "A-001"
    assert board["tiles"] == [("serving", "Loket 1", "A-001"), ("free", "Loket 2", "Free")]
    # The call shown above is not repeated among the numbers called before.
    assert board["recent"] == ["A-002"]


def test_a_number_still_called_at_another_counter_is_not_among_those_called_before(
    client, office, desk, desk2, officer, two_waiting
):
    """A-001, still called at Loket 1 behind the later call at Loket 2, showed twice: on its
    counter's tile and among the numbers called before."""
    first = queue_call_next(office=office, counter=desk, now=at(8, 10), actor=officer)
    queue_call_next(office=office, counter=desk2, now=at(8, 11), actor=officer)

    state = board_state(client, office)

    assert state["calling"]["queue_number"] == "A-002"
    assert state["recent"] == []
    board = _board(client, office)
    assert board["tiles"] == [("serving", "Loket 1", "A-001"), ("serving", "Loket 2", "A-002")]
    assert board["recent"] == []

    # Missed, A-001's call is over: it is a number called before (while back in the line).
    queue_missed(booking=first, now=at(8, 12), actor=officer)

    assert [r["queue_number"] for r in board_state(client, office)["recent"]] == ["A-001"]
    assert _board(client, office)["recent"] == ["A-001"]


def test_now_calling_looks_idle_while_nobody_is_called(client, office, desk, officer, two_waiting):
    """With nobody called, "Now calling" kept the bright look of a call, with a "–" in it."""

    def latest_box() -> str:
        html = client.get(reverse("display-board", args=[office.display_token])).text
        return re.search(r'<section class="display-latest[^"]*"', html).group(0)

    assert latest_box() == '<section class="display-latest is-idle"'

    called = queue_call_next(office=office, counter=desk, now=at(8, 10), actor=officer)
    assert latest_box() == '<section class="display-latest"'

    queue_served(booking=called, now=at(8, 15), actor=officer)
    assert latest_box() == '<section class="display-latest is-idle"'


def test_the_public_queue_page_shows_a_counter_free_once_its_person_was_served(
    client, office, desk, desk2, officer, two_waiting
):
    first = queue_call_next(office=office, counter=desk, now=at(8, 10), actor=officer)
    queue_call_next(office=office, counter=desk2, now=at(8, 11), actor=officer)
    queue_served(booking=first, now=at(8, 15), actor=officer)

    page = client.get(reverse("office-queue", args=[office.code]), HTTP_ACCEPT_LANGUAGE="id").text
    counters = re.search(r"<ul class=\"queue-counters\"[^>]*>(.*?)</ul>", page, re.S).group(1)

    assert re.findall(r"<li><span>(.*?)</span> <(?:strong|span class=\"muted\")>(.*?)<", counters) == [
        ("Loket 1", "Kosong"),
        ("Loket 2", "A-002"),
    ]
    api = client.get(f"/api/v1/offices/{office.code}/queue/").json()
    assert [(c["counter"], c["queue_number"], c["serving"]) for c in api["counters"]] == [
        ("Loket 1", "A-001", False),
        ("Loket 2", "A-002", True),
    ]
