"""The counters: who is called next, and what served / missed / recall do."""

import datetime as dt

import pytest
from django.urls import reverse

from applicants.exceptions_staff import BookingNotCalled, CounterBusy
from applicants.models import BookingStatus, BookingTransition, QueueEvent
from applicants.queue_selectors import queue_position
from applicants.services.checkin import checkin_confirm
from applicants.services.queue import queue_call_next, queue_missed, queue_recall, queue_served
from offices.models import Slot, Track
from tests.staff.conftest import at, make_booking

pytestmark = pytest.mark.django_db


def _checked_in(office, slot, when, **kwargs):
    booking = make_booking(slot, **kwargs)
    return checkin_confirm(office=office, booking=booking, now=when).booking


def test_priority_first_then_session_order_then_check_in_time(office, slots, desk, officer):
    late_session_early_arrival = _checked_in(
        office, slots[(dt.time(10), Track.REGULAR)], at(8, 0) + dt.timedelta(hours=1)
    )
    first_session_second = _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, 20))
    first_session_first = _checked_in(office, slots[(dt.time(8), Track.EXPRESS)], at(8, 10))
    priority = _checked_in(office, slots[(dt.time(10), Track.PRIORITY)], at(9, 30), priority_group="elderly")

    order = []
    for minute in range(4):
        called = queue_call_next(office=office, counter=desk, now=at(9, 40 + minute), actor=officer)
        order.append(called.id)
        queue_served(booking=called, now=at(9, 45 + minute), actor=officer)

    assert order == [priority.id, first_session_first.id, first_session_second.id, late_session_early_arrival.id]
    assert queue_call_next(office=office, counter=desk, now=at(10, 0), actor=officer) is None


def test_a_counter_with_someone_at_it_cannot_call_again(office, slots, desk, officer):
    _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, 0))
    _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, 1))
    queue_call_next(office=office, counter=desk, now=at(8, 5), actor=officer)

    with pytest.raises(CounterBusy):
        queue_call_next(office=office, counter=desk, now=at(8, 6), actor=officer)


def test_two_counters_get_two_people(office, slots, desk, desk2, officer):
    a = _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, 0))
    b = _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, 1))

    first = queue_call_next(office=office, counter=desk, now=at(8, 5), actor=officer)
    second = queue_call_next(office=office, counter=desk2, now=at(8, 5), actor=officer)

    assert {first.id, second.id} == {a.id, b.id}
    assert first.counter == desk and second.counter == desk2


def test_served_closes_the_visit(office, slots, desk, officer):
    _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, 0))
    called = queue_call_next(office=office, counter=desk, now=at(8, 5), actor=officer)

    served = queue_served(booking=called, now=at(8, 15), actor=officer)

    served.refresh_from_db()
    assert served.status == BookingStatus.SERVED
    assert served.served_at == at(8, 15)
    with pytest.raises(BookingNotCalled):
        queue_served(booking=served, now=at(8, 16), actor=officer)


def test_a_first_miss_sends_the_person_to_the_back_of_the_queue(office, slots, desk, officer):
    missed = _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, 0))
    later = _checked_in(office, slots[(dt.time(10), Track.REGULAR)], at(9, 0))
    queue_call_next(office=office, counter=desk, now=at(9, 5), actor=officer)

    back = queue_missed(booking=missed, now=at(9, 10), actor=officer)

    back.refresh_from_db()
    assert back.status == BookingStatus.CHECKED_IN
    assert (back.missed_count, back.queued_at, back.counter) == (1, at(9, 10), None)
    assert back.queue_number == "A-001"
    # Even a later session goes ahead of someone who missed their call.
    assert queue_call_next(office=office, counter=desk, now=at(9, 11), actor=officer).id == later.id


def test_missed_twice_is_a_no_show(office, slots, desk, officer):
    booking = _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, 0))
    queue_call_next(office=office, counter=desk, now=at(8, 5), actor=officer)
    queue_missed(booking=booking, now=at(8, 10), actor=officer)
    queue_call_next(office=office, counter=desk, now=at(8, 15), actor=officer)

    gone = queue_missed(booking=booking, now=at(8, 20), actor=officer)

    gone.refresh_from_db()
    assert gone.status == BookingStatus.NO_SHOW
    assert gone.missed_count == 2
    assert queue_call_next(office=office, counter=desk, now=at(8, 25), actor=officer) is None


def test_recall_shows_the_number_again_without_changing_the_booking(office, slots, desk, officer):
    booking = _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, 0))
    queue_call_next(office=office, counter=desk, now=at(8, 5), actor=officer)

    queue_recall(booking=booking, now=at(8, 7), actor=officer)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CALLED
    assert list(QueueEvent.objects.filter(booking=booking).values_list("action", flat=True)) == [
        QueueEvent.Action.RECALLED,
        QueueEvent.Action.CALLED,
        QueueEvent.Action.CHECKED_IN,
    ]


