"""The admin lists in Chromium at desk size: the columns a central admin reads a list for
are in sight, not scrolled away behind the side menu."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from applicants.models import Booking, Channel
from applicants.services.booking import booking_create
from offices.models import Closure, Office
from offices.selectors import CENTRAL_ADMIN_GROUP
from offices.services import staff_groups_sync
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1280, "height": 800}


@pytest.fixture
def viewport():
    return dict(DESK)


@pytest.fixture
def central_admin_context(context, live_server, transactional_db):
    office = factories.OfficeFactory(
        code="jakarta-selatan", name="Kantor Imigrasi Kelas I Khusus Non TPI Jakarta Selatan"
    )
    slot = factories.SlotFactory(office=office, date=timezone.localdate() + dt.timedelta(days=1), capacity=5)
    applicant = factories.ApplicantFactory(nik=factories.make_nik(dt.date(1990, 1, 1), serial=1))
    booking_create(
        slot=slot, applicant=applicant, track="regular", service="new", now=timezone.now(), channel=Channel.ONLINE
    )
    staff_groups_sync()
    user = factories.UserFactory(username="pusat", is_staff=True)
    user.groups.add(Group.objects.get(name=CENTRAL_ADMIN_GROUP))
    sign_in(context, live_server, user)
    return context


@pytest.mark.parametrize(
    ("path", "column"),
    [("/admin/applicants/booking/", "status"), ("/admin/offices/slot/", "booked_of_capacity")],
)
def test_a_central_admin_sees_the_column_a_list_is_read_for(central_admin_context, page, screenshot, path, column):
    page.goto(path)
    screenshot(column)

    header = page.locator(f"#result_list th.column-{column}")
    results = page.locator("#changelist .results")
    box, visible = header.bounding_box(), results.bounding_box()
    # Wholly inside the list's visible area (the list scrolls sideways when it does not fit).
    assert box["x"] >= visible["x"]
    assert box["x"] + box["width"] <= visible["x"] + visible["width"] + 1
    assert page.locator("#nav-sidebar").count() == 0


def test_a_central_admin_reads_the_coming_closures_first_and_can_narrow_them_to_an_office(
    central_admin_context, page, screenshot
):
    office = factories.OfficeFactory(code="batam", name="Kantor Imigrasi Kelas I Khusus TPI Batam")
    today = timezone.localdate()
    jakarta = Office.objects.get(code="jakarta-selatan")
    for where, days, kind, reason in [
        (jakarta, 3, Closure.Kind.LOCAL, "Renovasi"),
        (None, 300, Closure.Kind.NATIONAL_HOLIDAY, "Hari Kemerdekaan"),
        (office, 5, Closure.Kind.LOCAL, "Perbaikan listrik"),
        (office, -10, Closure.Kind.LOCAL, "Banjir"),
        (None, 20, Closure.Kind.COLLECTIVE_LEAVE, "Cuti bersama"),
    ]:
        Closure.objects.create(office=where, date=today + dt.timedelta(days=days), kind=kind, reason=reason)

    page.goto("/admin/offices/closure/")
    screenshot("closures")

    reasons = page.locator("#result_list td.field-reason_shown").all_inner_texts()
    assert reasons == ["Renovasi", "Perbaikan listrik", "Cuti bersama", "Hari Kemerdekaan", "Banjir"]
    page.locator("#changelist-filter").get_by_role("link", name=office.name).click()
    page.wait_for_url(f"**/admin/offices/closure/?office={office.pk}")
    assert page.locator("#result_list td.field-reason_shown").all_inner_texts() == [
        "Perbaikan listrik",
        "Cuti bersama",
        "Hari Kemerdekaan",
        "Banjir",
    ]


def test_the_status_log_says_the_applicant_booked(central_admin_context, page, screenshot):
    booking = Booking.objects.get()

    page.goto(f"/admin/applicants/booking/{booking.pk}/change/")
    log = page.locator("#transitions-group")
    log.scroll_into_view_if_needed()
    screenshot("status-log")

    assert log.locator("td.field-actor_label").all_inner_texts() == ["Pemohon"]
