"""Closing a counter from its own screen: at the end of the day, for a long break, or a
counter opened under a mistyped name. Before, only an admin could, and an unstaffed desk
stayed on the waiting room's board as free all day."""

import datetime as dt

import pytest
from django.urls import reverse

from applicants.exceptions_staff import CounterBusy
from applicants.models import ServiceCounter
from applicants.services.checkin import checkin_confirm
from applicants.services.queue import counter_close, counter_open, queue_call_next
from offices.models import Track
from tests.staff.conftest import at, board_state, make_booking

pytestmark = pytest.mark.django_db


def test_a_closed_counter_leaves_the_choice_and_the_board(officer_client, client, office, slots, desk, desk2, morning):
    url = reverse("staff:counter", args=[office.code, desk.id])
    officer_client.get(url)
    assert [c["counter"] for c in board_state(client, office)["counters"]] == ["Loket 1", "Loket 2"]

    response = officer_client.post(url, {"action": "close"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert response.redirect_chain == [(reverse("staff:counters", args=[office.code]), 302)]
    assert (
        "Loket 1 is closed: it no longer shows on the display board. To open it again, open a counter by the same "
        "name." in response.text
    )
    assert [d.name for d in response.context["counters"]] == ["Loket 2"]
    assert response.context["last_counter"] is None
    assert [c["counter"] for c in board_state(client, office)["counters"]] == ["Loket 2"]
    assert officer_client.get(url).status_code == 404


def test_a_counter_with_someone_called_is_not_closed(officer_client, office, slots, desk, morning):
    booking = make_booking(slots[(dt.time(8), Track.REGULAR)])
    checkin_confirm(office=office, booking=booking, now=at(8, 0))
    queue_call_next(office=office, counter=desk, now=at(8, 10))
    url = reverse("staff:counter", args=[office.code, desk.id])

    response = officer_client.post(url, {"action": "close"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert response.redirect_chain == [(url, 302)]
    assert "Number A-001 is still at this counter: mark it served or missed first." in response.text
    desk.refresh_from_db()
    assert desk.is_active


def test_the_service_refuses_a_busy_counter_and_opening_by_name_reopens(office, slots, desk, morning):
    booking = make_booking(slots[(dt.time(8), Track.REGULAR)])
    checkin_confirm(office=office, booking=booking, now=at(8, 0))
    queue_call_next(office=office, counter=desk, now=at(8, 10))
    with pytest.raises(CounterBusy):
        counter_close(counter=desk, now=at(8, 11))

    other = ServiceCounter.objects.create(office=office, name="Loket 3")
    counter_close(counter=other, now=at(8, 12))
    assert not ServiceCounter.objects.get(id=other.id).is_active
    assert counter_open(office=office, name="Loket 3", now=at(8, 13)).counter.id == other.id
    assert ServiceCounter.objects.get(id=other.id).is_active


def test_the_counter_screen_offers_to_close_it(officer_client, office, desk, morning):
    response = officer_client.get(reverse("staff:counter", args=[office.code, desk.id]), HTTP_ACCEPT_LANGUAGE="id")

    assert 'value="close"' in response.text
    assert "Tutup loket ini" in response.text
