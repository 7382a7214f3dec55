"""An office's day at the desk PC (1366x768) and on a tablet (768x1024), in Indonesian and
English: what the officer is told when they register a walk-in, tap twice on a slow
connection, act on a stale counter screen, or lose their session mid-action."""

import datetime as dt
import threading
import time

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from applicants.models import Booking, ServiceCounter
from applicants.services.checkin import checkin_confirm
from applicants.services.queue import queue_call_next, queue_missed
from applicants.views import staff as staff_views
from offices.models import OfficeMembership, Slot, Track
from tests import factories
from tests.browser.conftest import LINES_OF, sign_in
from tests.factories import make_nik
from tests.staff.conftest import make_booking

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
    (the mouse itself: Playwright's click would wait for the page to settle first). A
    screen that refreshes itself may swap the button for a fresh copy, at the same place,
    while it is measured: then it is measured again."""
    box = None
    for _attempt in range(5):
        try:
            button.scroll_into_view_if_needed(timeout=2_000)
            box = button.bounding_box(timeout=2_000)
        except PlaywrightError:
            continue
        if box is not None:
            break
    assert box is not None, "the button was never still long enough to be measured"
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
    expect(summary).to_contain_text("Masukkan tanggal lahir pemohon.")
    # The message names the date of birth: no "Tanggal lahir:" before it.
    expect(summary).not_to_contain_text("Tanggal lahir: Masukkan")
    expect(summary).to_contain_text("NIK: Masukkan NIK pemohon")
    expect(summary).not_to_contain_text("Anda")
    expect(page.locator("#id_birth_date_error")).to_have_text("Masukkan tanggal lahir pemohon.")
    screenshot("walkin-errors-id")


def test_a_double_tap_on_register_sends_the_walk_in_once(
    context, live_server, page, screenshot, office_day, monkeypatch
):
    """On a slow connection the second tap's answer ("this NIK already has an active
    booking") replaced the first's, and the officer never saw the number given."""
    office = office_day["office"]
    sign_in(context, live_server, office_day["officer"], "en")
    calls = []
    monkeypatch.setattr(staff_views, "walkin_register", _slowed(staff_views.walkin_register, calls=calls))
    page.goto(f"/staff/{office.code}/walkin/")
    _fill_walk_in(page)

    _double_tap(page, page.get_by_role("button", name="Register and give a number"))

    expect(page.get_by_test_id("queue-number")).to_have_text("P-001", timeout=8_000)
    expect(page.get_by_role("heading", name="Registered and checked in")).to_be_visible()
    expect(page.locator("[role=alert]")).to_have_count(0)
    assert len(calls) == 1
    assert Booking.objects.count() == 1
    screenshot("walkin-double-tap")


def _checked_in(office, count: int) -> list[Booking]:
    slot = Slot.objects.get(office=office, start=dt.time(10), track=Track.REGULAR)
    people = [make_booking(slot, name=f"Pemohon {n}") for n in range(count)]
    for booking in people:
        checkin_confirm(office=office, booking=booking, now=timezone.now())
    return people


@pytest.mark.parametrize(("viewport", "language"), [(DESK, "id"), (TABLET, "en")], ids=["desk-id", "tablet-en"])
def test_a_double_tap_on_served_is_sent_once_even_after_the_screen_refreshed_itself(
    context, live_server, page, screenshot, office_day, monkeypatch, settings, language
):
    """The second tap reached the server, which answered "this number is not being called
    at a counter right now"; the first tap's "A-001 served." was lost with its page."""
    settings.STAFF_LIVE_REFRESH_SECONDS = 0.5
    office = office_day["office"]
    _checked_in(office, 2)
    desk = ServiceCounter.objects.create(office=office, name="Loket 1")
    sign_in(context, live_server, office_day["officer"], language)
    page.goto(f"/staff/{office.code}/counter/{desk.id}/")
    page.get_by_test_id("call-next").click()
    expect(page.get_by_test_id("current-number")).to_have_text("A-001")
    # The screen reads itself again and swaps its live parts, forms included, for fresh copies.
    page.evaluate("document.getElementById('live-counter-now').dataset.seen = '1'")
    expect(page.locator("#live-counter-now[data-seen]")).to_have_count(0)
    calls = []
    monkeypatch.setitem(staff_views.COUNTER_ACTIONS, "served", _slowed(staff_views.queue_served, calls=calls))

    _double_tap(page, page.locator("button[value=served]"))

    served = {"id": "A-001 selesai dilayani.", "en": "A-001 served."}[language]
    expect(page.locator(".messages")).to_have_text(served, timeout=8_000)
    assert len(calls) == 1
    assert [b.status for b in Booking.objects.order_by("queue_number")] == ["served", "checked_in"]
    screenshot(f"counter-double-tap-{language}")


def test_a_counter_screen_left_open_says_where_the_person_went(context, live_server, page, screenshot, office_day):
    """Its "Did not come" made the person now called at Loket 2 a no-show."""
    office = office_day["office"]
    [booking] = _checked_in(office, 1)
    loket1 = ServiceCounter.objects.create(office=office, name="Loket 1")
    loket2 = ServiceCounter.objects.create(office=office, name="Loket 2")
    sign_in(context, live_server, office_day["officer"], "id")
    page.goto(f"/staff/{office.code}/counter/{loket1.id}/")
    page.get_by_test_id("call-next").click()
    # Meanwhile, from another screen: missed at Loket 1, then called at Loket 2.
    queue_missed(booking=booking, now=timezone.now())
    queue_call_next(office=office, counter=loket2, now=timezone.now())

    page.locator("button[value=missed]").click()

    expect(page.locator(".messages")).to_have_text(
        "A-001 tidak lagi dipanggil di loket ini (sekarang: dipanggil di Loket 2): tidak ada yang diubah."
    )
    expect(page.get_by_test_id("call-next")).to_be_visible()
    booking.refresh_from_db()
    assert (booking.status, booking.counter_id) == ("called", loket2.id)
    screenshot("counter-stale-id")


def _sign_in_with_the_form(page, user) -> None:
    page.goto("/staff/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("form.form button[type=submit]").click()


@pytest.mark.parametrize("viewport", [TABLET], ids=["tablet"])
def test_an_action_after_being_signed_out_elsewhere_is_said_not_done(
    context, live_server, page, screenshot, office_day
):
    """The counter's "Served" went to the sign-in page without a word, and from there back
    to the counter, the person still at it: was it done or not?"""
    office, officer = office_day["office"], office_day["officer"]
    _checked_in(office, 1)
    desk = ServiceCounter.objects.create(office=office, name="Loket 1")
    sign_in(context, live_server, officer, "id")
    page.goto(f"/staff/{office.code}/counter/{desk.id}/")
    page.get_by_test_id("call-next").click()
    other = context.new_page()
    other.goto("/staff/?stay=1")
    other.get_by_role("button", name="Keluar (petugas.jaksel)").click()
    # Signed out once the sign-in page is there. The tab stays open (the context closes it):
    # closing it here once hung for the test's whole 5 minutes under a loaded CI run.
    expect(other.get_by_role("heading", name="Masuk petugas")).to_be_visible()

    page.get_by_role("button", name="Selesai dilayani").click()

    expect(page.locator(".messages")).to_have_text(
        "Anda sudah keluar dari akun, sehingga tindakan tadi tidak dijalankan. Silakan masuk, lalu ulangi."
    )
    expect(page.get_by_role("heading", name="Masuk petugas")).to_be_visible()
    screenshot("signed-out-id")
    page.locator("#id_username").fill(officer.username)
    page.locator("#id_password").fill("correct-horse-battery")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_test_id("current-number")).to_have_text("A-001")
    assert Booking.objects.get().status == "called"


def test_a_tab_opened_before_signing_in_again_says_nothing_was_done(context, live_server, page, screenshot, office_day):
    """Its form carried the token of the earlier sign-in: the page said "If you were
    booking, check My booking first" and offered the office search."""
    office, officer = office_day["office"], office_day["officer"]
    sign_in(context, live_server, officer, "en")
    page.goto(f"/staff/{office.code}/walkin/")
    _fill_walk_in(page)
    other = context.new_page()
    other.goto("/staff/?stay=1")
    other.get_by_role("button", name="Sign out (petugas.jaksel)").click()
    _sign_in_with_the_form(other, officer)  # the tab left open, as above

    page.get_by_role("button", name="Register and give a number").click()

    expect(page.get_by_role("heading", name="This page was out of date")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Nothing was done.")
    expect(page.locator("main")).not_to_contain_text("My booking")
    screenshot("out-of-date-en")
    assert not Booking.objects.exists()
    page.get_by_role("link", name="Back to the staff pages").click()
    expect(page.get_by_role("heading", name="Check-in")).to_be_visible()


def test_a_server_error_at_the_counter_says_what_to_check(
    context, live_server, page, screenshot, office_day, monkeypatch
):
    office = office_day["office"]
    desk = ServiceCounter.objects.create(office=office, name="Loket 1")
    sign_in(context, live_server, office_day["officer"], "id")
    page.goto(f"/staff/{office.code}/counter/{desk.id}/")

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(staff_views, "queue_call_next", broken)
    page.get_by_test_id("call-next").click()

    expect(page.get_by_role("heading", name="Terjadi kesalahan")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Tindakan tadi mungkin sudah atau belum dijalankan.")
    expect(page.locator("main")).not_to_contain_text("Pendaftaran Anda")
    screenshot("server-error-id")
    page.get_by_role("link", name="Kembali ke halaman petugas").click()
    expect(page.get_by_role("heading", name="Check-in")).to_be_visible()


@pytest.mark.parametrize("viewport", [TABLET], ids=["tablet"])
def test_the_system_out_of_reach_page_at_the_desk(context, live_server, page, screenshot, office_day):
    """The middleware's own 503 answer for a staff page, as the browser shows it (the
    database cannot be taken from the live server's thread alone)."""
    from django.db import OperationalError
    from django.test import RequestFactory
    from django.utils import translation

    from queue_booking.middleware import DatabaseUnavailableMiddleware

    office = office_day["office"]
    url = f"/staff/{office.code}/walkin/"
    with translation.override("en"):
        answer = DatabaseUnavailableMiddleware(lambda request: None).process_exception(
            RequestFactory().post(url), OperationalError()
        )
    sign_in(context, live_server, office_day["officer"], "en")
    page.goto(url)
    _fill_walk_in(page)
    page.route(
        f"**{url}",
        lambda route: (
            route.fulfill(status=503, body=answer.content, content_type="text/html")
            if route.request.method == "POST"
            else route.continue_()
        ),
    )

    page.get_by_role("button", name="Register and give a number").click()

    expect(page.get_by_role("heading", name="The system cannot be reached")).to_be_visible()
    expect(page.locator("main")).to_contain_text("go on on paper with the day list printed this morning")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("unreachable-en")
    page.unroute(f"**{url}")
    page.get_by_role("link", name="Try again").click()
    expect(page.get_by_role("heading", name="Register a walk-in")).to_be_visible()


@pytest.mark.parametrize(("viewport", "language"), [(TABLET, "en"), (DESK, "id")], ids=["tablet-en", "desk-id"])
def test_the_check_in_desk_says_who_can_let_a_late_arrival_in_and_names_a_refused_code(
    context, live_server, page, screenshot, office_day, language
):
    office = office_day["office"]
    early_slot = Slot.objects.get(office=office, start=dt.time(8), track=Track.REGULAR)
    late = make_booking(early_slot, name="Budi Santoso")
    other = factories.OfficeFactory(code="surabaya", name="Kantor Imigrasi Kelas I Khusus TPI Surabaya")
    foreign_slot = Slot.objects.create(
        office=other, date=office_day["today"], start=dt.time(10), end=dt.time(12), track=Track.REGULAR, capacity=9
    )
    foreign = make_booking(foreign_slot)
    sign_in(context, live_server, office_day["officer"], language)
    page.goto(f"/staff/{office.code}/checkin/")
    words = {
        "en": ("A supervisor of this office can let a late arrival in", f"Cannot check in {foreign.code}:"),
        "id": ("Supervisor kantor ini dapat mengizinkan", f"Check-in tidak dapat dilakukan untuk {foreign.code}:"),
    }[language]

    page.locator("#id_code").fill(late.code)
    page.get_by_test_id("lookup").click()
    expect(page.get_by_test_id("late-ask-supervisor")).to_contain_text(words[0])
    expect(page.get_by_test_id("confirm-checkin")).to_have_count(0)
    screenshot(f"late-{language}")

    page.locator("#id_code").fill(foreign.code)
    page.get_by_test_id("lookup").click()
    expect(page.locator(".checkin-error")).to_contain_text(words[1])
    screenshot(f"refused-{language}")


@pytest.mark.parametrize(("viewport", "language"), [(DESK, "id"), (TABLET, "en")], ids=["desk-id", "tablet-en"])
def test_an_officer_closes_their_counter_at_the_end_of_the_day(
    context, live_server, page, screenshot, office_day, language
):
    office = office_day["office"]
    desk = ServiceCounter.objects.create(office=office, name="Loket 1")
    ServiceCounter.objects.create(office=office, name="Loket 2")
    sign_in(context, live_server, office_day["officer"], language)
    page.goto(f"/staff/{office.code}/counter/{desk.id}/")
    close = page.get_by_test_id("close-counter")
    expect(close).to_be_visible()
    assert close.bounding_box()["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(f"counter-{language}")

    close.click()

    closed = {"id": "Loket 1 ditutup", "en": "Loket 1 is closed"}[language]
    expect(page.locator(".messages")).to_contain_text(closed)
    expect(page.locator(".counter-list li")).to_have_count(1)
    screenshot(f"closed-{language}")


@pytest.mark.parametrize("viewport", [TABLET], ids=["tablet"])
def test_a_booking_s_session_times_stay_on_one_line_on_a_tablet(context, live_server, page, screenshot, office_day):
    """'08:00–' ended one line and '10:00 WIB' began the next."""
    office = office_day["office"]
    booking = make_booking(Slot.objects.get(office=office, start=dt.time(10), track=Track.REGULAR))
    sign_in(context, live_server, office_day["officer"], "en")
    page.goto(f"/staff/{office.code}/checkin/")
    page.locator("#id_code").fill(booking.code)
    page.get_by_test_id("lookup").click()

    found = page.evaluate(LINES_OF, ".staff-facts .nowrap")
    assert found == [["10:00–12:00 WIB", 1]]
    screenshot("session-one-line")


def test_a_counter_closed_meanwhile_leads_back_to_the_desk(context, live_server, page, screenshot, office_day):
    office = office_day["office"]
    desk = ServiceCounter.objects.create(office=office, name="Loket 1")
    sign_in(context, live_server, office_day["officer"], "id")
    page.goto(f"/staff/{office.code}/counter/{desk.id}/")
    ServiceCounter.objects.filter(id=desk.id).update(is_active=False)  # closed from another screen

    page.get_by_test_id("call-next").click()

    expect(page.get_by_role("heading", name="Halaman tidak ditemukan")).to_be_visible()
    expect(page.locator("main")).to_contain_text("tidak ada yang dijalankan")
    screenshot("closed-counter-404-id")
    page.get_by_role("link", name="Kembali ke halaman petugas").click()
    expect(page.get_by_role("heading", name="Check-in")).to_be_visible()
