"""A counter screen acts only on the person called at that counter, and an action that
comes too late (a double tap, another tab, a screen left open) says so plainly."""

import datetime as dt

import pytest
from django.urls import reverse

from applicants.exceptions_staff import BookingNotCalled
from applicants.models import BookingStatus, QueueEvent
from applicants.services.checkin import checkin_confirm
from applicants.services.queue import queue_call_next, queue_missed, queue_served
from offices.models import Track
from tests.staff.conftest import at, make_booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved_on(office, slots, desk, desk2, morning):
    """A-001 was called at Loket 1 and missed there from another screen; Loket 2 has
    called them since. Loket 1's first screen still shows A-001 with its buttons."""
    booking = make_booking(slots[(dt.time(8), Track.REGULAR)])
    checkin_confirm(office=office, booking=booking, now=at(8, 0))
    queue_call_next(office=office, counter=desk, now=at(8, 10))
    queue_missed(booking=booking, now=at(8, 11))
    assert queue_call_next(office=office, counter=desk2, now=at(8, 12)) == booking
    return booking


@pytest.mark.parametrize("action", ["missed", "served", "recall"])
def test_a_stale_counter_screen_cannot_act_on_someone_called_at_another_counter(
    officer_client, office, desk, moved_on, action
):
    """Its "Did not come" made the person being served at Loket 2 a no-show."""
    url = reverse("staff:counter", args=[office.code, desk.id])
    events_before = QueueEvent.objects.count()

    response = officer_client.post(
        url, {"action": action, "code": moved_on.code}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )

    moved_on.refresh_from_db()
    assert (moved_on.status, moved_on.counter.name, moved_on.missed_count) == (BookingStatus.CALLED, "Loket 2", 1)
    assert QueueEvent.objects.count() == events_before
    assert "A-001 is no longer called at this counter (now: called at Loket 2): nothing was changed." in response.text


def test_the_service_refuses_an_action_for_another_counter(office, desk, moved_on):
    with pytest.raises(BookingNotCalled):
        queue_served(booking=moved_on, now=at(8, 13), counter=desk)

    moved_on.refresh_from_db()
    assert moved_on.status == BookingStatus.CALLED


def test_a_second_tap_on_served_says_the_person_was_already_served(officer_client, office, slots, desk, morning):
    """It said only "This number is not being called at a counter right now", and the
    first tap's "A-001 served." was lost with the page it was on."""
    booking = make_booking(slots[(dt.time(8), Track.REGULAR)])
    checkin_confirm(office=office, booking=booking, now=at(8, 0))
    url = reverse("staff:counter", args=[office.code, desk.id])
    officer_client.post(url, {"action": "call_next"})
    officer_client.post(url, {"action": "served", "code": booking.code})

    english = officer_client.post(
        url, {"action": "served", "code": booking.code}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    officer_client.post(url, {"action": "missed", "code": booking.code})
    indonesian = officer_client.get(url, HTTP_ACCEPT_LANGUAGE="id")

    assert "A-001 is no longer called at this counter (now: Served): nothing was changed." in english.text
    assert "A-001 tidak lagi dipanggil di loket ini (sekarang: Selesai dilayani): tidak ada yang diubah." in (
        indonesian.text
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.SERVED
