"""The TV board has a tile for each open counter, whether or not it has called anyone yet
today: a counter showed up only with its first call, so a desk just opened was missing."""

import re

import pytest
from django.urls import reverse

from applicants.models import ServiceCounter
from applicants.services.queue import queue_call_next, queue_served
from tests.staff.conftest import at, board_state

pytestmark = pytest.mark.django_db


def _counters(client, office, language="en") -> str:
    html = client.get(reverse("display-board", args=[office.display_token]), HTTP_ACCEPT_LANGUAGE=language).text
    return re.search(r"<ul data-counters>(.*?)</ul>", html, re.S).group(1)


def _tiles(client, office) -> list[tuple[str, str, str]]:
    return re.findall(
        r'<li class="(\w+)"><span class="display-counter-name">(.*?)</span><span[^>]*>(.*?)</span>',
        _counters(client, office),
    )


def test_an_open_counter_that_has_called_nobody_yet_is_a_free_tile_in_its_place(
    client, office, other_office, officer, two_waiting
):
    desks = {name: ServiceCounter.objects.create(office=office, name=name) for name in ("Loket 10", "Loket 2")}
    ServiceCounter.objects.create(office=other_office, name="Loket 3")
    queue_call_next(office=office, counter=desks["Loket 10"], now=at(8, 10), actor=officer)

    state = board_state(client, office)

    assert state["counters"] == [
        {"counter": "Loket 2", "queue_number": None, "at": None, "serving": False},
        {"counter": "Loket 10", "queue_number": "A-001", "at": at(8, 10).isoformat(), "serving": True},
    ]
    assert _tiles(client, office) == [("free", "Loket 2", "Free"), ("serving", "Loket 10", "A-001")]
    api = client.get(f"/api/v1/offices/{office.code}/queue/").json()
    assert [(c["counter"], c["queue_number"], c["serving"]) for c in api["counters"]] == [
        ("Loket 2", None, False),
        ("Loket 10", "A-001", True),
    ]


def test_a_retired_counter_stays_while_its_call_is_live_and_then_leaves_the_board(client, office, officer, two_waiting):
    desk = ServiceCounter.objects.create(office=office, name="Loket 1")
    ServiceCounter.objects.create(office=office, name="Loket 2", is_active=False)
    called = queue_call_next(office=office, counter=desk, now=at(8, 10), actor=officer)
    ServiceCounter.objects.filter(id=desk.id).update(is_active=False)

    assert _tiles(client, office) == [("serving", "Loket 1", "A-001")]

    queue_served(booking=called, now=at(8, 15), actor=officer)

    assert board_state(client, office)["counters"] == []
    assert _tiles(client, office) == []


def test_with_no_counter_open_the_board_says_so(client, office, two_waiting):
    ServiceCounter.objects.create(office=office, name="Loket 1", is_active=False)

    assert board_state(client, office)["counters"] == []
    assert re.findall(r'<li class="display-empty">(.*?)</li>', _counters(client, office, "id")) == [
        "Tidak ada loket yang buka."
    ]


def test_on_a_day_without_service_no_counter_is_shown_free(client, office, morning):
    """No session today (a weekend, a holiday): the open desks are not put up as free."""
    ServiceCounter.objects.create(office=office, name="Loket 1")

    assert board_state(client, office)["counters"] == []
    assert re.findall(r'<li class="display-empty">(.*?)</li>', _counters(client, office)) == ["No counter is open."]
