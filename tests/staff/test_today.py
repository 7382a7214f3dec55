"""The supervisor's board and "stop service now"."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from applicants.models import Booking, BookingStatus
from applicants.services.checkin import checkin_confirm
from applicants.services.queue import queue_call_next, queue_missed, queue_served
from offices.models import Closure, Slot, Track
from tests.staff.conftest import at, make_booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def day_in_progress(office, slots, desk, officer, morning):
    first = [make_booking(slots[(dt.time(8), Track.REGULAR)]) for _ in range(4)]
    second = [make_booking(slots[(dt.time(10), Track.REGULAR)]) for _ in range(2)]
    checkin_confirm(office=office, booking=first[0], now=at(8, 0))
    checkin_confirm(office=office, booking=first[1], now=at(8, 5))
    checkin_confirm(office=office, booking=first[2], now=at(8, 6))
    served = queue_call_next(office=office, counter=desk, now=at(8, 10), actor=officer)
    queue_served(booking=served, now=at(8, 20), actor=officer)
    missed = queue_call_next(office=office, counter=desk, now=at(8, 25), actor=officer)
    queue_missed(booking=missed, now=at(8, 27), actor=officer)
    return first, second


def test_a_second_miss_moves_the_person_from_still_waiting_to_missed(
    supervisor_client, office, desk, officer, day_in_progress
):
    again = queue_call_next(office=office, counter=desk, now=at(8, 30), actor=officer)
    queue_missed(booking=again, now=at(8, 32), actor=officer)
    again = queue_call_next(office=office, counter=desk, now=at(8, 33), actor=officer)
    queue_missed(booking=again, now=at(8, 35), actor=officer)

    first = supervisor_client.get(reverse("staff:today", args=[office.code])).context["summary"]["sessions"][0]

    assert (first.checked_in, first.served, first.missed, first.waiting, first.at_counter) == (3, 1, 1, 1, 0)


def test_the_board_counts_per_session(supervisor_client, office, day_in_progress):
    response = supervisor_client.get(reverse("staff:today", args=[office.code]))

    summary = response.context["summary"]
    first, second = summary["sessions"]
    # The person who missed one call is back in line: still waiting, not also "missed",
    # so the columns add up to those who came.
    assert (first.expected, first.checked_in, first.served, first.missed, first.waiting) == (4, 3, 1, 0, 2)
    assert (second.expected, second.checked_in) == (2, 0)
    # Waited 10 minutes (08:00 -> 08:10) and 20 minutes (08:05 -> 08:25).
    assert summary["totals"]["average_wait_minutes"] == 15
    assert "width: 100%" in response.text  # the busiest session fills its bar
    # It reads itself again (static/js/staff/live.js): totals and sessions are swapped in.
    assert 'data-live-refresh="10.0"' in response.text
    assert 'id="live-totals" data-live' in response.text and 'id="live-sessions" data-live' in response.text


def test_stopping_service_needs_the_confirmation(supervisor_client, office, day_in_progress):
    response = supervisor_client.post(reverse("staff:stop-service", args=[office.code]), {})

    assert response.status_code == 200
    assert not Slot.objects.filter(office=office, closed=True).exists()


def test_stopping_service_closes_today_and_moves_everyone_not_served(supervisor_client, office, day_in_progress):
    response = supervisor_client.post(reverse("staff:stop-service", args=[office.code]), {"confirm": "on"})

    assert response.status_code == 302
    assert not Slot.objects.filter(office=office, closed=False, date=at(8).date()).exists()
    today = Booking.objects.filter(office=office, date=at(8).date())
    assert today.filter(status=BookingStatus.SERVED).count() == 1
    assert today.filter(status=BookingStatus.ROLLED_OVER).count() == 5


def test_someone_called_to_a_counter_is_not_counted_as_waiting(
    supervisor_client, office, day_in_progress, desk, officer
):
    # The missed person of day_in_progress is back in line; call them again.
    queue_call_next(office=office, counter=desk, now=at(8, 40), actor=officer)

    totals = supervisor_client.get(reverse("staff:today", args=[office.code])).context["summary"]["totals"]

    # As the counter page counts it: nobody left checked in and not yet called.
    assert (totals["waiting"], totals["at_counter"]) == (1, 1)


def test_after_stopping_the_board_and_today_say_service_is_stopped(supervisor_client, office, day_in_progress):
    supervisor_client.post(reverse("staff:stop-service", args=[office.code]), {"confirm": "on"})

    today = supervisor_client.get(reverse("staff:today", args=[office.code]), HTTP_ACCEPT_LANGUAGE="en")
    board = supervisor_client.get(reverse("display-board", args=[office.display_token]))
    state = supervisor_client.get(reverse("display-state", args=[office.display_token])).json()

    assert 'data-testid="service-stopped"' in today.text
    assert "Service is stopped for today." in today.text
    assert "bookings of today were moved to other dates" in today.text
    assert reverse("staff:stop-service", args=[office.code]) not in today.text  # not offered twice
    assert state["stopped"]["reason"]
    assert re.search(r"<div class=\"display-stopped\" data-stopped role=\"status\">", board.text)


def test_a_normal_day_says_nothing_of_a_stop(supervisor_client, office, day_in_progress):
    today = supervisor_client.get(reverse("staff:today", args=[office.code]))
    state = supervisor_client.get(reverse("display-state", args=[office.display_token])).json()

    assert 'data-testid="service-stopped"' not in today.text
    assert state["stopped"] is None


def test_the_stop_page_and_its_message_count_without_broken_plurals(supervisor_client, office, day_in_progress):
    url = reverse("staff:stop-service", args=[office.code])

    page = supervisor_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    done = supervisor_client.post(url, {"confirm": "on"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert "Expected today: 6 · served: 1 · checked in and waiting: 2." in page.text
    text = " ".join(str(m) for m in done.context["messages"])
    assert "bookings are being moved to other dates" in text and "(s)" not in text


def test_a_supervisor_reaches_the_utilization_charts_from_the_menu(client, supervisor, officer, office):
    utilization = f'href="{reverse("staff:utilization")}"'
    checkin = reverse("staff:checkin", args=[office.code])

    client.force_login(supervisor)
    assert utilization in client.get(checkin).text
    client.force_login(officer)
    assert utilization not in client.get(checkin).text


def test_a_stop_is_not_said_twice_nor_in_the_language_of_who_stopped(supervisor_client, office, day_in_progress):
    """The button's closure reason only repeated the heading ("Service is stopped for
    today. Service stopped for the day"), in the language of whoever pressed it."""
    supervisor_client.post(
        reverse("staff:stop-service", args=[office.code]), {"confirm": "on"}, HTTP_ACCEPT_LANGUAGE="id"
    )

    today = supervisor_client.get(reverse("staff:today", args=[office.code]), HTTP_ACCEPT_LANGUAGE="en")

    notice = re.search(r'data-testid="service-stopped">(.*?)</div>', today.text, re.S).group(1)
    assert "Service is stopped for today." in notice
    assert "Service stopped for the day" not in notice
    assert "Layanan" not in notice


