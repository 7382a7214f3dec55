"""An officer renews a person's secret link at the desk, on a phone: find the booking by
its code, tick the KTP check, renew; the page says where the link went and never shows it."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applicants.models import Booking, BookingTransition
from applicants.selectors import booking_token
from offices.models import Slot, Track
from tests import factories
from tests.browser.conftest import sign_in
from tests.browser.test_staff_flow import _serious_violations
from tests.staff.conftest import make_booking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def person_at_the_desk(transactional_db, time_machine):
    """09:00 at the office; the person's booking is for a session next week."""
    office = factories.OfficeFactory(code="surabaya", name="Kantor Imigrasi Kelas I Khusus TPI Surabaya")
    today = timezone.now().astimezone(office.tz).date()
    time_machine.move_to(dt.datetime.combine(today, dt.time(9, 0), tzinfo=office.tz), tick=True)
    slot = Slot.objects.create(
        office=office,
        date=today + dt.timedelta(days=7),
        start=dt.time(8),
        end=dt.time(10),
        track=Track.REGULAR,
        capacity=40,
    )
    booking = make_booking(slot, name="Dewi Lestari")
    booking.applicant.email, booking.applicant.phone = "dewi.lestari@example.org", "+6281234567890"
    booking.applicant.save(update_fields=["email", "phone"])
    officer = factories.StaffFactory(username="petugas.surabaya", membership__office=office)
    return office, officer, booking


def test_an_officer_renews_the_link_on_a_phone_without_seeing_it(
    context, live_server, page, screenshot, person_at_the_desk
):
    office, officer, booking = person_at_the_desk
    sign_in(context, live_server, officer, language="en")

    page.goto(f"/staff/{office.code}/checkin/")
    page.get_by_label("Booking code or QR text").fill(booking.code)
    page.get_by_test_id("lookup").click()
    page.get_by_test_id("offer-renew-link").click()
    screenshot("confirm")
    assert _serious_violations(page) == []
    # Not without the KTP check: the form says so and nothing changes.
    page.get_by_test_id("renew-link").click()
    expect(page.locator(".field-error")).to_contain_text("Check the person's KTP first")
    assert not BookingTransition.objects.filter(reason="token_renewed").exists()

    page.get_by_label("I have checked the person's KTP").check()
    page.get_by_test_id("renew-link").click()

    done = page.get_by_test_id("link-renewed")
    expect(done).to_contain_text("d\u2022\u2022\u2022@e\u2022\u2022\u2022.org")
    expect(done).to_contain_text("\u2022\u2022\u20227890")
    expect(page.get_by_test_id("print-proof")).to_be_visible()
    screenshot("renewed")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    new = booking_token(Booking.objects.get(id=booking.id))
    assert new and new not in page.content() and booking.token not in page.content()
    [logged] = BookingTransition.objects.filter(reason="token_renewed")
    assert logged.actor == officer
