"""The waiting-time charts in Chromium: the supervisor's today page and the waits
history. The bars are as long as their minutes say, side by side with the counts on the
desk PC, and their numbers stay readable, within the page, on a 390-pixel phone."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from applicants.models import BookingStatus
from offices.models import OfficeMembership, Slot, Track
from offices.selectors import CENTRAL_ADMIN_GROUP
from offices.services import staff_groups_sync
from tests import factories
from tests.browser.conftest import sign_in
from tests.staff.conftest import make_booking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SESSIONS = [(dt.time(8), dt.time(10)), (dt.time(10), dt.time(12)), (dt.time(13), dt.time(15))]
# Minutes waited per session: 10-40 (average 25, 9 in 10 at most 40), 5 and 15 (10 and
# 15), and nobody called yet in the afternoon.
WAITS = {dt.time(8): [10, 20, 30, 40], dt.time(10): [5, 15], dt.time(13): []}
EXPECTED_BARS = [25, 40, 10, 15]  # minutes, in page order

BARS = """selector => [...document.querySelectorAll(selector)].map(bar => {
    const value = bar.nextElementSibling;
    const box = value.getBoundingClientRect();
    return {width: bar.getBoundingClientRect().width, text: value.textContent.trim(),
            left: box.left, right: box.right, clipped: value.scrollWidth > value.clientWidth + 1,
            fontSize: parseFloat(getComputedStyle(value).fontSize)};
})"""


@pytest.fixture
def viewport():
    return DESKTOP


def _day(office, day, waits, *, at_hour=None):
    def at(hour, minute=0):
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=office.tz)

    for start, end in SESSIONS:
        slots = {
            track: Slot.objects.create(office=office, date=day, start=start, end=end, track=track, capacity=20)
            for track in Track
        }
        for i, minutes in enumerate(waits.get(start, [])):
            checked_in = at(start.hour, i)
            make_booking(
                slots[Track.REGULAR],
                status=BookingStatus.SERVED,
                checked_in_at=checked_in,
                called_at=checked_in + dt.timedelta(minutes=minutes),
            )
        make_booking(slots[Track.REGULAR])  # expected, not come yet


@pytest.fixture
def afternoon(transactional_db, time_machine):
    office = factories.OfficeFactory(
        code="jakarta-selatan", name="Kantor Imigrasi Kelas I Khusus Non TPI Jakarta Selatan"
    )
    today = timezone.now().astimezone(office.tz).date()
    time_machine.move_to(dt.datetime.combine(today, dt.time(12, 30), tzinfo=office.tz), tick=False)
    _day(office, today, WAITS)
    supervisor = factories.StaffFactory(
        username="supervisor.jaksel", membership__office=office, membership__role=OfficeMembership.Role.SUPERVISOR
    )
    time_machine.move_to(dt.datetime.combine(today, dt.time(12, 30), tzinfo=office.tz), tick=True)
    return {"office": office, "supervisor": supervisor, "today": today}


def _assert_in_proportion(bars, minutes):
    assert [b["text"] for b in bars], "no bars"
    assert len(bars) == len(minutes)
    longest = max(b["width"] for b in bars)
    for bar, expected in zip(bars, minutes, strict=True):
        assert bar["width"] / longest == pytest.approx(expected / max(minutes), abs=0.02), bars


def _assert_readable(bars, page, viewport):
    for bar in bars:
        assert not bar["clipped"], bar
        assert bar["left"] >= 0 and bar["right"] <= viewport["width"], bar
        assert bar["fontSize"] >= 12
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_today_draws_the_waits_in_proportion_beside_the_counts(
    context, live_server, page, afternoon, viewport, screenshot
):
    sign_in(context, live_server, afternoon["supervisor"], "id")
    page.goto(f"/staff/{afternoon['office'].code}/today/")
    screenshot("today")

    chart = page.locator('[data-testid="session-waits"]')
    bars = page.evaluate(BARS, '[data-testid="session-waits"] .bar')
    _assert_in_proportion(bars, EXPECTED_BARS)
    _assert_readable(bars, page, viewport)
    assert [b["text"] for b in bars][:2] == [
        "rata-rata: 25\xa0menit",
        "9 dari 10 orang menunggu paling lama: 40\xa0menit",
    ]
    assert chart.locator(".bar-none").inner_text() == "belum terukur"
    counts = page.locator("#bars-caption").bounding_box()
    waits = page.locator("#waits-caption").bounding_box()
    if viewport == DESKTOP:
        assert waits["y"] == pytest.approx(counts["y"], abs=2) and waits["x"] > counts["x"] + 300  # side by side
    else:
        assert waits["y"] > counts["y"]  # one above the other


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_history_compares_days_and_offices_in_proportion(
    context, live_server, page, afternoon, viewport, screenshot
):
    other = factories.OfficeFactory(code="sabang", name="Kantor Imigrasi Kelas II TPI Sabang")
    _day(other, afternoon["today"] - dt.timedelta(days=1), {dt.time(8): [80]})
    staff_groups_sync()
    admin = factories.UserFactory(username="pusat", is_staff=True)
    admin.groups.add(Group.objects.get(name=CENTRAL_ADMIN_GROUP))
    sign_in(context, live_server, admin, "en")
    page.goto("/staff/waits/")
    screenshot("waits")

    # Yesterday (Sabang: 80 minutes), then today (Jakarta Selatan: 6 waits, the
    # average 20, the 6th shortest of 6 is 40); 80 minutes fill the bars.
    days = page.evaluate(BARS, '[data-testid="day-waits"] .bar')
    _assert_in_proportion(days, [80, 80, 20, 40])
    _assert_readable(days, page, viewport)
    offices = page.evaluate(BARS, '[data-testid="office-waits"] .bar')
    _assert_in_proportion(offices, [80, 80, 20, 40])  # slowest first
    _assert_readable(offices, page, viewport)
    assert "Sabang" in page.locator('[data-testid="office-waits"] .bar-label').first.inner_text()
    served = page.evaluate(BARS, '[data-testid="day-served"] .bar')
    _assert_in_proportion(served, [1, 6])
