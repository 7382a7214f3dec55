"""An erased person on every screen that reached their booking: a note, never blanks or a crash.

Siti Rahmawati did not come on Monday 23 November 2026. With a retention of one day,
her personal data is erased on Thursday the 26th (``applicant_erase_expired``); staff,
admins and Siti's own proof link then see the booking with "personal data erased on
26 November 2026 (retention 1 day)".
"""

import datetime as dt

import pytest
from django.urls import reverse

from applicants.models import BookingStatus
from applicants.proof import proof_pdf
from applicants.services.retention import applicant_erase_expired
from offices.selectors import utilization_by_office
from offices.services import staff_groups_sync
from tests.applicants.test_proof import pdf_text
from tests.factories import UserFactory
from tests.staff.conftest import DAY, at, make_booking

pytestmark = pytest.mark.django_db

LATER = at(9, 0, day=DAY + dt.timedelta(days=3))
NOTE_EN = "Personal data erased on 26 November 2026 (retention 1 day)"
NOTE_ID = "Data pribadi telah dihapus pada 26 November 2026 (masa simpan 1 hari)"


@pytest.fixture
def erased(slots, time_machine):
    time_machine.move_to(at(8, 30), tick=False)
    booking = make_booking(slots[(dt.time(8, 0), "regular")], name="Siti Rahmawati", status=BookingStatus.NO_SHOW)
    # Still in the queue (never closed): an active booking keeps its person.
    make_booking(slots[(dt.time(8, 0), "regular")], name="Budi Santoso", status=BookingStatus.CHECKED_IN)
    time_machine.move_to(LATER, tick=False)
    assert applicant_erase_expired(now=LATER, retention_days=1).applicants == 1
    booking.refresh_from_db()
    return booking


def test_the_check_in_page_shows_the_note_for_an_erased_booking(officer_client, office, erased):
    url = reverse("staff:checkin", args=[office.code])

    html = officer_client.post(url, {"action": "lookup", "code": erased.code}, HTTP_ACCEPT_LANGUAGE="en").content
    html = html.decode()

    assert NOTE_EN in html
    assert "Siti" not in html


def test_the_check_in_page_says_it_in_indonesian_by_default(officer_client, office, erased):
    url = reverse("staff:checkin", args=[office.code])

    html = officer_client.post(url, {"action": "lookup", "code": erased.code}).content.decode()

    assert NOTE_ID in html


def test_the_desk_s_renew_link_page_shows_the_note(officer_client, office, erased):
    html = officer_client.get(
        reverse("staff:renew-link", args=[office.code, erased.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert NOTE_EN in html


def test_the_day_list_shows_the_note_on_screen_and_in_the_csv(officer_client, office, erased):
    url = reverse("staff:day-list", args=[office.code])

    html = officer_client.get(url, {"date": DAY.isoformat()}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    csv = officer_client.get(url, {"date": DAY.isoformat(), "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")

    assert NOTE_EN in html and "Budi Santoso" in html
    assert NOTE_EN in csv.content.decode("utf-8-sig")


def test_the_printed_proof_says_the_data_was_erased(officer_client, office, erased):
    response = officer_client.get(reverse("staff:booking-proof", args=[office.code, erased.code]))

    assert response.status_code == 200
    assert "Personal data erased on" in pdf_text(proof_pdf(erased, "en"))


def test_the_proof_link_of_an_erased_booking_says_so_kindly(client, erased):
    response = client.get(f"/b/{erased.code}/{erased.token}/", HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert "kept for 1 day after it ends" in html and "yours was erased on 26 November 2026" in html
    assert NOTE_EN in html
    assert "find it again under" not in html  # "find my booking" needs the NIK, which is gone
    assert "Keep and manage your booking" not in html


def test_the_admin_booking_list_and_page_show_the_note(client, office, erased):
    staff_groups_sync()
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))

    listing = client.get("/admin/applicants/booking/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    page = client.get(f"/admin/applicants/booking/{erased.id}/change/", HTTP_ACCEPT_LANGUAGE="en")

    assert f'title="{NOTE_EN}"' in listing and "erased 26 November 2026" in listing
    assert page.status_code == 200
    assert NOTE_EN in page.content.decode()


def test_statistics_count_erased_bookings_as_before(client, office, erased, central_admin):
    [row] = utilization_by_office(office_ids={office.id}, start=DAY, days=7)
    page = client.get("/staff/utilization/", {"days": 7})
    queue = client.get(f"/offices/{office.code}/queue/")

    assert row.booked == 2
    assert (page.status_code, queue.status_code) == (200, 200)
