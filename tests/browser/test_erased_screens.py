"""An erased person's booking as people see it: the applicant's old proof link on a phone,
the desk's check-in and day list on a phone, the admin's booking page on the desk PC."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from applicants.models import BookingStatus
from applicants.services.retention import applicant_erase_expired
from offices.models import OfficeMembership, Slot, Track
from tests import factories
from tests.browser.conftest import sign_in
from tests.staff.conftest import make_booking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1280, "height": 720}
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def erased_world(transactional_db, time_machine):
    """Three days ago Siti did not come; with a retention of one day her data is gone."""
    office = factories.OfficeFactory(code="surabaya-erased", name="Kantor Imigrasi Kelas I Khusus TPI Surabaya")
    today = timezone.now().astimezone(office.tz).date()
    day = today - dt.timedelta(days=3)
    time_machine.move_to(dt.datetime.combine(day, dt.time(8), tzinfo=office.tz), tick=False)
    slot = Slot.objects.create(
        office=office, date=day, start=dt.time(8), end=dt.time(10), track=Track.REGULAR, capacity=50
    )
    booking = make_booking(slot, name="Siti Rahmawati", status=BookingStatus.NO_SHOW)
    make_booking(slot, name="Budi Santoso", status=BookingStatus.SERVED, queue_number="A-001")
    now = dt.datetime.combine(today, dt.time(9), tzinfo=office.tz)
    time_machine.move_to(now, tick=True)
    applicant_erase_expired(now=now, retention_days=1)
    supervisor = factories.StaffFactory(
        username="supervisor.sby", membership__office=office, membership__role=OfficeMembership.Role.SUPERVISOR
    )
    return {"office": office, "booking": booking, "day": day, "supervisor": supervisor}


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_old_proof_link_says_kindly_that_the_data_was_erased(
    context, live_server, page, erased_world, screenshot, language
):
    booking = erased_world["booking"]
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    page.goto(f"/b/{booking.code}/{booking.token}/")

    screenshot(f"proof-{language}")
    assert page.locator("[data-erased]").is_visible()
    assert page.evaluate(FITS)
    assert "Siti" not in page.content()


def test_the_desk_sees_the_note_at_check_in_and_on_the_day_list(context, live_server, page, erased_world, screenshot):
    office, booking = erased_world["office"], erased_world["booking"]
    sign_in(context, live_server, erased_world["supervisor"])

    page.goto(f"/staff/{office.code}/checkin/")
    page.locator("input[name=code]").first.fill(booking.code)
    page.locator("input[name=code]").first.press("Enter")
    page.wait_for_selector("[data-erased]")
    screenshot("checkin")
    assert page.evaluate(FITS)

    page.goto(f"/staff/{office.code}/list/?date={erased_world['day'].isoformat()}")
    screenshot("day-list")
    assert page.get_by_text("Data pribadi telah dihapus").first.is_visible()
    assert page.evaluate(FITS)


@pytest.mark.parametrize("viewport", [DESK])
def test_the_admin_booking_page_shows_the_note(context, live_server, page, erased_world, screenshot):
    admin = factories.UserFactory(username="pusat.admin", is_staff=True, is_superuser=True)
    sign_in(context, live_server, admin, language="en")

    page.goto("/admin/applicants/booking/")
    screenshot("list")
    page.goto(f"/admin/applicants/booking/{erased_world['booking'].id}/change/")
    screenshot("page")

    assert page.get_by_text("Personal data erased on").first.is_visible()
