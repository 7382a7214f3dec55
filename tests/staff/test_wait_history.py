"""Waiting times (check-in to call) as numbers and charts: the supervisor's today page per
session, and the waits history per day and per office for supervisors and central admins."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from applicants.models import BookingStatus
from applicants.queue_selectors import day_summary
from applicants.wait_selectors import waits_by_day, waits_by_office, waits_total
from offices.models import OfficeMembership, Track
from tests import factories
from tests.staff.conftest import DAY, at, make_booking, make_slots

pytestmark = pytest.mark.django_db

EIGHT, TEN = dt.time(8), dt.time(10)
# Ten people in the first session: 2, 4, ..., 18 minutes, and one who waited an hour.
FIRST_WAITS = [2, 4, 6, 8, 10, 12, 14, 16, 18, 60]  # average 15; 9 in 10 waited at most 18
SECOND_WAITS = [10, 20, 40]  # average 23.3; 9 in 10 (the 3rd of 3) waited at most 40


def waited(slot, minutes: int, *, checked_in: dt.datetime, status=BookingStatus.SERVED):
    return make_booking(
        slot, status=status, checked_in_at=checked_in, called_at=checked_in + dt.timedelta(minutes=minutes)
    )


def fill_day(office, *, day=DAY, first=FIRST_WAITS, second=SECOND_WAITS):
    slots = make_slots(office, day=day)
    for i, minutes in enumerate(first):
        waited(slots[(EIGHT, Track.REGULAR)], minutes, checked_in=at(8, i, day=day))
    for i, minutes in enumerate(second):
        waited(slots[(TEN, Track.EXPRESS)], minutes, checked_in=at(10, i, day=day), status=BookingStatus.CALLED)
    # Not measured: still waiting, served on paper (no check-in time), and a cancelled
    # booking whatever its times say.
    make_booking(slots[(EIGHT, Track.REGULAR)], status=BookingStatus.CHECKED_IN, checked_in_at=at(8, 30, day=day))
    make_booking(slots[(EIGHT, Track.REGULAR)], status=BookingStatus.SERVED)
    make_booking(
        slots[(TEN, Track.REGULAR)],
        status=BookingStatus.CANCELLED,
        checked_in_at=at(10, day=day),
        called_at=at(12, 59, day=day),
    )
    return slots


@pytest.fixture
def afternoon(time_machine):
    time_machine.move_to(at(14), tick=False)


@pytest.fixture
def other_supervisor(other_office):
    return factories.StaffFactory(
        username="supervisor-b", membership__office=other_office, membership__role=OfficeMembership.Role.SUPERVISOR
    )


def test_today_gives_each_session_its_average_and_the_wait_9_in_10_did_not_exceed(office, afternoon):
    fill_day(office)

    summary = day_summary(office=office, now=at(14))

    first, second = summary["sessions"]
    assert (first.average_wait_minutes, first.p90_wait_minutes) == (15, 18)
    assert (second.average_wait_minutes, second.p90_wait_minutes) == (23, 40)
    # The day: 13 waits, 220 minutes in all; the 12th shortest of 13 is 40.
    assert (summary["totals"]["average_wait_minutes"], summary["totals"]["p90_wait_minutes"]) == (17, 40)
    assert summary["wait_scale"] == 40


def test_a_session_where_nobody_was_called_is_not_measured_yet(supervisor_client, office, slots, morning):
    waited(slots[(EIGHT, Track.REGULAR)], 12, checked_in=at(8))
    make_booking(slots[(TEN, Track.REGULAR)], status=BookingStatus.CHECKED_IN, checked_in_at=at(8, 20))

    response = supervisor_client.get(reverse("staff:today", args=[office.code]), HTTP_ACCEPT_LANGUAGE="en")

    first, second = response.context["summary"]["sessions"]
    assert (first.average_wait_minutes, first.p90_wait_minutes) == (12, 12)
    assert (second.average_wait_minutes, second.p90_wait_minutes) == (None, None)
    chart = _figure(response.text, "session-waits")
    assert "Waiting time per session, from check-in to the call" in chart
    assert chart.count("not measured yet") == 1
    # One session measured: its bars are the whole scale, and say their minutes.
    assert chart.count('style="--share: 100"') == 2
    assert "12\N{NO-BREAK SPACE}minutes" in chart
    assert "9 in 10 waited at most" in response.text  # the table's column too


def test_the_today_chart_speaks_indonesian(supervisor_client, office, slots, morning):
    waited(slots[(EIGHT, Track.REGULAR)], 12, checked_in=at(8))

    page = supervisor_client.get(reverse("staff:today", args=[office.code]), HTTP_ACCEPT_LANGUAGE="id").text

    chart = _figure(page, "session-waits")
    assert "Waktu tunggu per sesi, dari check-in hingga dipanggil" in chart
    assert "belum terukur" in chart
    assert "rata-rata" in chart and "9 dari 10 orang menunggu paling lama" in chart
    assert "12\N{NO-BREAK SPACE}menit" in chart


def test_the_history_counts_per_day_and_says_which_days_nobody_was_called(office, other_office, afternoon):
    fill_day(office, day=DAY - dt.timedelta(days=2))
    fill_day(office, day=DAY, first=[30, 50], second=[])
    quiet = make_slots(office, day=DAY - dt.timedelta(days=1))
    make_booking(quiet[(EIGHT, Track.REGULAR)], status=BookingStatus.NO_SHOW)
    make_booking(quiet[(EIGHT, Track.REGULAR)], status=BookingStatus.SERVED)  # on paper
    fill_day(other_office, day=DAY - dt.timedelta(days=2), first=[100], second=[])
    start = DAY - dt.timedelta(days=6)

    rows = waits_by_day(office_ids={office.id}, start=start, days=7)

    assert [
        (r.label, r.stats.average_minutes, r.stats.p90_minutes, r.stats.measured, r.stats.served) for r in rows
    ] == [
        (DAY - dt.timedelta(days=2), 17, 40, 13, 11),
        (DAY - dt.timedelta(days=1), None, None, 0, 1),
        (DAY, 40, 50, 2, 3),
    ]
    total = waits_total(office_ids={office.id}, start=start, days=7)
    # 15 waits, 300 minutes; the 14th shortest of 15 is 50.
    assert (total.average_minutes, total.p90_minutes, total.measured, total.served) == (20, 50, 15, 15)
    # Days before the period do not count.
    assert waits_by_day(office_ids={office.id}, start=DAY, days=1)[0].stats.measured == 2


def test_offices_are_compared_slowest_first(office, other_office, afternoon):
    fill_day(office)
    fill_day(other_office, first=[100], second=[])
    factories.OfficeFactory(code="sabang")  # nobody expected: not in the comparison

    rows = waits_by_office(office_ids=None, start=DAY - dt.timedelta(days=6), days=7)

    assert [(r.key, r.stats.average_minutes, r.stats.p90_minutes) for r in rows] == [
        ("makassar", 100, 100),
        ("surabaya", 17, 40),
    ]


def test_a_supervisor_sees_the_history_of_their_office_only(client, supervisor, office, other_office, afternoon):
    fill_day(office)
    fill_day(other_office, first=[100], second=[])
    client.force_login(supervisor)

    response = client.get(reverse("staff:waits"), {"days": 7}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert [r.stats.p90_minutes for r in response.context["by_day"]] == [40]
    page = response.text
    assert "makassar" not in page and "1\N{NO-BREAK SPACE}hour" not in page
    assert 'data-testid="office-waits"' not in page  # one office: nothing to compare
    days = _figure(page, "day-waits")
    assert "Waiting time per day" in days
    assert days.count('style="--share: 100"') == 1 and 'style="--share: 42"' in days  # 17 of 40 minutes
    assert "Waiting times per day" in page  # the table beside the chart


def test_a_supervisor_of_another_office_sees_nothing_of_this_one(client, other_supervisor, office, afternoon):
    fill_day(office)
    client.force_login(other_supervisor)

    response = client.get(reverse("staff:waits"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.context["by_day"] == [] and response.context["total"].measured == 0
    assert "surabaya" not in response.text.lower()
    assert "No one was expected at these offices in this period." in response.text


def test_an_officer_cannot_see_the_history(officer_client, office, afternoon):
    fill_day(office)

    assert officer_client.get(reverse("staff:waits")).status_code == 403


def test_a_central_admin_compares_every_office_in_indonesian(client, central_admin, office, other_office, afternoon):
    fill_day(office)
    fill_day(other_office, first=[100], second=[])

    page = client.get(reverse("staff:waits"), {"days": 30}, HTTP_ACCEPT_LANGUAGE="id").text

    offices = _figure(page, "office-waits")
    assert "Waktu tunggu per kantor, dari yang paling lama" in offices
    assert offices.index("makassar") < offices.index("surabaya")
    assert "1\N{NO-BREAK SPACE}jam 40\N{NO-BREAK SPACE}menit" in offices
    assert "Waktu tunggu" in page and "semua kantor" in page
    assert '<option value="30" selected>' in page


def test_supervisors_reach_the_history_from_the_menu_and_officers_do_not(client, supervisor, officer, office):
    waits = f'href="{reverse("staff:waits")}"'
    checkin = reverse("staff:checkin", args=[office.code])

    client.force_login(supervisor)
    assert waits in client.get(checkin).text
    assert waits in client.get(reverse("staff:home"), {"stay": 1}).text
    assert waits in client.get(reverse("staff:utilization")).text
    client.force_login(officer)
    assert waits not in client.get(checkin).text
    assert waits not in client.get(reverse("staff:home"), {"stay": 1}).text
    assert waits not in client.get(reverse("staff:utilization")).text


def _figure(page: str, testid: str) -> str:
    match = re.search(rf'<figure[^>]*data-testid="{testid}".*?</figure>', page, re.S)
    assert match, f"no {testid} chart"
    return match.group(0)
