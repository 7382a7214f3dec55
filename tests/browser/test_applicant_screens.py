"""Every page an applicant sees, as they see it: on a 360-pixel phone and on a desk PC, in
Indonesian and English; nothing wider than the screen, no serious accessibility problem,
fingers-sized targets, and a booking that a double tap cannot spoil.

tests/browser/test_accessibility.py looks at the main pages at a phone's width; this
module adds the desk width, the pages reached on the way (errors, the review, a full day,
a cancelled booking, the day itself) and the error pages."""

import datetime as dt
import re

import pytest
from django.template import loader
from django.utils import timezone, translation
from playwright.sync_api import expect

from applicants.models import Booking
from applicants.services.applicants import applicant_upsert
from applicants.services.booking import booking_create
from applicants.services.changes import booking_cancel
from applicants.services.checkin import checkin_confirm
from applicants.services.queue import counter_open, queue_call_next
from offices.models import Office, Slot
from offices.timeutils import office_today
from tests.browser.conftest import ARTIFACTS, save_screenshot
from tests.browser.public_data import NIK, _add_day, bookable_weekday, booking_for, offices_with_sessions
from tests.browser.test_accessibility import _violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 800}
LONG_NAME = "Raden Ayu Siti Nurhaliza Kusumawardhani Prawirodirdjo Hadiningrat"


@pytest.fixture
def applicant_world():
    """Surabaya (WIB) with a full day, a booking to look at, a cancelled one, and one
    checked in today at 08:10 and called to a counter; Makassar (WITA) with a booking."""
    date = bookable_weekday(None, after=3)
    full = bookable_weekday(None, after=(date - office_today(Office(timezone="Asia/Jakarta"), timezone.now())).days + 1)
    offices = offices_with_sessions(full_dates=(full,))
    surabaya = offices["surabaya"]
    today = office_today(surabaya, timezone.now())
    if not Slot.objects.filter(office=surabaya, date=today).exists():
        _add_day(surabaya, today)  # a weekend day: the office opens for this test
    proof = booking_for(surabaya, date)
    cancelled = booking_for(surabaya, date, nik="3578015708850002", birth_date=dt.date(1985, 8, 17))
    booking_cancel(booking=cancelled.booking, now=timezone.now())
    yesterday = timezone.now() - dt.timedelta(days=1)
    with_time = Slot.objects.filter(office=surabaya, date=today, track="regular").order_by("start").first()
    person = applicant_upsert(
        nik="3578010101800003", full_name=LONG_NAME, birth_date=dt.date(1980, 1, 1), phone="081234567891", email=""
    )
    on_the_day = booking_create(slot=with_time, applicant=person, track="regular", service="new", now=yesterday)
    morning = dt.datetime.combine(today, dt.time(8, 10), tzinfo=surabaya.tz)
    checkin_confirm(office=surabaya, booking=on_the_day.booking, now=morning)
    queue_call_next(
        office=surabaya,
        counter=counter_open(office=surabaya, name="Loket 1", now=morning).counter,
        now=morning + dt.timedelta(minutes=5),
    )
    makassar = booking_for(offices["makassar"], date, nik="7371014404920006", birth_date=dt.date(1992, 4, 4))
    return {
        "date": date,
        "full": full,
        "proof": f"/b/{proof.booking.code}/{proof.token}/",
        "code": proof.booking.code,
        "cancelled": f"/b/{cancelled.booking.code}/{cancelled.token}/",
        "on_the_day": f"/b/{on_the_day.booking.code}/{on_the_day.token}/",
        "makassar": f"/b/{makassar.booking.code}/{makassar.token}/",
    }


def _fill_applicant(page, *, nik: str = "3578011705900009") -> None:
    page.fill("#id_full_name", LONG_NAME)
    page.fill("#id_nik", nik)
    page.fill("#id_birth_date_0", "17")
    page.fill("#id_birth_date_1", "5")
    page.fill("#id_birth_date_2", "1990")
    page.fill("#id_phone", "0812 3456 7890")


def _submit(page) -> None:
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").last.click()