def test_every_counter_action_is_logged_with_user_and_time(office, slots, desk, officer):
    booking = _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, 0))
    queue_call_next(office=office, counter=desk, now=at(8, 5), actor=officer)
    queue_recall(booking=booking, now=at(8, 6), actor=officer)
    queue_missed(booking=booking, now=at(8, 7), actor=officer)
    queue_call_next(office=office, counter=desk, now=at(8, 8), actor=officer)
    queue_served(booking=booking, now=at(8, 9), actor=officer)

    events = QueueEvent.objects.filter(booking=booking).exclude(action=QueueEvent.Action.CHECKED_IN).order_by("at")
    assert [(e.action, e.actor, e.at, e.counter) for e in events] == [
        (QueueEvent.Action.CALLED, officer, at(8, 5), desk),
        (QueueEvent.Action.RECALLED, officer, at(8, 6), desk),
        (QueueEvent.Action.MISSED, officer, at(8, 7), desk),
        (QueueEvent.Action.CALLED, officer, at(8, 8), desk),
        (QueueEvent.Action.SERVED, officer, at(8, 9), desk),
    ]
    transitions = BookingTransition.objects.filter(booking=booking, at__gte=at(8, 5)).order_by("at", "id")
    assert [(t.to_status, t.actor) for t in transitions] == [
        (BookingStatus.CALLED, officer),
        (BookingStatus.CHECKED_IN, officer),
        (BookingStatus.CALLED, officer),
        (BookingStatus.SERVED, officer),
    ]


# --- API and page ------------------------------------------------------------------------


def test_api_call_next_then_served(officer_client, office, slots, desk, morning):
    _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, 0), name="Rina")

    called = officer_client.post(
        f"/api/v1/staff/offices/{office.code}/call-next/", {"counter": desk.id}, content_type="application/json"
    )
    assert called.status_code == 200
    body = called.json()
    assert body["called"]["queue_number"] == "A-001"
    assert body["called"]["counter"] == "Loket 1"
    assert body["called"]["applicant"]["full_name"] == "Rina"

    served = officer_client.post(f"/api/v1/staff/bookings/{body['called']['code']}/served/")
    assert served.status_code == 200
    assert served.json()["status"] == "served"


def test_api_call_next_with_nobody_waiting(officer_client, office, desk, morning):
    response = officer_client.post(
        f"/api/v1/staff/offices/{office.code}/call-next/", {"counter": desk.id}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["called"] is None


def test_api_call_next_refuses_a_busy_counter(officer_client, office, slots, desk, morning):
    for minute in range(2):
        _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, minute))
    url = f"/api/v1/staff/offices/{office.code}/call-next/"
    officer_client.post(url, {"counter": desk.id}, content_type="application/json")

    response = officer_client.post(url, {"counter": desk.id}, content_type="application/json")

    assert response.status_code == 409
    assert response.json()["code"] == "counter_busy"


def test_api_call_next_with_another_offices_counter_is_404(officer_client, office, other_office, morning):
    from applicants.models import ServiceCounter

    foreign = ServiceCounter.objects.create(office=other_office, name="Loket 9")

    response = officer_client.post(
        f"/api/v1/staff/offices/{office.code}/call-next/", {"counter": foreign.id}, content_type="application/json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "counter_not_found"


def test_api_missed_twice(officer_client, office, slots, desk, morning):
    booking = _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, 0))
    call = f"/api/v1/staff/offices/{office.code}/call-next/"

    officer_client.post(call, {"counter": desk.id}, content_type="application/json")
    first = officer_client.post(f"/api/v1/staff/bookings/{booking.code}/missed/")
    officer_client.post(call, {"counter": desk.id}, content_type="application/json")
    second = officer_client.post(f"/api/v1/staff/bookings/{booking.code}/missed/")

    assert (first.json()["status"], first.json()["missed_count"]) == ("checked_in", 1)
    assert (second.json()["status"], second.json()["missed_count"]) == ("no_show", 2)


def test_the_counter_page_calls_and_serves(officer_client, office, slots, desk, morning):
    booking = _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, 0))
    url = reverse("staff:counter", args=[office.code, desk.id])

    after_call = officer_client.post(url, {"action": "call_next"}, follow=True)
    assert 'data-testid="current-number">A-001<' in after_call.text

    after_serve = officer_client.post(url, {"action": "served", "code": booking.code}, follow=True)
    assert "A-001" in after_serve.text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.SERVED


def test_opening_a_counter_by_name(officer_client, office):
    response = officer_client.post(reverse("staff:counters", args=[office.code]), {"name": "Loket 3"})

    assert response.status_code == 302
    assert office.counters.get().name == "Loket 3"


