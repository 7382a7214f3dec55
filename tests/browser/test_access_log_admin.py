"""The record of who saw whose data, as a supervisor reads it in the admin: on a phone
and at a desk, only their office's rows, from a booking's page to its own rows."""

import datetime as dt

import pytest
from django.utils import timezone

from applicants.models import Booking, Channel, PersonalDataAccess
from applicants.services.access_log import personal_data_access_record
from applicants.services.booking import booking_create
from offices.models import OfficeMembership
from offices.services import membership_grant, staff_groups_sync
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Action = PersonalDataAccess.Action
DESK = {"width": 1280, "height": 800}


def _book(office, serial: int) -> Booking:
    slot = factories.SlotFactory(office=office, date=timezone.localdate() + dt.timedelta(days=serial), capacity=5)
    applicant = factories.ApplicantFactory(
        nik=factories.make_nik(dt.date(1990, 1, 1), serial=serial), full_name=f"Pemohon Rahasia {serial}"
    )
    return booking_create(
        slot=slot, applicant=applicant, track="regular", service="new", now=timezone.now(), channel=Channel.ONLINE
    ).booking


@pytest.fixture
def supervisor_context(context, live_server, transactional_db):
    office = factories.OfficeFactory(code="batam", name="Kantor Imigrasi Kelas I Khusus TPI Batam")
    elsewhere = factories.OfficeFactory(
        code="jayapura", name="Kantor Imigrasi Kelas I TPI Jayapura", timezone="Asia/Jayapura"
    )
    staff_groups_sync()
    supervisor = factories.UserFactory(username="supervisor.batam")
    membership_grant(user=supervisor, office=office, role=OfficeMembership.Role.SUPERVISOR)
    officer = factories.StaffFactory(username="petugas.loket1", membership__office=office, membership__role="officer")
    stranger = factories.StaffFactory(
        username="petugas.jayapura", membership__office=elsewhere, membership__role="officer"
    )
    now = timezone.now()
    first, second = _book(office, 1), _book(office, 2)
    for minutes, action, booking, user in [
        (50, Action.NIK_LOOKUP, first, officer),
        (45, Action.CHECKIN_VIEW, first, officer),
        (44, Action.CHECKIN, first, officer),
        (30, Action.PROOF_PRINT, second, officer),
        (20, Action.COUNTER, first, officer),
    ]:
        personal_data_access_record(
            actor=user,
            office=office,
            action=action,
            channel=PersonalDataAccess.Channel.DESK,
            now=now - dt.timedelta(minutes=minutes),
            booking=booking,
        )
    personal_data_access_record(
        actor=officer,
        office=office,
        action=Action.DAY_LIST,
        channel=PersonalDataAccess.Channel.DESK,
        now=now - dt.timedelta(minutes=60),
        date=timezone.localdate(),
        count=2,
    )
    personal_data_access_record(
        actor=stranger,
        office=elsewhere,
        action=Action.PROOF_PRINT,
        channel=PersonalDataAccess.Channel.DESK,
        now=now,
        booking=_book(elsewhere, 3),
    )
    sign_in(context, live_server, supervisor)
    context.first_booking = first
    return context


def test_a_supervisor_reads_who_saw_their_office_s_people_on_a_phone(supervisor_context, page, screenshot):
    page.goto("/admin/applicants/personaldataaccess/")
    screenshot("phone")

    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 6
    text = page.locator("#result_list").inner_text()
    assert "petugas.loket1" in text and "petugas.jayapura" not in text
    assert "Pemohon Rahasia" not in page.content()
    assert page.js_errors == []


def test_from_a_booking_s_page_a_supervisor_opens_who_accessed_it(supervisor_context, page, screenshot):
    booking = supervisor_context.first_booking

    page.goto(f"/admin/applicants/booking/{booking.pk}/change/")
    screenshot("booking-page")
    page.get_by_test_id("booking-access-log").click()
    screenshot("booking")

    codes = page.locator("#result_list td.field-booking_code").all_inner_texts()
    # Four reads at the desk, and the admin page just opened.
    assert codes == [booking.code] * 5


@pytest.mark.parametrize("viewport", [DESK])
def test_a_supervisor_reads_who_saw_their_office_s_people_at_a_desk(supervisor_context, page, screenshot, viewport):
    page.goto("/admin/applicants/personaldataaccess/")
    screenshot("desk")

    assert page.locator("#result_list tbody tr").count() == 6
