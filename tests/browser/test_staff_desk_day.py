"""An office's day at the desk PC (1366x768) and on a tablet (768x1024), in Indonesian and
English: what the officer is told when they register a walk-in, tap twice on a slow
connection, act on a stale counter screen, or lose their session mid-action."""

import datetime as dt
import threading
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applicants.models import Booking
from applicants.views import staff as staff_views
from offices.models import OfficeMembership, Slot, Track
from tests import factories
from tests.browser.conftest import sign_in
from tests.factories import make_nik

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 768}
TABLET = {"width": 768, "height": 1024}
ELDER_BORN = dt.date(1950, 1, 3)
ELDER_NIK = make_nik(ELDER_BORN, serial=3)


@pytest.fixture
def viewport():
    return DESK


@pytest.fixture
def office_day(transactional_db, time_machine):
    """10:05 at a large office taking online bookings: three sessions on each track."""
    office = factories.OfficeFactory(
        code="jakarta-selatan", name="Kantor Imigrasi Kelas I Khusus Non TPI Jakarta Selatan"
    )
    today = timezone.now().astimezone(office.tz).date()
    time_machine.move_to(dt.datetime.combine(today, dt.time(10, 5), tzinfo=office.tz), tick=True)
    for start, end in ((8, 10), (10, 12), (13, 15)):
        for track, capacity in ((Track.REGULAR, 50), (Track.EXPRESS, 10), (Track.PRIORITY, 5)):
            Slot.objects.create(
                office=office, date=today, start=dt.time(start), end=dt.time(end), track=track, capacity=capacity
            )
    officer = factories.StaffFactory(username="petugas.jaksel", membership__office=office)
    supervisor = factories.StaffFactory(
        username="supervisor.jaksel", membership__office=office, membership__role=OfficeMembership.Role.SUPERVISOR
    )
    return {"office": office, "today": today, "officer": officer, "supervisor": supervisor}


def _slowed(fn, seconds: float = 1.0, calls: list | None = None):
    """``fn`` answering ``seconds`` late, as over a slow office connection; ``calls``
    counts the requests that reached it."""

    def slow(*args, **kwargs):
        if calls is not None:
            calls.append(threading.get_ident())
        time.sleep(seconds)
        return fn(*args, **kwargs)

    return slow


def _double_tap(page, button) -> None:
    """Two taps 0.3 s apart on where ``button`` is, the second while the first is sent
    (the mouse itself: Playwright's click would wait for the page to settle first)."""
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)


def _fill_walk_in(page, *, group="elderly", nik=ELDER_NIK, name="Mbah Sumarni", born=ELDER_BORN):
    page.locator("#id_priority_group").select_option(group)
    page.locator("#id_nik").fill(nik)
    page.locator("#id_full_name").fill(name)
    page.locator("#id_birth_date_0").fill(str(born.day))
    page.locator("#id_birth_date_1").fill(str(born.month))
    page.locator("#id_birth_date_2").fill(str(born.year))


@pytest.mark.parametrize("viewport", [TABLET], ids=["tablet"])
def test_walk_in_errors_speak_of_the_applicant_not_to_the_officer(context, live_server, page, screenshot, office_day):
    office = office_day["office"]
    sign_in(context, live_server, office_day["officer"], "id")
    page.goto(f"/staff/{office.code}/walkin/")

    page.get_by_role("button", name="Daftarkan dan beri nomor").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Tanggal lahir: Masukkan tanggal lahir pemohon.")
    expect(summary).to_contain_text("NIK: Masukkan NIK pemohon")
    expect(summary).not_to_contain_text("Anda")
    expect(page.locator("#id_birth_date_error")).to_have_text("Masukkan tanggal lahir pemohon.")
    screenshot("walkin-errors-id")


def test_a_double_tap_on_register_shows_the_number_given(
    context, live_server, page, screenshot, office_day, monkeypatch
):
    """On a slow connection the second tap's answer ("this NIK already has an active
    booking") replaced the first's, and the officer never saw the number given."""
    office = office_day["office"]
    sign_in(context, live_server, office_day["officer"], "en")
    monkeypatch.setattr(staff_views, "walkin_register", _slowed(staff_views.walkin_register))
    page.goto(f"/staff/{office.code}/walkin/")
    _fill_walk_in(page)

    _double_tap(page, page.get_by_role("button", name="Register and give a number"))

    expect(page.get_by_test_id("queue-number")).to_have_text("P-001", timeout=8_000)
    expect(page.locator("[role=alert]")).to_have_count(0)
    assert Booking.objects.count() == 1
    screenshot("walkin-double-tap")
