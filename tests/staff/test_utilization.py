"""Utilization: booked against offered places, per office and per day, for the right people."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Group

from offices.models import OfficeMembership
from offices.selectors import CENTRAL_ADMIN_GROUP, utilization_by_day, utilization_by_office
from offices.services import staff_groups_sync
from tests import factories

NOW = dt.datetime(2026, 11, 23, 3, tzinfo=dt.UTC)  # 10:00 WIB
TOMORROW = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def sign_in_central_admin(client) -> None:
    staff_groups_sync()
    user = factories.UserFactory(username="pusat", is_staff=True)
    user.groups.add(Group.objects.get(name=CENTRAL_ADMIN_GROUP))
    client.force_login(user)


@pytest.fixture
def rows(office, other_office):
    factories.SlotFactory(office=office, date=TOMORROW, capacity=100, booked=75)
    factories.SlotFactory(office=office, date=TOMORROW, start=dt.time(10), end=dt.time(12), capacity=100, booked=25)
    factories.SlotFactory(office=office, date=TOMORROW + dt.timedelta(days=1), capacity=50, booked=50)
    # Closed sessions offer nothing; sessions beyond the period do not count.
    factories.SlotFactory(office=office, date=TOMORROW, start=dt.time(13), end=dt.time(15), capacity=80, closed=True)
    factories.SlotFactory(office=office, date=TOMORROW + dt.timedelta(days=40), capacity=10, booked=10)
    factories.SlotFactory(office=other_office, date=TOMORROW, capacity=40, booked=4)


def test_it_sums_open_sessions_per_office_fullest_first(rows, office, other_office):
    result = utilization_by_office(office_ids=None, start=TOMORROW, days=14)

    assert [(u.key, u.booked, u.capacity, u.percent) for u in result] == [
        ("surabaya", 150, 250, 60),
        ("makassar", 4, 40, 10),
    ]


def test_it_sums_per_day_in_date_order_within_the_offices_asked(rows, office):
    result = utilization_by_day(office_ids={office.id}, start=TOMORROW, days=7)

    assert [(u.label, u.booked, u.capacity, u.percent) for u in result] == [
        (TOMORROW, 100, 200, 50),
        (TOMORROW + dt.timedelta(days=1), 50, 50, 100),
    ]


def test_a_supervisor_sees_only_their_offices_as_bars(client, rows, office):
    user = factories.StaffFactory(
        username="supervisor.surabaya", membership__office=office, membership__role=OfficeMembership.Role.SUPERVISOR
    )
    client.force_login(user)

    page = client.get("/staff/utilization/", {"days": 7}).content.decode()

    assert 'class="bars"' in page
    assert "60% (150/250)" in page
    assert "makassar" not in page


def test_a_central_admin_compares_every_office(client, rows):
    sign_in_central_admin(client)

    page = client.get("/staff/utilization/").content.decode()

    assert "surabaya" in page
    assert "makassar" in page
    assert "10% (4/40)" in page


def test_a_user_without_an_office_is_refused(client, rows):
    client.force_login(factories.UserFactory(username="nobody"))

    assert client.get("/staff/utilization/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, rows):
    response = client.get("/staff/utilization/")

    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]


def test_office_bars_are_labelled_with_the_office_name_and_its_code(client, rows, office, other_office):
    sign_in_central_admin(client)

    page = client.get("/staff/utilization/").content.decode()
    chart = page[page.index('id="offices-caption"') : page.index("</figure>", page.index('id="offices-caption"'))]

    labels = re.findall(r'<span class="bar-label"[^>]*>(.*?)</span>\s*<div class="bar-track">', chart, re.S)
    assert [re.sub(r"<[^>]+>", "", label).split() for label in labels] == [
        [*office.name.split(), "surabaya"],
        [*other_office.name.split(), "makassar"],
    ]
    assert '<span class="bar-code">surabaya</span>' in chart


def test_a_period_without_sessions_says_so_without_a_zero_percent_total(client, office):
    supervisor = factories.StaffFactory(membership__office=office, membership__role=OfficeMembership.Role.SUPERVISOR)
    client.force_login(supervisor)

    response = client.get("/staff/utilization/", HTTP_ACCEPT_LANGUAGE="en")

    assert "No sessions are open in this period." in response.text
    assert 'data-testid="utilization-total"' not in response.text
    assert "0 of 0" not in response.text


def test_the_total_is_shown_when_places_are_offered(client, rows, office):
    client.force_login(factories.StaffFactory(membership__office=office))

    response = client.get("/staff/utilization/", HTTP_ACCEPT_LANGUAGE="en")

    assert re.search(r'data-testid="utilization-total"><strong>60%</strong> booked: 150 of 250', response.text)


@pytest.mark.parametrize(("language", "booked", "places"), [("id", "1.200", "4.000"), ("en", "1,200", "4,000")])
def test_large_numbers_are_grouped_in_the_reader_s_language(client, office, language, booked, places):
    # A central admin compares tens of thousands of places: "4000" is hard to read.
    factories.SlotFactory(office=office, date=TOMORROW, capacity=4000, booked=1200)
    client.force_login(factories.StaffFactory(membership__office=office))

    page = client.get("/staff/utilization/", HTTP_ACCEPT_LANGUAGE=language).text

    assert f"30% ({booked}/{places})" in page
    assert f"<td>{booked}</td><td>{places}</td>" in page
    assert re.search(rf'data-testid="utilization-total"><strong>30%</strong> \w+: {re.escape(booked)} ', page)


@pytest.fixture
def online_gone(office):
    """Tomorrow's regular and express places are all booked; the priority places, kept for
    people served at the office, are not: 90 % of every place, 100 % of those online."""
    factories.SlotFactory(office=office, date=TOMORROW, track="regular", capacity=300, booked=300)
    factories.SlotFactory(office=office, date=TOMORROW, track="express", capacity=60, booked=60)
    factories.SlotFactory(office=office, date=TOMORROW, track="priority", capacity=40, booked=0)
    factories.SlotFactory(office=office, date=TOMORROW + dt.timedelta(days=1), track="regular", capacity=300, booked=30)
    factories.SlotFactory(office=office, date=TOMORROW + dt.timedelta(days=1), track="priority", capacity=40, booked=40)


def test_each_row_has_the_share_of_the_places_applicants_can_book_online(online_gone, office):
    [tomorrow, after] = utilization_by_day(office_ids={office.id}, start=TOMORROW, days=7)
    [whole] = utilization_by_office(office_ids={office.id}, start=TOMORROW, days=7)

    assert (tomorrow.percent, tomorrow.online_booked, tomorrow.online_capacity, tomorrow.online_percent) == (
        90,
        360,
        360,
        100,
    )
    assert tomorrow.online_full
    assert (after.percent, after.online_percent, after.online_full) == (21, 10, False)
    assert (whole.percent, whole.online_booked, whole.online_capacity, whole.online_percent) == (58, 390, 660, 59)


def test_where_priority_places_are_booked_online_they_count_as_online_places(online_gone, office, settings):
    settings.BOOKING_ONLINE_PRIORITY_TRACK = True

    [tomorrow, _after] = utilization_by_day(office_ids={office.id}, start=TOMORROW, days=7)

    assert (tomorrow.online_capacity, tomorrow.online_percent, tomorrow.online_full) == (400, 90, False)


def test_a_day_full_for_online_booking_says_so_beside_its_bar(client, online_gone, office):
    client.force_login(factories.StaffFactory(membership__office=office))

    page = client.get("/staff/utilization/", {"days": 7}, HTTP_ACCEPT_LANGUAGE="en").text
    chart = page[page.index('id="days-caption"') : page.index("</figure>", page.index('id="days-caption"'))]
    bars = re.findall(r'<span class="bar-label">(.*?)</span>\s*<div class="bar-track">(.*?)</div>', chart, re.S)

    assert [("data-online-full" in label, "Full online" in label, value) for label, value in bars] == [
        (True, True, bars[0][1]),
        (False, False, bars[1][1]),
    ]
    assert "90% (360/400)" in bars[0][1]
    assert 'data-testid="online-note"' in page
    assert "Priority places are kept for people served at the office" in page
    assert "<td>58%</td><td>59%</td></tr>" in page


def test_in_indonesian_the_day_reads_kuota_online_habis(client, online_gone, office):
    client.force_login(factories.StaffFactory(membership__office=office))

    page = client.get("/staff/utilization/", {"days": 7}, HTTP_ACCEPT_LANGUAGE="id").text

    assert "Kuota online habis" in page
    assert '<th scope="col">% online</th>' in page
    assert "sebelum keterisiannya mencapai 100%.</p>" in page


def test_with_many_offices_the_chart_shows_the_fullest_and_folds_the_rest(client, db):
    for n in range(25):
        office = factories.OfficeFactory(code=f"kantor-{n:02d}", name=f"Kantor {n:02d}")
        factories.SlotFactory(office=office, date=TOMORROW, capacity=100, booked=n)
    sign_in_central_admin(client)

    page = client.get("/staff/utilization/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    chart = page[page.index('id="offices-caption"') : page.index("</figure>", page.index('id="offices-caption"'))]
    shown, folded = chart.split('data-testid="offices-folded"')
    assert re.findall(r'bar-code">(kantor-\d+)<', shown) == [f"kantor-{n:02d}" for n in range(24, 4, -1)]
    assert re.findall(r'bar-code">(kantor-\d+)<', folded) == [f"kantor-{n:02d}" for n in range(4, -1, -1)]
    assert "The other 5 offices, less full" in folded
    # Every office is still in the table, folded too.
    table = page[page.index("Every office as a table") :]
    assert all(f"Kantor {n:02d}" in table for n in range(25))


def test_with_few_offices_nothing_is_folded(client, rows):
    sign_in_central_admin(client)

    page = client.get("/staff/utilization/").content.decode()

    assert "offices-folded" not in page and "<details" not in page
