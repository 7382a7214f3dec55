"""The TV board and the public queue: numbers and counters only, live, no login."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from applicants.services.checkin import checkin_confirm
from applicants.services.queue import queue_call_next, queue_served
from applicants.services.rollover import service_stop
from offices.models import Track
from tests.staff.conftest import at, make_booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_morning(office, slots, desk, desk2, officer, morning):
    """Three people checked in; A-001 served at Loket 1, A-002 being called at Loket 2."""
    people = [make_booking(slots[(dt.time(8), Track.REGULAR)], name=f"Nama Rahasia {n}") for n in range(3)]
    for minute, booking in enumerate(people):
        checkin_confirm(office=office, booking=booking, now=at(8, minute))
    first = queue_call_next(office=office, counter=desk, now=at(8, 10), actor=officer)
    queue_served(booking=first, now=at(8, 15), actor=officer)
    queue_call_next(office=office, counter=desk2, now=at(8, 20), actor=officer)
    return people


def test_the_board_opens_without_login_by_its_secret_link(client, office, busy_morning):
    response = client.get(reverse("display-board", args=[office.display_token]))

    assert response.status_code == 200
    assert "A-002" in response.text
    assert "Loket 2" in response.text


def test_a_wrong_display_link_is_404(client, office):
    assert client.get(reverse("display-board", args=["not-the-token-at-all"])).status_code == 404
    near_miss = office.display_token[:-1] + ("y" if office.display_token.endswith("x") else "x")
    assert client.get(reverse("display-state", args=[near_miss])).status_code == 404


def test_the_board_state_says_what_each_counter_shows(client, office, busy_morning):
    state = client.get(reverse("display-state", args=[office.display_token])).json()

    assert state["counters"] == [
        {"counter": "Loket 1", "queue_number": "A-001", "at": at(8, 10).isoformat(), "serving": False},
        {"counter": "Loket 2", "queue_number": "A-002", "at": at(8, 20).isoformat(), "serving": True},
    ]
    # A-002 is still being called: on its counter's tile, not yet a number called before.
    assert [r["queue_number"] for r in state["recent"]] == ["A-001"]
    assert state["waiting"] == {"regular": 1, "express": 0, "priority": 0}


def test_the_board_and_the_public_queue_show_no_names(client, office, busy_morning):
    booking = busy_morning[0]
    answers = [
        client.get(reverse("display-board", args=[office.display_token])).content.decode(),
        client.get(reverse("display-state", args=[office.display_token])).content.decode(),
        client.get(f"/api/v1/offices/{office.code}/queue/").content.decode(),
        client.get(reverse("office-queue", args=[office.code])).content.decode(),
    ]

    for text in answers:
        assert "Nama Rahasia" not in text
        assert booking.applicant.nik_masked not in text
        assert booking.code not in text


def test_the_board_page_polls_well_within_two_seconds(client, office):
    from pathlib import Path

    script = (Path(__file__).resolve().parents[2] / "static/js/staff/display.js").read_text()
    response = client.get(reverse("display-board", args=[office.display_token]))

    assert "js/staff/display.js" in response.text
    assert "INTERVAL = 1500" in script


def test_the_public_queue_api(client, office, busy_morning):
    response = client.get(f"/api/v1/offices/{office.code}/queue/")

    assert response.status_code == 200
    data = response.json()
    regular = next(t for t in data["tracks"] if t["track"] == "regular")
    assert regular["now_serving"] == "A-002"
    assert regular["waiting"] == 1
    # Two calls in the last 30 minutes: one every 15 minutes.
    assert data["calls_per_minute"] == pytest.approx(2 / 30, abs=0.01)
    assert regular["estimated_wait_minutes"] == 15


def test_the_public_queue_of_an_unknown_office_is_404(client):
    assert client.get("/api/v1/offices/atlantis/queue/").status_code == 404
    assert client.get("/offices/atlantis/queue/").status_code == 404


def test_an_applicant_sees_their_own_position_with_their_token(client, office, busy_morning):
    last = busy_morning[2]

    response = client.get(f"/api/v1/bookings/{last.code}/position/", HTTP_X_BOOKING_TOKEN=last.token)

    assert response.status_code == 200
    data = response.json()
    assert (data["queue_number"], data["position"], data["ahead"]) == ("A-003", 1, 0)
    assert data["now_serving"] == "A-002"


def test_the_position_of_someone_being_called_names_the_counter(client, office, busy_morning):
    called = busy_morning[1]

    data = client.get(f"/api/v1/bookings/{called.code}/position/", HTTP_X_BOOKING_TOKEN=called.token).json()

    assert (data["position"], data["counter"]) == (0, "Loket 2")


def test_the_position_needs_the_token(client, busy_morning):
    booking = busy_morning[2]

    assert client.get(f"/api/v1/bookings/{booking.code}/position/").status_code == 404
    assert client.get(f"/api/v1/bookings/{booking.code}/position/", HTTP_X_BOOKING_TOKEN="wrong").status_code == 404


def test_the_board_state_is_never_stale(client, office, slots, desk, officer, morning):
    booking = make_booking(slots[(dt.time(8), Track.REGULAR)])
    checkin_confirm(office=office, booking=booking, now=at(8, 0))
    url = reverse("display-state", args=[office.display_token])
    assert client.get(url).json()["calling"] is None

    queue_call_next(office=office, counter=desk, now=at(8, 30), actor=officer)

    assert client.get(url).json()["calling"]["queue_number"] == "A-001"


def test_the_board_and_the_queue_page_answer_head_too(client, office):
    # Monitoring and link checkers ask with HEAD before they ask with GET.
    assert client.head(reverse("display-board", args=[office.display_token])).status_code == 200
    assert client.head(reverse("office-queue", args=[office.code])).status_code == 200


def test_the_public_queue_page_names_the_last_number_called_for_what_it_is(client, office, busy_morning):
    # The number called last may be served already: "now serving" would say otherwise.
    page = client.get(reverse("office-queue", args=[office.code]), HTTP_ACCEPT_LANGUAGE="id").content.decode()

    assert "Nomor terakhir dipanggil" in page
    assert "Sedang dilayani" not in page


def _board_parts(html: str) -> dict[str, str]:
    """The opening tag of each part of the board, and the list of numbers called before."""
    return {
        "main": re.search(r"<main[^>]*>", html).group(0),
        "latest": re.search(r'<section class="display-latest[^"]*"[^>]*>', html).group(0),
        "counters": re.search(r'<section class="display-counters"[^>]*>', html).group(0),
        "recent": re.search(r"<ol data-recent>(.*?)</ol>", html, re.S).group(1),
    }


def test_a_stopped_board_shows_the_last_call_only_as_one_called_before(client, office, busy_morning, officer):
    service_stop(office=office, now=at(8, 30), actor=officer)

    parts = _board_parts(client.get(reverse("display-board", args=[office.display_token])).text)

    assert 'class="is-stopped"' in parts["main"]
    # "Now calling A-002" under "service has stopped" sent people to a counter.
    assert parts["latest"].endswith(" hidden>")
    assert parts["counters"].endswith(" hidden>")
    assert re.findall(r"<li><span>(.*?)</span>", parts["recent"]) == ["A-002", "A-001"]


def test_a_running_board_shows_the_call_and_the_counters(client, office, busy_morning):
    parts = _board_parts(client.get(reverse("display-board", args=[office.display_token])).text)

    assert "is-stopped" not in parts["main"]
    assert "hidden" not in parts["latest"] and "hidden" not in parts["counters"]
    assert re.findall(r"<li><span>(.*?)</span>", parts["recent"]) == ["A-001"]
