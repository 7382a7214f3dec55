"""The utilization charts in Chromium: each office's bar is labelled with its name, and
long names wrap inside the chart on a phone and on a desktop instead of being cut or
pushing the page sideways."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from offices.selectors import CENTRAL_ADMIN_GROUP
from offices.services import staff_groups_sync
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
OFFICES = [
    ("jakarta-selatan", "Kantor Imigrasi Kelas I Khusus Non TPI Jakarta Selatan", 180, 200),
    ("ulp-sidoarjo", "Unit Layanan Paspor Mal Pelayanan Publik Kabupaten Sidoarjo", 30, 60),
    ("sabang", "Kantor Imigrasi Kelas II TPI Sabang", 5, 50),
]


@pytest.fixture
def central_admin_client(context, live_server, transactional_db):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for code, name, booked, capacity in OFFICES:
        office = factories.OfficeFactory(code=code, name=name)
        factories.SlotFactory(office=office, date=tomorrow, capacity=capacity, booked=booked)
    staff_groups_sync()
    user = factories.UserFactory(username="pusat", is_staff=True)
    user.groups.add(Group.objects.get(name=CENTRAL_ADMIN_GROUP))
    sign_in(context, live_server, user)
    return context


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_office_bars_show_whole_names_within_the_page(central_admin_client, page, viewport, screenshot):
    page.goto("/staff/utilization/")
    screenshot("utilization")

    labels = page.locator("#offices-caption ~ .bar-group .bar-label")
    assert labels.count() == len(OFFICES)
    for i, (code, name, _booked, _capacity) in enumerate(sorted(OFFICES, key=lambda o: -o[2] / o[3])):
        label = labels.nth(i)
        assert name in label.inner_text()
        assert code in label.inner_text()
        # Nothing cut off: the label's text fits its box, and the box fits the page.
        fits = label.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
        assert fits, f"{name} is cut off"
        box = label.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    # The bars keep a usable width beside (or under) the names.
    for track in page.locator("#offices-caption ~ .bar-group .bar-track").all():
        assert track.bounding_box()["width"] >= viewport["width"] * 0.3
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
