"""The totals on the staff Today page: a wait said in words ("kurang dari satu menit") is
not drawn in the big figures of a count, where it took three lines of a phone's tile in
Indonesian and stretched its row to twice the others."""

import datetime as dt

import pytest
from django.utils import timezone

from applicants.models import ServiceCounter
from applicants.services.checkin import checkin_confirm
from applicants.services.queue import queue_call_next
from offices.models import OfficeMembership, Slot, Track
from tests import factories
from tests.browser.conftest import LINES_OF, sign_in
from tests.staff.conftest import make_booking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def viewport():
    return {"width": 360, "height": 740}


@pytest.fixture
def quick_morning(transactional_db, time_machine):
    """One person called the minute they checked in: the average wait is "less than a minute"."""
    office = factories.OfficeFactory(code="surabaya", name="Kantor Imigrasi Kelas I Khusus TPI Surabaya")
    today = timezone.now().astimezone(office.tz).date()
    at = lambda hour, minute=0: dt.datetime.combine(today, dt.time(hour, minute), tzinfo=office.tz)  # noqa: E731
    time_machine.move_to(at(8), tick=False)
    slot = Slot.objects.create(
        office=office, date=today, start=dt.time(8), end=dt.time(10), track=Track.REGULAR, capacity=10
    )
    officer = factories.StaffFactory(username="petugas.surabaya", membership__office=office)
    supervisor = factories.StaffFactory(
        username="supervisor.surabaya", membership__office=office, membership__role=OfficeMembership.Role.SUPERVISOR
    )
    desk = ServiceCounter.objects.create(office=office, name="Loket 1")
    checkin_confirm(office=office, booking=make_booking(slot), now=at(8, 5))
    queue_call_next(office=office, counter=desk, now=at(8, 5), actor=officer)
    time_machine.move_to(at(9), tick=True)
    return {"office": office, "supervisor": supervisor}


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_wait_in_words_takes_at_most_two_lines_of_its_tile_on_a_phone(
    context, live_server, page, quick_morning, language
):
    sign_in(context, live_server, quick_morning["supervisor"], language)
    page.goto(f"/staff/{quick_morning['office'].code}/today/")

    values = dict(page.evaluate(LINES_OF, "#live-totals .stat-value"))
    wait = {"id": "kurang dari satu menit", "en": "less than a minute"}[language]
    assert values[wait] <= 2, values