def test_a_whole_day_closure_keeps_its_own_reason(supervisor_client, office, day_in_progress):
    Closure.objects.create(office=office, date=at(8).date(), kind=Closure.Kind.OUTAGE, reason="Listrik padam")

    today = supervisor_client.get(reverse("staff:today", args=[office.code]), HTTP_ACCEPT_LANGUAGE="en")

    notice = re.search(r'data-testid="service-stopped">(.*?)</div>', today.text, re.S).group(1)
    assert "Service is stopped for today.</strong> Listrik padam" in notice


def test_a_national_day_off_is_named_in_the_page_s_language(supervisor_client, office, day_in_progress):
    # As the holiday sync records it: the official name, and the English one beside it.
    Closure.objects.create(
        office=None,
        date=at(8).date(),
        kind=Closure.Kind.NATIONAL_HOLIDAY,
        reason="Hari Raya Natal",
        reason_en="Christmas Day",
    )

    english = supervisor_client.get(reverse("staff:today", args=[office.code]), HTTP_ACCEPT_LANGUAGE="en")
    indonesian = supervisor_client.get(reverse("staff:today", args=[office.code]), HTTP_ACCEPT_LANGUAGE="id")

    notice = re.search(r'data-testid="service-stopped">(.*?)</div>', english.text, re.S).group(1)
    assert "Service is stopped for today.</strong> Christmas Day" in notice
    notice = re.search(r'data-testid="service-stopped">(.*?)</div>', indonesian.text, re.S).group(1)
    assert "</strong> Hari Raya Natal" in notice


def test_a_day_without_sessions_offers_nothing_to_stop(supervisor_client, office, morning):
    today = supervisor_client.get(reverse("staff:today", args=[office.code]), HTTP_ACCEPT_LANGUAGE="en")

    assert "No sessions today." in today.text
    assert reverse("staff:stop-service", args=[office.code]) not in today.text


def test_session_times_read_as_everywhere_else_in_indonesian(supervisor_client, office, day_in_progress):
    html = supervisor_client.get(reverse("staff:today", args=[office.code]), HTTP_ACCEPT_LANGUAGE="id").text

    # "08.00", as on the day list, the proof and the calendar; "08:00" in English.
    assert "08.00–10.00" in html and "08:00–10:00" not in html