def _steps(world) -> list[tuple[str, object]]:
    """(name, path or action): every applicant page, the ones behind a form included."""
    date, full, proof = world["date"].isoformat(), world["full"].isoformat(), world["proof"]
    form = f"/offices/surabaya/book/?date={date}"

    def empty_form(page):
        page.goto(form)
        _submit(page)

    def review(page):
        page.goto(f"{form}&session=08:00&track=regular")
        _fill_applicant(page)
        page.fill("#id_email", "raden.ayu.siti.nurhaliza.kusumawardhani@contoh-alamat-panjang.co.id")
        _submit(page)

    def holder(page):
        page.goto(f"{form}&session=10:00&track=regular")
        _fill_applicant(page, nik=NIK)
        _submit(page)
        with page.expect_navigation():
            page.click("button[value=confirm]")

    def lookup_wrong(page):
        page.goto("/my-booking/")
        page.fill("#id_code", "ZZZZZZZZ")
        page.fill("#id_nik", NIK)
        _submit(page)

    def lookup_bad_code(page):
        page.goto("/my-booking/")
        page.fill("#id_code", "ABCD1O2")
        page.fill("#id_nik", NIK)
        _submit(page)

    def reschedule_day(page):
        page.goto(proof + "reschedule/")
        with page.expect_navigation():
            page.locator(".alternatives a").first.click()
        _submit(page)

    return [
        ("home", "/"),
        ("search", "/?q=surabaya"),
        ("no-match", "/?q=zzzz"),
        ("office", f"/offices/surabaya/?date={date}"),
        ("full-day", f"/offices/surabaya/?date={full}"),
        ("office-wita", "/offices/makassar/"),
        ("form", form),
        ("form-errors", empty_form),
        ("form-full-day", f"/offices/surabaya/book/?date={full}&if_full=next_available"),
        ("review", review),
        ("already-booked", holder),
        ("proof", proof),
        ("proof-wita", world["makassar"]),
        ("proof-cancelled", world["cancelled"]),
        ("proof-on-the-day", world["on_the_day"]),
        ("my-booking", "/my-booking/"),
        ("my-booking-wrong", lookup_wrong),
        ("my-booking-bad-code", lookup_bad_code),
        ("cancel", proof + "cancel/"),
        ("cancel-cancelled", world["cancelled"] + "cancel/"),
        ("reschedule", proof + "reschedule/"),
        ("reschedule-errors", reschedule_day),
        ("reschedule-date-filled", proof + f"reschedule/?date={full}"),
        ("renew-link", proof + "renew-link/"),
        ("queue", "/offices/surabaya/queue/"),
        ("not-found", "/b/AAAAAAAA/not-a-token/"),
    ]


def _error_pages(language: str) -> dict[str, str]:
    """400, 403 and 503 as Django renders them (no request reaches them in a live test)."""
    with translation.override(language):
        return {
            name: loader.render_to_string(template, {"retry_url": "/"})
            for name, template in (("400", "400.html"), ("403", "403.html"), ("503", "503.html"))
        }


def _problems(page) -> list:
    found = _violations(page)
    if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
        found.append("wider than the screen")
    return found


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("size", [PHONE, DESK], ids=["phone", "desk"])
def test_every_applicant_page_fits_and_has_no_serious_accessibility_violation(
    browser, live_server, applicant_world, language, size
):
    from tests.browser.conftest import ARTIFACTS

    context = browser.new_context(viewport=size, base_url=live_server.url, locale="id-ID")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        ARTIFACTS.mkdir(exist_ok=True)
        problems = {}
        for name, step in _steps(applicant_world):
            if callable(step):
                step(page)
            else:
                page.goto(step)
            expect(page.locator("html")).to_have_attribute("lang", language)
            save_screenshot(page, ARTIFACTS / f"applicant-{name}-{size['width']}-{language}.png")
            if found := _problems(page):
                problems[name] = found
        page.goto("/")
        for name, html in _error_pages(language).items():
            page.set_content(html)
            if found := _problems(page):
                problems[name] = found
        assert problems == {}
        assert errors == []
    finally:
        context.close()


