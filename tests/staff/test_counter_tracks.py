"""A counter kept for one track (express, or the priority groups) calls only that track's
numbers, in the office's call order; the other counters go on calling every track."""

import datetime as dt

import pytest
from django.urls import reverse

from applicants.exceptions_staff import InvalidCounterTrack
from applicants.models import ServiceCounter
from applicants.services.checkin import checkin_confirm
from applicants.services.queue import counter_open, counter_set_track, queue_call_next, queue_served
from offices.models import Track
from tests.staff.conftest import at, make_booking

pytestmark = pytest.mark.django_db


def _checked_in(office, slot, when, **kwargs):
    return checkin_confirm(office=office, booking=make_booking(slot, **kwargs), now=when).booking


@pytest.fixture
def line(office, slots):
    """Waiting, in the office's call order: a priority, two regular, one express (the last in)."""
    return {
        "priority": _checked_in(office, slots[(dt.time(8), Track.PRIORITY)], at(8, 5), priority_group="elderly"),
        "regular": _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, 0)),
        "regular2": _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, 1)),
        "express": _checked_in(office, slots[(dt.time(8), Track.EXPRESS)], at(8, 9)),
    }


def test_an_express_counter_calls_the_express_number_past_everyone_before_it(office, desk, line, officer):
    counter_set_track(counter=desk, track=Track.EXPRESS)

    called = queue_call_next(office=office, counter=desk, now=at(8, 30), actor=officer)
    queue_served(booking=called, now=at(8, 40), actor=officer)

    assert called.id == line["express"].id
    assert queue_call_next(office=office, counter=desk, now=at(8, 41), actor=officer) is None


def test_a_counter_for_every_track_keeps_the_office_s_order_beside_a_kept_one(office, desk, desk2, line, officer):
    counter_set_track(counter=desk2, track=Track.PRIORITY)

    priority = queue_call_next(office=office, counter=desk2, now=at(8, 30), actor=officer)
    after_it = queue_call_next(office=office, counter=desk, now=at(8, 30), actor=officer)

    # desk2 took the priority number, so desk goes on with the line in its order.
    assert (priority.id, after_it.id) == (line["priority"].id, line["regular"].id)


def test_a_counter_for_every_track_still_calls_priority_first(office, desk, desk2, line, officer):
    counter_set_track(counter=desk2, track=Track.EXPRESS)

    assert queue_call_next(office=office, counter=desk, now=at(8, 30), actor=officer).id == line["priority"].id
    assert queue_call_next(office=office, counter=desk2, now=at(8, 30), actor=officer).id == line["express"].id


def test_a_counter_can_be_given_back_to_every_track(office, desk, line, officer):
    counter_set_track(counter=desk, track=Track.EXPRESS)
    counter_set_track(counter=desk, track="")

    assert queue_call_next(office=office, counter=desk, now=at(8, 30), actor=officer).id == line["priority"].id


def test_an_unknown_track_is_refused(desk):
    with pytest.raises(InvalidCounterTrack):
        counter_set_track(counter=desk, track="vip")
    desk.refresh_from_db()
    assert desk.track == ""


def test_reopening_a_counter_by_name_keeps_its_track_unless_one_is_given(office):
    counter_open(office=office, name="Loket 5", track=Track.EXPRESS, now=at(8))

    assert counter_open(office=office, name="Loket 5", now=at(8)).counter.track == Track.EXPRESS
    assert counter_open(office=office, name="Loket 5", track="", now=at(8)).counter.track == ""


# --- The pages ------------------------------------------------------------------------


def test_a_counter_is_opened_for_one_track_and_the_list_says_so(officer_client, office):
    url = reverse("staff:counters", args=[office.code])

    officer_client.post(url, {"name": "Loket Ekspres", "track": "express"})
    page = officer_client.get(url, HTTP_ACCEPT_LANGUAGE="id").text

    assert office.counters.get().track == Track.EXPRESS
    assert 'data-testid="counter-track">Khusus Percepatan<' in page


def test_the_counter_page_counts_only_its_track_and_says_who_else_waits(officer_client, office, desk, line, morning):
    counter_set_track(counter=desk, track=Track.EXPRESS)

    page = officer_client.get(reverse("staff:counter", args=[office.code, desk.id]), HTTP_ACCEPT_LANGUAGE="en").text

    assert 'data-testid="waiting-count">1<' in page
    assert "person waiting on the Express track" in page
    assert "B-001" in page and "A-001" not in page
    assert "3 more waiting on other tracks" in page


def test_a_kept_counter_with_nobody_on_its_track_says_so(officer_client, office, desk, slots, morning):
    counter_set_track(counter=desk, track=Track.EXPRESS)
    _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, 0))
    url = reverse("staff:counter", args=[office.code, desk.id])

    page = officer_client.post(url, {"action": "call_next"}, follow=True, HTTP_ACCEPT_LANGUAGE="en").text

    assert page.count("There was nobody to call.") == 1
    # Said once, by the page itself, not again by the message above it.
    assert page.count("Nobody is waiting on the Express track") == 1
    assert 'data-testid="current-number"' not in page


