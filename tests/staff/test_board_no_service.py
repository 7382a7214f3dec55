"""The TV board's state on a day the office does not serve: said as such, with the next
service day, rather than as a day still waiting for its first call."""

import datetime as dt

import pytest

from applicants.queue_selectors import display_state
from applicants.services.rollover import service_stop
from offices.models import Slot, Track
from tests.staff.conftest import DAY, at, make_slots

pytestmark = pytest.mark.django_db


def _session(office, day: dt.date) -> Slot:
    return Slot.objects.create(
        office=office, date=day, start=dt.time(8), end=dt.time(12), track=Track.REGULAR, capacity=10
    )


def test_a_day_without_sessions_names_the_next_service_day(office):
    _session(office, DAY + dt.timedelta(days=3))
    _session(office, DAY + dt.timedelta(days=5))

    state = display_state(office=office, now=at(9))

    assert state["stopped"] is None
    assert state["no_service"]["next_date"] == (DAY + dt.timedelta(days=3)).isoformat()
    assert state["no_service"]["next_date_text"]


def test_a_day_without_sessions_and_none_laid_out_after_it_has_no_next_day(office):
    state = display_state(office=office, now=at(9))

    assert state["no_service"] == {"next_date": None, "next_date_text": ""}


def test_a_day_with_sessions_is_a_service_day(office):
    make_slots(office)

    assert display_state(office=office, now=at(9))["no_service"] is None


def test_a_stopped_day_is_said_as_stopped_not_as_a_day_without_service(office):
    make_slots(office)
    service_stop(office=office, now=at(9))

    state = display_state(office=office, now=at(9, 5))

    assert state["stopped"] is not None and state["no_service"] is None
