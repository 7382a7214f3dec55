"""Waits read as hours and minutes wherever people see them, in both languages; the API's
numbers stay minutes."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from applicants.services.checkin import checkin_confirm
from applicants.services.queue import queue_call_next
from applicants.waits import wait_text
from offices.models import Track
from tests.staff.conftest import at, make_booking

pytestmark = pytest.mark.django_db


def words(text: str) -> str:
    """``text`` with its no-break spaces (between a number and its unit) as plain ones."""
    return text.replace("\xa0", " ")


@pytest.mark.parametrize(
    ("minutes", "english", "indonesian"),
    [
        (None, "–", "–"),
        (0, "less than a minute", "kurang dari satu menit"),
        (1, "about 1 minute", "sekitar 1 menit"),
        (45, "about 45 minutes", "sekitar 45 menit"),
        (59, "about 59 minutes", "sekitar 59 menit"),
        (60, "about 1 hour", "sekitar 1 jam"),
        (62, "about 1 hour", "sekitar 1 jam"),
        (80, "about 1 hour 20 minutes", "sekitar 1 jam 20 menit"),
        (123, "about 2 hours 5 minutes", "sekitar 2 jam 5 menit"),
        (300, "about 5 hours", "sekitar 5 jam"),
    ],
)
def test_an_estimated_wait_reads_in_hours_and_minutes(minutes, english, indonesian):
    with translation.override("en"):
        assert words(wait_text(minutes)) == english
    with translation.override("id"):
        assert words(wait_text(minutes)) == indonesian


@pytest.mark.parametrize(
    ("minutes", "english", "indonesian"),
    [
        (7, "7 minutes", "7 menit"),
        (61, "1 hour 1 minute", "1 jam 1 menit"),
        (67, "1 hour 7 minutes", "1 jam 7 menit"),
        (120, "2 hours", "2 jam"),
    ],
)
def test_a_measured_wait_is_said_as_it_is(minutes, english, indonesian):
    with translation.override("en"):
        assert words(wait_text(minutes, estimate=False)) == english
    with translation.override("id"):
        assert words(wait_text(minutes, estimate=False)) == indonesian


def test_a_number_stays_on_one_line_with_its_unit():
    with translation.override("id"):
        assert wait_text(80) == "sekitar 1\xa0jam 20\xa0menit"
    with translation.override("en"):
        assert wait_text(67, estimate=False) == "1\xa0hour 7\xa0minutes"


@pytest.fixture
def long_queue(office, slots, desk, desk2, officer, morning):
    """08:30: 22 people checked in, two called in the last half hour (one every 15 minutes),
    so the 20 still waiting take about 300 minutes."""
    people = [make_booking(slots[(dt.time(8), Track.REGULAR)]) for _ in range(22)]
    for n, booking in enumerate(people):
        checkin_confirm(office=office, booking=booking, now=at(8, 0) + dt.timedelta(seconds=n))
    queue_call_next(office=office, counter=desk, now=at(8, 10), actor=officer)
    queue_call_next(office=office, counter=desk2, now=at(8, 20), actor=officer)
    return people


def test_the_public_queue_page_says_a_long_wait_in_hours(client, office, long_queue):
    url = reverse("office-queue", args=[office.code])

    indonesian = words(client.get(url, HTTP_ACCEPT_LANGUAGE="id").text)
    english = words(client.get(url, HTTP_ACCEPT_LANGUAGE="en").text)

    assert 'data-field="estimated_wait_text">sekitar 5 jam</strong>' in indonesian
    assert 'data-field="estimated_wait_text">about 5 hours</strong>' in english
    # Not as raw minutes in what people read (a CSRF token in an attribute may hold any digits).
    assert "300" not in strip_tags(indonesian) and "300" not in strip_tags(english)


def test_the_public_queue_api_keeps_minutes_and_adds_the_words_in_the_asker_s_language(client, office, long_queue):
    url = f"/api/v1/offices/{office.code}/queue/"

    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    indonesian = client.get(url, HTTP_ACCEPT_LANGUAGE="id")

    regular = next(t for t in english.json()["tracks"] if t["track"] == "regular")
    assert regular["estimated_wait_minutes"] == 300
    assert words(regular["estimated_wait_text"]) == "about 5 hours"
    assert words(next(t for t in indonesian.json()["tracks"] if t["track"] == "regular")["estimated_wait_text"]) == (
        "sekitar 5 jam"
    )
    # Both answers came from one cached copy: the words must not be cached with it.
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in english["Vary"].split(",")}


def test_the_schema_documents_the_wait_in_words(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)

    track = schema["components"]["schemas"]["QueueTrack"]["properties"]
    assert track["estimated_wait_minutes"]["type"] == "integer"
    assert track["estimated_wait_text"]["type"] == "string"


def test_the_proof_page_and_its_live_numbers_say_a_long_wait_in_hours(client, office, long_queue):
    last = long_queue[-1]  # 19 people ahead: 285 minutes

    page = client.get(reverse("applicants:proof", args=[last.code, last.token]), HTTP_ACCEPT_LANGUAGE="id")
    live = client.get(reverse("applicants:queue-status", args=[last.code, last.token]), HTTP_ACCEPT_LANGUAGE="en")

    assert 'data-field="estimated_wait">sekitar 4 jam 45 menit<' in words(page.text)
    assert words(live.json()["estimated_wait"]) == "about 4 hours 45 minutes"


def test_the_today_page_says_a_long_average_wait_in_hours(supervisor_client, office, slots, desk, officer, morning):
    booking = make_booking(slots[(dt.time(8), Track.REGULAR)])
    checkin_confirm(office=office, booking=booking, now=at(8, 0))
    queue_call_next(office=office, counter=desk, now=at(9, 20), actor=officer)

    response = supervisor_client.get(reverse("staff:today", args=[office.code]), HTTP_ACCEPT_LANGUAGE="id")

    assert response.context["summary"]["totals"]["average_wait_minutes"] == 80
    # The day's tile, and the session's average and 9-in-10 wait in its row and its bars.
    assert words(response.text).count("1 jam 20 menit") == 5
    assert "80&nbsp;" not in response.text


# Where there is no estimate, people are told why, never shown a bare "–".
NO_CALLS_YET = (
    "Not known yet: no number has been called today, so there is nothing to estimate from.",
    "Belum dapat diperkirakan: hari ini belum ada nomor yang dipanggil, sehingga belum ada dasar perkiraannya.",
)
QUEUE_EMPTY = ("No one is waiting now.", "Saat ini tidak ada yang menunggu.")


@pytest.fixture
def nobody_called_yet(office, slots, morning):
    """08:30: three people checked in, no counter has called anyone."""
    people = [make_booking(slots[(dt.time(8), Track.REGULAR)]) for _ in range(3)]
    for n, booking in enumerate(people):
        checkin_confirm(office=office, booking=booking, now=at(8, 0) + dt.timedelta(seconds=n))
    return people


def _track_wait(html: str, track: str) -> str:
    card = html.split(f'data-track="{track}"', 1)[1]
    return words(card.split('data-field="estimated_wait_text">', 1)[1].split("</strong>", 1)[0])


def test_the_public_queue_says_why_there_is_no_estimate_before_the_first_call(client, office, nobody_called_yet):
    url = reverse("office-queue", args=[office.code])
    api = f"/api/v1/offices/{office.code}/queue/"

    english, indonesian = NO_CALLS_YET
    assert _track_wait(client.get(url, HTTP_ACCEPT_LANGUAGE="id").text, "regular") == indonesian
    assert _track_wait(client.get(url, HTTP_ACCEPT_LANGUAGE="en").text, "regular") == english
    regular = next(t for t in client.get(api, HTTP_ACCEPT_LANGUAGE="en").json()["tracks"] if t["track"] == "regular")
    assert regular["estimated_wait_minutes"] is None
    assert regular["estimated_wait_reason"] == "no_calls_yet"
    assert words(regular["estimated_wait_text"]) == english  # what the page's script writes


def test_the_public_queue_says_when_no_one_is_waiting(client, office, nobody_called_yet):
    url = reverse("office-queue", args=[office.code])
    api = f"/api/v1/offices/{office.code}/queue/"

    # The priority line is empty: a priority newcomer has no one ahead.
    assert _track_wait(client.get(url, HTTP_ACCEPT_LANGUAGE="id").text, "priority") == QUEUE_EMPTY[1]
    priority = next(t for t in client.get(api, HTTP_ACCEPT_LANGUAGE="en").json()["tracks"] if t["track"] == "priority")
    assert (priority["estimated_wait_reason"], priority["estimated_wait_text"]) == ("queue_empty", QUEUE_EMPTY[0])


def test_the_proof_says_why_there_is_no_estimate_before_the_first_call(client, office, nobody_called_yet):
    last = nobody_called_yet[-1]  # two people ahead, nobody called yet

    page = client.get(reverse("applicants:proof", args=[last.code, last.token]), HTTP_ACCEPT_LANGUAGE="id")
    live = client.get(reverse("applicants:queue-status", args=[last.code, last.token]), HTTP_ACCEPT_LANGUAGE="en")

    english, indonesian = NO_CALLS_YET
    assert f'data-field="estimated_wait" data-unknown>{indonesian}<' in words(page.text)
    assert words(live.json()["estimated_wait"]) == english
    assert live.json()["estimated_wait_known"] is False


def test_the_proof_says_the_wait_is_known_after_check_in_and_over_when_called(client, office, slots, desk, morning):
    waiting = make_booking(slots[(dt.time(8), Track.REGULAR)])
    called = make_booking(slots[(dt.time(8), Track.REGULAR)])
    checkin_confirm(office=office, booking=called, now=at(8, 0))
    queue_call_next(office=office, counter=desk, now=at(8, 20))

    def live(booking, language):
        url = reverse("applicants:queue-status", args=[booking.code, booking.token])
        return client.get(url, HTTP_ACCEPT_LANGUAGE=language).json()["estimated_wait"]

    assert (live(waiting, "en"), live(waiting, "id")) == (
        "Known once you have checked in.",
        "Diketahui setelah Anda check-in.",
    )
    assert (live(called, "en"), live(called, "id")) == ("It is your turn now.", "Sekarang giliran Anda.")


def test_the_first_in_line_is_told_so_while_there_is_no_pace_yet(client, office, slots, morning):
    first = make_booking(slots[(dt.time(8), Track.REGULAR)])
    checkin_confirm(office=office, booking=first, now=at(8, 0))

    url = reverse("applicants:queue-status", args=[first.code, first.token])

    assert client.get(url, HTTP_ACCEPT_LANGUAGE="id").json()["estimated_wait"] == "Giliran Anda berikutnya."


def test_no_number_called_lately_is_said_in_both_languages():
    from applicants.queue_selectors import WaitUnknown
    from applicants.waits import unknown_wait_text

    with translation.override("en"):
        assert unknown_wait_text(WaitUnknown.NO_RECENT_CALLS) == (
            "Not known: no number has been called in the last 30 minutes."
        )
    with translation.override("id"):
        assert unknown_wait_text(WaitUnknown.NO_RECENT_CALLS) == (
            "Belum dapat diperkirakan: tidak ada nomor yang dipanggil dalam 30 menit terakhir."
        )
        assert unknown_wait_text(None) == "–"  # the supervisor's averages keep their dash


def test_a_pause_in_the_calls_is_said_as_such(client, office, slots, desk, time_machine):
    time_machine.move_to(at(8, 0), tick=False)
    people = [make_booking(slots[(dt.time(8), Track.REGULAR)]) for _ in range(3)]
    for n, booking in enumerate(people):
        checkin_confirm(office=office, booking=booking, now=at(8, 0) + dt.timedelta(seconds=n))
    queue_call_next(office=office, counter=desk, now=at(8, 1))
    time_machine.move_to(at(8, 45), tick=False)  # nobody called since, nobody served yet
    last = people[-1]

    live = client.get(reverse("applicants:queue-status", args=[last.code, last.token]), HTTP_ACCEPT_LANGUAGE="en")

    assert live.json()["estimated_wait"] == "Not known: no number has been called in the last 30 minutes."
