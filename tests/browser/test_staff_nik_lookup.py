"""An officer finds the bookings of a person who lost their code, by the NIK on their
e-KTP, on a phone and on a desk PC, and goes on to check them in."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applicants.models import Booking, BookingStatus
from offices.models import Slot, Track
from tests import factories
from tests.browser.conftest import sign_in
from tests.browser.test_staff_flow import _serious_violations
from tests.factories import make_nik
from tests.staff.conftest import make_booking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NIK = make_nik(dt.date(1992, 3, 14), female=True, serial=21)
DESK_PC = {"width": 1280, "height": 900}


@pytest.fixture
def person_without_code(transactional_db, time_machine):
    """09:00 at the office; the person is booked for the 08:00 session today and once
    cancelled an earlier booking."""
    office = factories.OfficeFactory(code="surabaya", name="Kantor Imigrasi Kelas I Khusus TPI Surabaya")
    today = timezone.now().astimezone(office.tz).date()
    time_machine.move_to(dt.datetime.combine(today, dt.time(9, 0), tzinfo=office.tz), tick=True)
    slot = Slot.objects.create(
        office=office, date=today, start=dt.time(8), end=dt.time(10), track=Track.REGULAR, capacity=40
    )
    person = factories.ApplicantFactory(nik=NIK, full_name="Dewi Lestari")
    bookings = [make_booking(slot), make_booking(slot, status=BookingStatus.CANCELLED)]
    Booking.objects.filter(id__in=[b.id for b in bookings]).update(applicant=person, nik_hash=person.nik_hash)
    officer = factories.StaffFactory(username="petugas.surabaya", membership__office=office)
    return office, officer, bookings[0]


def _find_by_nik(context, live_server, page, office, officer):
    sign_in(context, live_server, officer, language="en")
    page.goto(f"/staff/{office.code}/checkin/")
    page.get_by_label("NIK on the e-KTP").fill(NIK)
    page.get_by_test_id("nik-lookup").click()


def test_an_officer_finds_a_person_by_nik_on_a_phone_and_checks_them_in(
    context, live_server, page, screenshot, person_without_code
):
    office, officer, booking = person_without_code
    _find_by_nik(context, live_server, page, office, officer)

    results = page.get_by_test_id("nik-result")
    expect(results).to_have_count(2)
    expect(results.first).to_contain_text(booking.code)
    expect(results.first).to_contain_text("Dewi Lestari")
    expect(results.first).to_contain_text("Confirmed")
    expect(results.nth(1)).to_contain_text("Cancelled")
    # Nothing of the NIK in the address bar or on the page; the field is empty again.
    assert NIK not in page.url and NIK not in page.content()
    expect(page.get_by_label("NIK on the e-KTP")).to_have_value("")
    screenshot("found")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert _serious_violations(page) == []
    for action in ("nik-open-checkin", "nik-renew-link", "nik-print-proof"):
        box = results.first.get_by_test_id(action).bounding_box()
        assert box["height"] >= 44, action

    results.first.get_by_test_id("nik-open-checkin").click()
    page.get_by_test_id("confirm-checkin").click()

    expect(page.get_by_test_id("queue-number")).to_have_text("A-001")


def test_a_mistyped_nik_is_explained_in_place(context, live_server, page, screenshot, person_without_code):
    office, officer, _booking = person_without_code
    sign_in(context, live_server, officer, language="en")
    page.goto(f"/staff/{office.code}/checkin/")
    page.get_by_label("NIK on the e-KTP").fill(NIK[:15])
    page.get_by_test_id("nik-lookup").click()

    expect(page.locator("#id_nik_error")).to_have_text("A NIK has exactly 16 digits.")
    expect(page.get_by_label("NIK on the e-KTP")).to_have_attribute("aria-invalid", "true")
    screenshot("invalid")


@pytest.mark.parametrize("viewport", [DESK_PC])
def test_on_a_desk_pc_the_two_look_ups_sit_side_by_side(
    context, live_server, page, screenshot, person_without_code, viewport
):
    office, officer, _booking = person_without_code
    _find_by_nik(context, live_server, page, office, officer)
    # Measured once the answer page has loaded with its styles: measuring during the
    # navigation once found both forms stacked (CI, under load).
    expect(page.get_by_test_id("nik-result")).to_have_count(2)
    page.wait_for_load_state("load")

    code_box = page.get_by_test_id("lookup").bounding_box()
    nik_box = page.get_by_test_id("nik-lookup").bounding_box()
    assert nik_box["x"] > code_box["x"] + 300
    screenshot("desk")
