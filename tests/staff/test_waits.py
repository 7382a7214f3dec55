"""Waits read as hours and minutes wherever people see them, in both languages; the API's
numbers stay minutes."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

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
    assert "300" not in indonesian and "300" not in english


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
    assert words(response.text).count("1 jam 20 menit") == 2  # the day's tile and the session's row
    assert "80&nbsp;" not in response.text