def test_a_screen_reading_itself_again_leaves_the_persons_messages(officer_client, office, desk, morning):
    url = reverse("staff:counter", args=[office.code, desk.id])
    officer_client.post(url, {"action": "call_next"})  # "There was nobody to call." waits for the next page

    live = officer_client.get(url, HTTP_X_LIVE_REFRESH="1")
    page = officer_client.get(url)

    assert 'data-live-refresh="' in live.text and 'id="live-waiting" data-live' in live.text
    assert 'class="messages"' not in live.text
    assert 'class="messages"' in page.text


def _let_in_late(office, slot, when, supervisor):
    booking = make_booking(slot)
    return checkin_confirm(office=office, booking=booking, now=when, actor=supervisor, allow_late=True).booking


def _call_all(office, desk, officer, start):
    order = []
    while True:
        called = queue_call_next(
            office=office, counter=desk, now=start + dt.timedelta(minutes=len(order)), actor=officer
        )
        if called is None:
            return order
        order.append(called.id)
        queue_served(booking=called, now=start + dt.timedelta(minutes=len(order), seconds=30), actor=officer)


def test_a_late_arrival_queues_behind_those_on_time_for_the_running_session(office, slots, desk, officer, supervisor):
    # The 08:00-10:00 session's window closed at 10:00; the 10:00 session is on.
    early_for_second = _checked_in(office, slots[(dt.time(10), Track.REGULAR)], at(9, 30))
    on_time_for_second = _checked_in(office, slots[(dt.time(10), Track.EXPRESS)], at(10, 5))
    late_for_first = _let_in_late(office, slots[(dt.time(8), Track.REGULAR)], at(10, 30), supervisor)
    after_the_late_one = _checked_in(office, slots[(dt.time(10), Track.REGULAR)], at(10, 40))

    assert late_for_first.queue_session_start == dt.time(10)
    order = _call_all(office, desk, officer, at(10, 45))

    assert order == [early_for_second.id, on_time_for_second.id, late_for_first.id, after_the_late_one.id]


def test_a_late_arrival_between_sessions_queues_with_the_next_one(office, slots, desk, officer, supervisor):
    afternoon = {
        track: Slot.objects.create(
            office=office,
            date=slots[(dt.time(8), track)].date,
            start=dt.time(13),
            end=dt.time(15),
            track=track,
            capacity=10,
        )
        for track in Track
    }
    still_waiting_from_the_morning = _checked_in(office, slots[(dt.time(10), Track.REGULAR)], at(11, 50))
    early_for_the_afternoon = _checked_in(office, afternoon[Track.REGULAR], at(12, 10))
    late_for_first = _let_in_late(office, slots[(dt.time(8), Track.REGULAR)], at(12, 30), supervisor)
    later_for_the_afternoon = _checked_in(office, afternoon[Track.EXPRESS], at(12, 40))

    assert late_for_first.queue_session_start == dt.time(13)
    order = _call_all(office, desk, officer, at(12, 45))

    assert order == [
        still_waiting_from_the_morning.id,
        early_for_the_afternoon.id,
        late_for_first.id,
        later_for_the_afternoon.id,
    ]


def test_a_late_arrival_after_the_last_session_queues_with_it(office, slots, desk, officer, supervisor):
    last_session = _checked_in(office, slots[(dt.time(10), Track.REGULAR)], at(11, 55))
    late_for_first = _let_in_late(office, slots[(dt.time(8), Track.REGULAR)], at(12, 30), supervisor)

    assert late_for_first.queue_session_start == dt.time(10)
    assert _call_all(office, desk, officer, at(12, 45)) == [last_session.id, late_for_first.id]


def test_on_time_check_ins_keep_their_own_session(office, slots):
    early = _checked_in(office, slots[(dt.time(10), Track.REGULAR)], at(9, 0))
    own = _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(9, 59))

    assert (early.queue_session_start, own.queue_session_start) == (dt.time(10), dt.time(8))


def test_the_position_shown_follows_the_call_order_for_a_late_arrival(office, slots, desk, officer, supervisor):
    on_time = _checked_in(office, slots[(dt.time(10), Track.REGULAR)], at(10, 5))
    late = _let_in_late(office, slots[(dt.time(8), Track.REGULAR)], at(10, 30), supervisor)
    now = at(10, 31)

    assert queue_position(booking=on_time, now=now)["position"] == 1
    assert queue_position(booking=late, now=now)["position"] == 2
    assert queue_call_next(office=office, counter=desk, now=now, actor=officer).id == on_time.id


def test_a_called_person_sees_the_last_number_called_and_nobody_ahead(office, slots, desk, officer):
    """The proof said "your number is being called" beside "last number called: –" and
    "people ahead of you: –"."""
    mine = _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, 0))
    queue_call_next(office=office, counter=desk, now=at(8, 5), actor=officer)

    mine.refresh_from_db()
    position = queue_position(booking=mine, now=at(8, 6))

    assert position["status"] == BookingStatus.CALLED
    assert position["now_serving"] == mine.queue_number
    assert (position["ahead"], position["position"], position["counter"]) == (0, 0, desk.name)