def test_a_double_tap_on_confirm_sends_the_booking_once(page, applicant_world):
    """A thumb's second tap used to send the booking again while the first was on its way;
    the second answer ("this NIK already has an active booking") then replaced the proof."""
    page.goto(f"/offices/surabaya/book/?date={applicant_world['date'].isoformat()}&session=08:00&track=regular")
    _fill_applicant(page)
    _submit(page)
    held = []
    # Each booking request waits here until both taps are done, as on a slow connection.
    page.route(re.compile(r"/offices/surabaya/book/"), lambda route: held.append(route))

    # Two taps 150 ms apart, from inside the page: Playwright's own clicks would wait for
    # the first tap's page to arrive, which is exactly what a person does not do.
    page.evaluate(
        """() => {
            const confirm = document.querySelector("button[value=confirm]");
            confirm.click();
            window.setTimeout(() => confirm.click(), 150);
        }"""
    )
    page.wait_for_timeout(1_000)  # time for the second tap; the page is still the review

    sent = len(held)
    for route in held:
        route.continue_()
    page.wait_for_url(re.compile(r"/b/[A-Z0-9]{8}/[^/]+/$"))
    assert sent == 1
    expect(page.locator("[data-booking-code]")).to_have_text(Booking.objects.latest("id").code)


def test_a_sent_booking_says_so_while_the_answer_is_on_its_way(page, applicant_world):
    page.goto(f"/offices/surabaya/book/?date={applicant_world['date'].isoformat()}&session=08:00&track=regular")
    _fill_applicant(page)
    _submit(page)
    # Keep the page where it is once the form has been sent, to look at it "in flight".
    page.evaluate("() => window.addEventListener('submit', (event) => event.preventDefault())")
    confirm = page.locator("button[value=confirm]")

    confirm.click()

    expect(confirm).to_be_disabled()
    expect(confirm).to_have_text("Mengirim…")
    expect(page.locator("button[value=edit]")).to_be_disabled()
    expect(page.locator("form[data-submit-once]")).to_have_attribute("aria-busy", "true")
    assert not Booking.objects.filter(applicant__full_name=LONG_NAME, slot__date=applicant_world["date"]).exists()


# Links that are the main way to act, though they sit in text: 44 pixels high without
# the line they sit on growing, and no other target within their reach.
_OVERLAPPING_TARGETS = """(link) => {
    const mine = link.getBoundingClientRect();
    return [...document.querySelectorAll("a[href], button, input, select, label")]
        .filter((other) => other !== link && !link.contains(other) && !other.contains(link) && other.offsetParent)
        .filter((other) => {
            const r = other.getBoundingClientRect();
            return r.left < mine.right && mine.left < r.right && r.top < mine.bottom && mine.top < r.bottom;
        })
        .map((other) => other.outerHTML.slice(0, 60));
}"""


def test_choices_links_and_buttons_are_big_enough_for_a_thumb(page, applicant_world):
    """44 pixels high at least: the radio rows used to be 24, the "Book" buttons and the
    language buttons 36, the menu links 35, the dates to move a booking to 24; the brand
    26, "Change date", the way back and the links to the queue 19, a nearby office's name 19."""
    date = applicant_world["date"].isoformat()

    def heights(selector: str) -> list[float]:
        boxes = [element.bounding_box() for element in page.locator(selector).all()]
        assert boxes, f"no {selector} on {page.url}"
        return [round(box["height"]) for box in boxes if box]

    def cramped(selector: str) -> list:
        """Links in text that are too small, or reach over another target."""
        links = page.locator(selector).all()
        assert links, f"no {selector} on {page.url}"
        return [h for h in heights(selector) if h < 44] + [
            o for link in links for o in link.evaluate(_OVERLAPPING_TARGETS)
        ]

    page.goto(f"/offices/surabaya/?date={date}")
    small = {
        selector: [h for h in heights(selector) if h < 44]
        for selector in ("#day .session-list a.button", ".site-nav a", ".lang-switch .lang-button")
    }
    small["brand"] = cramped(".site-header .brand")
    small["back to all offices"] = cramped(".breadcrumb a")
    small["the office's queue"] = cramped("a[href='/offices/surabaya/queue/']")
    # The paragraph of the queue link keeps the height of one line of text.
    assert page.locator("p:has(> a[href='/offices/surabaya/queue/'])").evaluate("p => p.offsetHeight") < 30
    page.goto(f"/offices/surabaya/book/?date={date}")
    small["form choice labels"] = [h for h in heights(".choice label") if h < 44]
    small["back to the calendar"] = cramped(".breadcrumb a")
    small["change date"] = cramped("dl.facts dd a[href$='#day']")
    page.goto(applicant_world["proof"] + "cancel/")
    small["cancel tick"] = [h for h in heights(".choice label") if h < 44]
    page.goto(f"/offices/surabaya/?date={applicant_world['full'].isoformat()}")
    small["next dates of a full day"] = [h for h in heights("#day .date-choices a") if h < 44]
    small["nearby offices of a full day"] = [h for h in heights("#day .nearby a") if h < 44]
    page.goto(applicant_world["proof"] + "reschedule/")
    small["dates to move to"] = [h for h in heights(".date-choices a") if h < 44]
    small["back to the proof"] = cramped(".breadcrumb a")
    page.goto(applicant_world["on_the_day"])
    small["the whole queue, from the proof"] = cramped(".queue-live a[href$='/queue/']")

    assert {name: found for name, found in small.items() if found} == {}


