"""An office's places per weekday, and what "Set a daily quota" says it will do to each."""

import datetime as dt
import re

import pytest
import time_machine

from offices.models import SessionTemplate
from offices.selectors.calendar import office_daily_quotas, office_weekday_quotas
from tests import factories
from tests.offices.conftest import weekly_office

pytestmark = pytest.mark.django_db

FRIDAY = 4


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


@pytest.fixture
def short_friday(db):
    """Three sessions of 10 regular, 2 express, 1 priority; Friday has no afternoon session."""
    office = weekly_office("surabaya", name="Kanim Surabaya")
    SessionTemplate.objects.filter(office=office, weekday=FRIDAY, start=dt.time(13)).delete()
    return office


def test_each_weekday_has_its_own_places_and_sessions(short_friday):
    days = office_weekday_quotas(office_ids=[short_friday.id])[short_friday.id]

    assert [day.weekday for day in days] == [0, 1, 2, 3, 4]
    monday, friday = days[0], days[FRIDAY]
    assert (monday.sessions, monday.regular, monday.express, monday.priority, monday.total) == (3, 30, 6, 3, 39)
    assert (friday.sessions, friday.regular, friday.express, friday.priority, friday.total) == (2, 20, 4, 2, 26)


def test_an_office_without_weekly_sessions_has_no_weekdays():
    bare = factories.OfficeFactory(code="kotabumi")

    assert office_weekday_quotas(office_ids=[bare.id]) == {bare.id: []}
    assert office_daily_quotas(office_ids=[bare.id]) == {bare.id: None}


def test_the_daily_quota_is_still_the_busiest_weekdays(short_friday):
    assert office_daily_quotas(office_ids=[short_friday.id]) == {
        short_friday.id: {"regular": 30, "express": 6, "priority": 3}
    }


def _quota_page(client, *offices) -> str:
    return client.post(
        "/admin/offices/office/",
        {"action": "set_daily_quota", "_selected_action": [office.pk for office in offices]},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()


def _rows(html: str) -> list[list[str]]:
    table = re.search(r'<table class="weekly-plan">.*?</table>', html, re.S).group(0)
    body = re.search(r"<tbody>(.*)</tbody>", table, re.S).group(1)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_quota_page_shows_the_places_of_each_weekday(client, central_admin, short_friday):
    html = _quota_page(client, short_friday)

    assert _rows(html) == [
        ["Monday", "3", "30", "6", "3", "39"],
        ["Tuesday", "3", "30", "6", "3", "39"],
        ["Wednesday", "3", "30", "6", "3", "39"],
        ["Thursday", "3", "30", "6", "3", "39"],
        ["Friday", "2", "20", "4", "2", "26"],
    ]
    assert re.search(r'<tr class="differs">\s*<th scope="row">Friday', html)


def test_the_quota_page_says_plainly_what_happens_to_each_weekday(client, central_admin, short_friday):
    text = _text(_quota_page(client, short_friday))

    assert "each of these 5 weekdays gets the places you enter, spread evenly over its own sessions" in text
    assert "The weekdays differ now. Friday has 26 places a day (Monday: 39)." in text
    assert "After this action they all get the same places per track." in text
    assert "No sessions on Saturday, Sunday: these days stay closed." in text
    assert "The form starts from Monday, the weekday with the most places now." in text


def test_equal_weekdays_are_not_called_different(client, central_admin, office_a):
    html = _quota_page(client, office_a)

    assert "differ now" not in html and 'class="differs"' not in html
    assert 'name="regular" value="30"' in html
