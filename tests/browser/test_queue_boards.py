"""What the waiting room reads: the public queue page on a phone and the TV board, as
drawn by the server and as kept up to date by their scripts."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applicants.models import ServiceCounter
from applicants.services.checkin import checkin_confirm
from applicants.services.queue import queue_call_next
from offices.models import Slot, Track
from tests import factories
from tests.staff.conftest import make_booking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TV = {"width": 1280, "height": 720}


@pytest.fixture
def long_morning(transactional_db, time_machine):
    """08:30: 22 people checked in, two called in the last half hour at two counters, so
    the twenty still waiting have about five hours to go."""
    office = factories.OfficeFactory(code="jakarta-timur", name="Kantor Imigrasi Kelas I Non TPI Jakarta Timur")
    today = timezone.now().astimezone(office.tz).date()

    def at(hour, minute=0, second=0):
        return dt.datetime.combine(today, dt.time(hour, minute, second), tzinfo=office.tz)

    time_machine.move_to(at(8), tick=False)
    slot = Slot.objects.create(
        office=office, date=today, start=dt.time(8), end=dt.time(12), track=Track.REGULAR, capacity=60
    )
    people = [make_booking(slot) for _ in range(26)]
    for n, booking in enumerate(people[:22]):
        checkin_confirm(office=office, booking=booking, now=at(8, 0, n))
    officer = factories.StaffFactory(membership__office=office)
    desks = [ServiceCounter.objects.create(office=office, name=name) for name in ("Loket 1", "Loket 2")]
    queue_call_next(office=office, counter=desks[0], now=at(8, 10), actor=officer)
    queue_call_next(office=office, counter=desks[1], now=at(8, 20), actor=officer)
    time_machine.move_to(at(8, 30), tick=True)
    return {"office": office, "officer": officer, "later": people[22:], "at": at}


def test_the_public_queue_page_keeps_a_long_wait_in_hours_as_it_updates(page, long_morning, screenshot):
    office = long_morning["office"]
    wait = page.locator('[data-track="regular"] [data-field="estimated_wait_text"]')

    page.goto(f"/offices/{office.code}/queue/")
    assert wait.text_content() == "sekitar 5\xa0jam"

    # Four more people check in: the page's next poll (every 5 s) brings the longer wait.
    for booking in long_morning["later"]:
        checkin_confirm(office=office, booking=booking, now=timezone.now())
    expect(wait).to_have_text("sekitar 6\xa0jam", timeout=12_000)
    screenshot("queue")
    assert page.js_errors == []
