"""The office calendar reaches every released date, whatever the day of the week today is."""

import datetime as dt
import re

import pytest
import time_machine

from tests.web.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


def _state(html: str, date: dt.date) -> str:
    match = re.search(rf'<td class="day [^"]*" data-date="{date.isoformat()}" data-state="([^"]+)"', html)
    return match.group(1) if match else "missing"


@pytest.mark.parametrize("days_later", range(7), ids=lambda n: (TODAY + dt.timedelta(days=n)).strftime("%A"))
def test_the_calendar_shows_every_released_date_on_any_day_of_the_week(client, surabaya, days_later):
    now = NOW + dt.timedelta(days=days_later)
    today = now.date()
    released = [today + dt.timedelta(days=n) for n in range(1, surabaya.booking_window_days + 1)]

    with time_machine.travel(now, tick=False):
        html = client.get("/offices/surabaya/").content.decode()

    left_off = {date: _state(html, date) for date in released if date.weekday() < 5 and _state(html, date) != "open"}
    assert left_off == {}
    rows = re.findall(r"<tr>(.*?)</tr>", html[html.index("<tbody>") :], re.S)
    assert rows and all(row.count("<td ") == 7 for row in rows)


def test_on_sunday_6_december_the_calendar_runs_to_the_sunday_after_5_january(client, surabaya):
    with time_machine.travel(dt.datetime(2026, 12, 6, 10, 0, tzinfo=NOW.tzinfo), tick=False):
        html = client.get("/offices/surabaya/").content.decode()

    assert (_state(html, dt.date(2027, 1, 4)), _state(html, dt.date(2027, 1, 5))) == ("open", "open")
    assert _state(html, dt.date(2027, 1, 6)) == "not_released"
    assert _state(html, dt.date(2027, 1, 10)) != "missing"
    assert _state(html, dt.date(2027, 1, 11)) == "missing"
