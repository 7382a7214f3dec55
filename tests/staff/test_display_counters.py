"""The TV board has a tile for each open counter, whether or not it has called anyone yet
today: a counter showed up only with its first call, so a desk just opened was missing."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from applicants.models import ServiceCounter
from applicants.services.queue import queue_call_next, queue_served
from applicants.views.queue_boards import board_pages
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


@pytest.mark.parametrize(
    ("counters", "pages"),
    [(0, [0]), (1, [1]), (20, [20]), (21, [11, 10]), (26, [13, 13]), (40, [20, 20]), (41, [14, 14, 13])],
)
def test_a_board_shows_twenty_tiles_at_most_at_once_its_pages_as_full_as_each_other(counters, pages):
    board = board_pages(counters=[{"counter": f"Loket {n}"} for n in range(counters)], now=at(8, 30))

    assert [sum(1 for _tile, page in board["tiles"] if page == n) for n in board["range"]] == pages
    assert board["size"] == pages[0]
    # In order: a page holds the counters after those of the page before.
    assert [page for _tile, page in board["tiles"]] == sorted(page for _tile, page in board["tiles"])


def test_the_pages_turn_every_eight_seconds_by_the_clock_for_every_tv_alike():
    counters = [{"counter": f"Loket {n}"} for n in range(41)]
    start = dt.datetime.fromtimestamp(8 * 3 * 1000, tz=dt.UTC)  # page 1 of 3 begins

    shown = [board_pages(counters=counters, now=start + dt.timedelta(seconds=s))["page"] for s in (0, 7.9, 8, 16, 24)]

    assert shown == [0, 0, 1, 2, 0]


def test_the_board_drawn_shows_the_page_of_its_clock(client, office, slots, morning, time_machine):
    for n in range(1, 27):
        ServiceCounter.objects.create(office=office, name=f"Loket {n}")
    now = at(8, 30)
    if now.timestamp() // 8 % 2 == 0:
        now += dt.timedelta(seconds=8)
    time_machine.move_to(now, tick=False)

    html = _counters(client, office, "id")

    shown = re.findall(r'<li class="free"><span class="display-counter-name">(.*?)</span>', html)
    assert shown == [f"Loket {n}" for n in range(14, 27)]
    assert len(re.findall(r'<li class="free" hidden>', html)) == 13
    page = client.get(reverse("display-board", args=[office.display_token]), HTTP_ACCEPT_LANGUAGE="id").text
    assert re.search(r"<span data-page-text>\s*Halaman 2 dari 2\s*</span>", page)
    assert 'data-tiles="13"' in page