def test_the_date_chosen_to_move_to_is_marked(page, applicant_world):
    page.goto(applicant_world["proof"] + "reschedule/")
    first = page.locator(".date-choices a").first
    with page.expect_navigation():
        first.click()

    chosen = page.locator(".date-choices a[aria-current]")
    expect(chosen).to_have_count(1)
    assert chosen.evaluate("a => getComputedStyle(a).borderTopWidth") == "3px"
    assert (
        page.locator(".date-choices a:not([aria-current])").first.evaluate("a => getComputedStyle(a).borderTopWidth")
        == "1px"
    )


@pytest.mark.parametrize(("language", "told"), [("id", "Centang “Ya, batalkan"), ("en", "Tick “Yes, cancel")])
def test_cancelling_without_the_tick_shows_our_error_not_the_browser_s(
    page, live_server, applicant_world, language, told
):
    """The box used to be "required": Chromium held the form back with its own bubble, in
    the browser's language, and the page showed nothing."""
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(applicant_world["proof"] + "cancel/")

    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text(told)
    expect(summary).to_be_focused()
    expect(page.locator("#id_confirm")).to_have_attribute("aria-invalid", "true")
    assert Booking.objects.get(code=applicant_world["code"]).status == "confirmed"


def _refresh(page) -> None:
    # What the page does every 20 seconds, and when the phone's screen comes back on.
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")


@pytest.mark.parametrize(
    ("language", "told"),
    [("id", "Angka antrean tidak dapat diperbarui"), ("en", "The numbers could not be updated")],
)
def test_a_failed_refresh_says_the_numbers_may_be_out_of_date(
    page, live_server, applicant_world, language, told, screenshot
):
    """A lost connection used to fade the numbers and say nothing: a person in the waiting
    room took them for current, and a screen reader heard no change at all."""
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(applicant_world["on_the_day"])
    notice = page.locator(".queue-live [data-queue-stale]")
    expect(notice).to_be_hidden()
    expect(notice).to_have_attribute("role", "status")

    page.route("**/queue.json", lambda route: route.abort("internetdisconnected"))
    _refresh(page)

    expect(notice).to_be_visible()
    expect(notice).to_contain_text(told)
    screenshot("offline")

    # A server error is a failure too (a 503 while the database restarts).
    page.unroute("**/queue.json")
    page.route("**/queue.json", lambda route: route.fulfill(status=503, body="busy"))
    _refresh(page)
    expect(notice).to_contain_text(told)

    page.unroute("**/queue.json")
    _refresh(page)

    expect(notice).to_be_hidden()
    expect(page.locator("[data-queue-url]")).to_have_attribute("data-stale", "false")


def test_the_public_queue_page_says_when_its_numbers_could_not_be_updated(page, live_server, applicant_world):
    """Its refresh failed silently: the numbers stayed, with only an "Updated 08.15" that
    stopped moving to show they were old."""
    page.clock.install()
    page.goto("/offices/surabaya/queue/")
    notice = page.locator("[data-queue-stale]")
    expect(notice).to_be_hidden()
    expect(notice).to_have_attribute("role", "status")

    page.route("**/api/v1/offices/surabaya/queue/", lambda route: route.abort("internetdisconnected"))
    page.clock.run_for(5_500)  # the page asks every 5 seconds

    expect(notice).to_contain_text("Angka antrean tidak dapat diperbarui")
    save_screenshot(page, ARTIFACTS / "public-queue-offline.png", full_page=False)

    page.unroute("**/api/v1/offices/surabaya/queue/")
    with page.expect_response(lambda response: response.url.endswith("/api/v1/offices/surabaya/queue/")):
        page.clock.run_for(5_500)
    expect(notice).to_be_hidden()
