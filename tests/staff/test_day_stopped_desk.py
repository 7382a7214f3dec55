"""After "Stop service now", and on the day list when nobody is left to record: the desk
says what is so, not something else."""

import datetime as dt

import pytest
from django.db.models import F
from django.urls import reverse

from offices.models import Closure, Slot, Track
from tests.staff.conftest import at, make_booking

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "Service is stopped for today: no walk-in can be registered."),
        ("id", "Layanan dihentikan untuk hari ini: pendaftaran langsung tidak dapat dilakukan."),
    ],
)
def test_the_walk_in_page_after_service_stopped_says_so_not_no_room(
    supervisor_client, office, slots, morning, language, words
):
    """It said "No session today has room left for walk-ins": full, the officer thought."""
    supervisor_client.post(reverse("staff:stop-service", args=[office.code]), {"confirm": "on"})

    response = supervisor_client.get(reverse("staff:walkin", args=[office.code]), HTTP_ACCEPT_LANGUAGE=language)

    assert words in response.text
    assert "room left" not in response.text and "masih memiliki tempat" not in response.text
    assert '<fieldset class="plain-fieldset" disabled>' in response.text


def test_a_closure_s_own_reason_is_said_on_the_walk_in_page(officer_client, office, slots, morning):
    Closure.objects.create(office=office, date=slots[(dt.time(8), Track.REGULAR)].date, reason="Banjir")
    Slot.objects.filter(office=office).update(closed=True)

    response = officer_client.get(reverse("staff:walkin", args=[office.code]), HTTP_ACCEPT_LANGUAGE="en")

    assert "Service is stopped for today: no walk-in can be registered.</strong> Banjir" in response.text


def test_the_day_list_offers_no_record_button_when_nobody_can_be_ticked(supervisor_client, office, slots, morning):
    """The button was there with no box to tick, and pressing it could only be refused."""
    make_booking(slots[(dt.time(10), Track.REGULAR)])  # a session not begun at 08:30
    page = supervisor_client.get(reverse("staff:day-list", args=[office.code])).content.decode()
    assert 'name="served"' not in page
    assert 'data-testid="record-paper"' not in page

    make_booking(slots[(dt.time(8), Track.REGULAR)])
    page = supervisor_client.get(reverse("staff:day-list", args=[office.code])).content.decode()
    assert 'name="served"' in page
    assert 'data-testid="record-paper"' in page


WHY_NO_WALK_IN = {
    "full": ("No session today has room left for walk-ins.", "masih memiliki tempat"),
    "ended": ("Today's last session has ended: no walk-in can be registered.", "Sesi terakhir hari ini telah berakhir"),
    "none": ("The office has no open session today: no walk-in can be registered.", "tidak memiliki sesi yang dibuka"),
}


@pytest.mark.parametrize("why", ["full", "ended", "none"])
def test_the_walk_in_page_says_why_no_session_can_be_offered(officer_client, office, slots, time_machine, why):
    """It said "no room left" after the day's last session and on a day without sessions,
    which read as "full, come back later"."""
    if why == "full":
        time_machine.move_to(at(8, 30), tick=False)
        Slot.objects.filter(office=office).update(booked=F("capacity"))
    elif why == "ended":
        time_machine.move_to(at(18, 0), tick=False)
    else:
        time_machine.move_to(at(8, 30), tick=False)
        Slot.objects.filter(office=office).delete()

    pages = {
        language: officer_client.get(reverse("staff:walkin", args=[office.code]), HTTP_ACCEPT_LANGUAGE=language).text
        for language in ("en", "id")
    }

    english, indonesian = WHY_NO_WALK_IN[why]
    assert english in pages["en"]
    assert indonesian in pages["id"]
    for other, (words, _indonesian) in WHY_NO_WALK_IN.items():
        if other != why:
            assert words not in pages["en"]
    assert '<fieldset class="plain-fieldset" disabled>' in pages["en"]
