"""The admin lists in Chromium at desk size: the columns a central admin reads a list for
are in sight, not scrolled away behind the side menu."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from applicants.models import Channel
from applicants.services.booking import booking_create
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
