"""Opening a counter under the name of one already open joins it: the officer is told
whose it is and since when, instead of silently sharing one desk's calls."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from applicants.models import ServiceCounter
from applicants.services.queue import counter_close, counter_open
from tests import factories
from tests.staff.conftest import DAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(office):
    return factories.StaffFactory(
        username="officer-c", first_name="Budi", last_name="Santoso", membership__office=office
    )


def _open_on_the_page(user, office, *, language="en", **form) -> str:
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("staff:counters", args=[office.code]), {"track": "", **form}, HTTP_ACCEPT_LANGUAGE=language, follow=True
    )
    return " ".join(response.content.decode().split())


def test_the_service_says_whether_the_counter_was_open_already(office, officer, colleague):
    first = counter_open(office=office, name="Loket 1", now=at(8, 10), actor=colleague)
    second = counter_open(office=office, name="Loket 1", now=at(8, 40), actor=officer)

    assert not first.joined and second.joined
    assert second.counter.id == first.counter.id
    # The one who opened it, and when, stay those of the first opening.
    assert (second.counter.opened_at, second.counter.opened_by) == (at(8, 10), colleague)


def test_reopening_a_closed_counter_is_a_new_opening(office, officer, colleague):
    counter = counter_open(office=office, name="Loket 1", now=at(8, 10), actor=colleague).counter
    counter_close(counter=counter, now=at(12))

    reopened = counter_open(office=office, name="Loket 1", now=at(13), actor=officer)

    assert not reopened.joined
    assert (reopened.counter.opened_at, reopened.counter.opened_by) == (at(13), officer)


def test_joining_an_open_counter_says_who_opened_it_and_when(office, officer, colleague, time_machine):
    time_machine.move_to(at(8, 10), tick=False)
    _open_on_the_page(colleague, office, name="Loket 1")
    time_machine.move_to(at(8, 40), tick=False)

    english = _open_on_the_page(officer, office, name="Loket 1")
    indonesian = _open_on_the_page(officer, office, language="id", name="Loket 1")

    assert "Loket 1 was already open (since 08:10, by Budi Santoso): you joined it." in english
    assert "Loket 1 sudah dibuka (sejak 08.10, oleh Budi Santoso): Anda bergabung di loket ini." in indonesian
    assert ServiceCounter.objects.count() == 1


def test_a_new_counter_is_opened_without_a_word_about_joining(office, officer, time_machine):
    time_machine.move_to(at(8, 10), tick=False)

    page = _open_on_the_page(officer, office, name="Loket 2")

    assert "already open" not in page


def test_joining_with_another_track_says_what_the_counter_calls_now(office, officer, colleague, time_machine):
    time_machine.move_to(at(8, 10), tick=False)
    _open_on_the_page(colleague, office, name="Loket 3", track="express")

    page = _open_on_the_page(officer, office, name="Loket 3", track="")

    assert "Loket 3 was already open (since 08:10, by Budi Santoso): you joined it." in page
    assert "It now calls every track, priority first (before: Express)." in page
    assert ServiceCounter.objects.get().track == ""


def test_an_officer_back_at_the_counter_they_opened_is_told_so(office, officer, time_machine):
    time_machine.move_to(at(8, 10), tick=False)
    _open_on_the_page(officer, office, name="Loket 1")

    page = _open_on_the_page(officer, office, name="Loket 1")

    assert "Loket 1 was already open, by you since 08:10: you are back at it." in page


def test_a_counter_open_since_an_earlier_day_says_the_day(office, officer, colleague, time_machine):
    the_day_before = DAY - dt.timedelta(days=1)
    counter_open(office=office, name="Loket 1", now=at(15, 5, day=the_day_before), actor=colleague)
    time_machine.move_to(at(8, 40), tick=False)

    page = _open_on_the_page(officer, office, name="Loket 1")

    said = f"Loket 1 was already open (since {the_day_before.day} {the_day_before:%b}, 15:05, by Budi Santoso)"
    assert said in page


def test_the_api_opens_a_counter_for_the_officer_who_asked(officer_client, officer, office, morning):
    officer_client.post(
        f"/api/v1/staff/offices/{office.code}/counters/", {"name": "Loket 9"}, content_type="application/json"
    )

    counter = ServiceCounter.objects.get()
    assert (counter.opened_by, counter.opened_at) == (officer, at(8, 30))
    assert counter.track == ""
