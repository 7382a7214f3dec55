"""Times on the staff pages read as on the rest of the site: "08.30" in Indonesian, "08:30"
in English, on the office's own clock."""

import datetime as dt

import pytest
from django.urls import reverse

from applicants.services.checkin import checkin_confirm
from applicants.services.queue import queue_call_next
from offices.models import Track
from tests.staff.conftest import at, make_booking

pytestmark = pytest.mark.django_db

INDONESIAN = {"HTTP_ACCEPT_LANGUAGE": "id"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def called(office, slots, desk, officer, morning):
    booking = make_booking(slots[(dt.time(8), Track.REGULAR)])
    checkin_confirm(office=office, booking=booking, now=at(8, 0))
    return queue_call_next(office=office, counter=desk, now=at(8, 10), actor=officer)


def test_the_header_clock_and_the_counter_log_read_08_30_in_indonesian(officer_client, office, desk, called):
    html = officer_client.get(reverse("staff:counter", args=[office.code, desk.id]), **INDONESIAN).text

    assert "08.30 WIB" in html and "08:30 WIB" not in html
    assert "<td>08.10.00</td>" in html


def test_the_header_clock_and_the_counter_log_read_08_30_in_english(officer_client, office, desk, called):
    html = officer_client.get(reverse("staff:counter", args=[office.code, desk.id]), **ENGLISH).text

    assert "08:30 WIB" in html and "08.30 WIB" not in html
    assert "<td>08:10:00</td>" in html


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [("id", "dibuka pukul 07.30.", "07:30"), ("en", "opens at 07:30.", "07.30")],
)
def test_too_early_says_when_check_in_opens_as_the_page_writes_times(
    officer_client, office, booking, time_machine, language, said, not_said
):
    time_machine.move_to(at(6, 0), tick=False)

    html = officer_client.post(
        reverse("staff:checkin", args=[office.code]),
        {"action": "lookup", "code": booking.code},
        HTTP_ACCEPT_LANGUAGE=language,
    ).text

    assert said in html and not_said not in html


@pytest.mark.parametrize(("language", "offered"), [("id", "08.00–10.00 · Prioritas"), ("en", "08:00–10:00 · Priority")])
def test_the_walk_in_sessions_read_as_the_other_session_times(
    officer_client, office, slots, morning, language, offered
):
    html = officer_client.get(reverse("staff:walkin", args=[office.code]), HTTP_ACCEPT_LANGUAGE=language).text

    assert offered in html


def test_the_day_list_in_english_writes_its_times_with_a_colon(officer_client, office, slots, morning):
    make_booking(slots[(dt.time(8), Track.REGULAR)])

    html = officer_client.get(reverse("staff:day-list", args=[office.code]), **ENGLISH).text

    assert "08:00–10:00 WIB" in html and "08.00" not in html
    assert "Made 23 November 2026 at 08:30 WIB by" in html


def test_the_day_list_in_indonesian_writes_its_times_with_a_dot(officer_client, office, slots, morning):
    make_booking(slots[(dt.time(8), Track.REGULAR)])

    html = officer_client.get(reverse("staff:day-list", args=[office.code]), **INDONESIAN).text

    assert "08.00–10.00 WIB" in html and "08:00" not in html
    assert "Dibuat 23 November 2026 pukul 08.30 WIB oleh" in html
