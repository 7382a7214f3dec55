"""A supervisor moves the bookings above a lowered plan from the session list, in Chromium."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applicants.models import Booking, Channel
from applicants.services.booking import booking_create
from offices.models import OfficeMembership, Slot
from offices.services import membership_grant, staff_groups_sync
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def viewport():
    return {"width": 1280, "height": 800}


@pytest.fixture
def supervisor_context(context, live_server, transactional_db):
    office = factories.OfficeFactory(code="surabaya", name="Kantor Imigrasi Kelas I Khusus TPI Surabaya")
    day = timezone.localdate() + dt.timedelta(days=3)
    morning = factories.SlotFactory(office=office, date=day, start=dt.time(8), end=dt.time(10), capacity=3)
    factories.SlotFactory(office=office, date=day, start=dt.time(10), end=dt.time(12), capacity=5)
    for serial in (1, 2, 3):
        applicant = factories.ApplicantFactory(nik=factories.make_nik(dt.date(1990, 1, 1), serial=serial))
        booking_create(
            slot=morning,
            applicant=applicant,
            track="regular",
            service="new",
            now=timezone.now(),
            channel=Channel.ONLINE,
        )
    Slot.objects.filter(id=morning.id).update(planned_capacity=1)  # the plan was lowered to 1
    staff_groups_sync()
    user = factories.UserFactory(username="supervisor.surabaya")
    membership_grant(user=user, office=office, role=OfficeMembership.Role.SUPERVISOR)
    sign_in(context, live_server, user, "en")
    return morning


def test_a_supervisor_moves_the_bookings_above_the_plan(supervisor_context, page, screenshot, settings):
    morning = supervisor_context
    page.goto("/admin/offices/slot/?above_plan=yes")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("3 / 3 (plan 1)")
    page.locator(f"input[name=_selected_action][value='{morning.id}']").check()
    page.select_option("select[name=action]", "move_excess")
    page.get_by_role("button", name="Go").click()

    expect(page.get_by_text("3 booked, plan 1: 2 people moved")).to_be_visible()
    screenshot("confirm")
    page.get_by_role("button", name="Yes, move 2 bookings").click()

    expect(page.locator(".messagelist")).to_contain_text("2 bookings above the plan are being moved")
    screenshot("done")
    # Tests run the tasks in process (CELERY_TASK_ALWAYS_EAGER) or leave them to a worker.
    if settings.CELERY_TASK_ALWAYS_EAGER:
        assert Booking.objects.filter(status="rolled_over").count() == 2