def test_the_counter_page_changes_what_the_counter_calls(officer_client, office, desk, morning):
    url = reverse("staff:counter", args=[office.code, desk.id])

    page = officer_client.post(
        url, {"action": "set_track", "track": "priority"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    ).text

    desk.refresh_from_db()
    assert desk.track == Track.PRIORITY
    assert "Loket 1 now calls: Priority." in page
    assert "This counter calls: Priority" in page


def test_the_counter_page_refuses_an_unknown_track_and_changes_nothing(officer_client, office, desk, morning):
    url = reverse("staff:counter", args=[office.code, desk.id])

    page = officer_client.post(
        url, {"action": "set_track", "track": "vip"}, follow=True, HTTP_ACCEPT_LANGUAGE="id"
    ).text

    desk.refresh_from_db()
    assert desk.track == ""
    assert "Pilih reguler, percepatan, prioritas, atau semua jalur." in page


# --- The API --------------------------------------------------------------------------


def test_api_opens_a_counter_for_one_track_and_lists_it(officer_client, office):
    url = f"/api/v1/staff/offices/{office.code}/counters/"

    opened = officer_client.post(url, {"name": "Loket P", "track": "priority"}, content_type="application/json")

    assert opened.status_code == 200
    assert opened.json()["track"] == "priority"
    assert officer_client.get(url).json() == [{"id": opened.json()["id"], "name": "Loket P", "track": "priority"}]


def test_api_refuses_an_unknown_track_and_opens_nothing(officer_client, office):
    response = officer_client.post(
        f"/api/v1/staff/offices/{office.code}/counters/",
        {"name": "Loket X", "track": "vip"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["track"]
    assert not ServiceCounter.objects.exists()


def test_api_call_next_at_a_kept_counter(officer_client, office, desk, line, morning):
    counter_set_track(counter=desk, track=Track.EXPRESS)

    response = officer_client.post(
        f"/api/v1/staff/offices/{office.code}/call-next/", {"counter": desk.id}, content_type="application/json"
    )

    assert response.json()["called"]["queue_number"] == "B-001"
    assert response.json()["counter"]["track"] == "express"


def test_a_counter_name_of_invisible_characters_is_refused_on_the_page_and_in_the_api(officer_client, office):
    page = officer_client.post(reverse("staff:counters", args=[office.code]), {"name": "\u200b\u200b"})
    api = officer_client.post(
        f"/api/v1/staff/offices/{office.code}/counters/", {"name": "\u2060"}, content_type="application/json"
    )

    assert page.status_code == 200 and 'id="id_name_error"' in page.text
    assert api.status_code == 400 and list(api.json()["fields"]) == ["name"]
    assert not ServiceCounter.objects.exists()


def test_counters_are_listed_as_people_number_them(officer_client, office):
    for name in ("Loket 10", "Loket 2", "loket 1", "Loket Prioritas"):
        counter_open(office=office, name=name, now=at(8))

    listed = [c["name"] for c in officer_client.get(f"/api/v1/staff/offices/{office.code}/counters/").json()]
    page = officer_client.get(reverse("staff:counters", args=[office.code])).text

    assert listed == ["loket 1", "Loket 2", "Loket 10", "Loket Prioritas"]
    assert page.index(">Loket 2<") < page.index(">Loket 10<")


# --- What people are told: their line and its pace ---------------------------------------


def test_on_a_track_with_its_own_desk_a_person_is_told_their_own_line_and_its_pace(
    office, slots, desk, desk2, officer, time_machine
):
    from applicants.queue_selectors import queue_position, queue_public

    counter_set_track(counter=desk2, track=Track.EXPRESS)
    for n in range(6):
        _checked_in(office, slots[(dt.time(8), Track.REGULAR)], at(8, n))
    express = [_checked_in(office, slots[(dt.time(8), Track.EXPRESS)], at(8, 10 + n)) for n in range(3)]
    # The express desk called one express number every 10 minutes; Loket 1 served two regulars.
    for minute in (20, 30):
        called = queue_call_next(office=office, counter=desk2, now=at(8, minute), actor=officer)
        queue_served(booking=called, now=at(8, minute + 5), actor=officer)
    called = queue_call_next(office=office, counter=desk, now=at(8, 25), actor=officer)
    queue_served(booking=called, now=at(8, 45), actor=officer)
    time_machine.move_to(at(8, 50), tick=False)

    last = queue_position(booking=express[2], now=at(8, 50))
    public = {t["track"]: t for t in queue_public(office=office, now=at(8, 50))["tracks"]}

    # Next on the express line, though five regulars are ahead in the office's order.
    assert (last["position"], last["ahead"]) == (1, 0)
    assert public["express"]["ahead"] == 1
    # Two express calls in the last 30 minutes: one every 15 minutes for the one ahead.
    assert public["express"]["estimated_wait_minutes"] == 15


def test_the_service_refuses_a_counter_name_of_invisible_characters(office):
    from applicants.exceptions_staff import InvalidCounterName

    with pytest.raises(InvalidCounterName):
        counter_open(office=office, name="\u200b \u2060", now=at(8))
    assert counter_open(office=office, name="  Loket\u200b 3 ", now=at(8)).counter.name == "Loket 3"
