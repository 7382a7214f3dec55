"""What the waiting room reads: the public queue page on a phone and the TV board, as
drawn by the server and as kept up to date by their scripts."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from applicants.models import ServiceCounter
from applicants.services.checkin import checkin_confirm
from applicants.services.queue import queue_call_next
from applicants.services.rollover import service_stop
from offices.models import Office, Slot, Track
from tests import factories
from tests.browser.conftest import save_screenshot
from tests.staff.conftest import make_booking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TV = {"width": 1280, "height": 720}
# The bright yellow of "Now calling" while a call is live (static/css/staff.css).
HIGHLIGHT = "rgb(242, 194, 0)"


def _morning(
    time_machine, *, booked: int, checked_in: int, name: str = "Kantor Imigrasi Kelas I Non TPI Jakarta Timur"
):
    """Jakarta Timur (or an office called ``name``) at 08:00 today, its clock pinned: one
    session from 08:00 to 12:00 with ``booked`` people, the first ``checked_in`` of them
    checked in one second apart. Returns the office, ``at(hour, minute, second)`` on its
    clock, and the bookings."""
    office = factories.OfficeFactory(code="jakarta-timur", name=name)
    today = timezone.now().astimezone(office.tz).date()

    def at(hour, minute=0, second=0):
        return dt.datetime.combine(today, dt.time(hour, minute, second), tzinfo=office.tz)

    time_machine.move_to(at(8), tick=False)
    slot = Slot.objects.create(
        office=office, date=today, start=dt.time(8), end=dt.time(12), track=Track.REGULAR, capacity=max(60, booked)
    )
    people = [make_booking(slot) for _ in range(booked)]
    for n, booking in enumerate(people[:checked_in]):
        checkin_confirm(office=office, booking=booking, now=at(8) + dt.timedelta(seconds=n))
    return office, at, people


@pytest.fixture
def long_morning(transactional_db, time_machine):
    """08:30: 22 people checked in, two called in the last half hour at two counters, so
    the twenty still waiting have about five hours to go."""
    office, at, people = _morning(time_machine, booked=26, checked_in=22)
    officer = factories.StaffFactory(membership__office=office)
    desks = [ServiceCounter.objects.create(office=office, name=name) for name in ("Loket 1", "Loket 2")]
    queue_call_next(office=office, counter=desks[0], now=at(8, 10), actor=officer)
    queue_call_next(office=office, counter=desks[1], now=at(8, 20), actor=officer)
    time_machine.move_to(at(8, 30), tick=True)
    return {"office": office, "officer": officer, "later": people[22:], "at": at}


def test_the_public_queue_page_keeps_a_long_wait_in_hours_as_it_updates(page, long_morning, screenshot):
    office = long_morning["office"]
    wait = page.locator('[data-track="regular"] [data-field="estimated_wait_text"]')

    page.goto(f"/offices/{office.code}/queue/")
    assert wait.text_content() == "sekitar 5\xa0jam"

    # Four more people check in: the page's next poll (every 5 s) brings the longer wait.
    for booking in long_morning["later"]:
        checkin_confirm(office=office, booking=booking, now=timezone.now())
    expect(wait).to_have_text("sekitar 6\xa0jam", timeout=12_000)
    # The time of the update, redrawn by the poll, is written as every Indonesian time: 08.00.
    expect(page.locator("[data-queue-updated]")).to_have_text(re.compile(r"^\d\d\.\d\d$"))
    screenshot("queue")
    assert page.js_errors == []


def _board(browser, live_server, office, language, *, clock: dt.datetime | None = None):
    """The board on a TV. ``clock``: the TV's clock is Playwright's (page.clock), set to
    that moment, for the test to stop and run on (tests/browser/test_queue_board_pages.py)."""
    context = browser.new_context(viewport=TV, base_url=live_server.url, locale=f"{language}-ID")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    if clock is not None:
        context.clock.install(time=clock)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.goto(f"/display/{office.display_token}/")
    return context, page


def _fits_the_tv(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollHeight <= window.innerHeight"
        " && document.documentElement.scrollWidth <= window.innerWidth"
    )


def _shows_no_live_call(page) -> None:
    expect(page.locator("[data-stopped]")).to_be_visible()
    expect(page.locator(".display-latest")).to_be_hidden()
    expect(page.locator(".display-counters")).to_be_hidden()
    # The last number called is still there, among the numbers called before the stop.
    expect(page.locator("[data-recent] li").first).to_contain_text("A-002")


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_stopped_board_shows_no_call_as_live_and_fits_the_tv(browser, live_server, long_morning, language):
    from tests.browser.conftest import ARTIFACTS
    from tests.browser.test_staff_flow import _serious_violations

    office = long_morning["office"]
    service_stop(office=office, now=timezone.now(), actor=long_morning["officer"])
    context, board = _board(browser, live_server, office, language)
    try:
        _shows_no_live_call(board)
        # Once more after display.js has drawn the state it polls (every 1.5 s).
        board.wait_for_timeout(2_000)
        _shows_no_live_call(board)
        clock = r"^\d\d\.\d\d$" if language == "id" else r"^\d\d:\d\d$"  # 08.00 / 08:00
        expect(board.locator("[data-clock]")).to_have_text(re.compile(clock))
        # The full-screen button is in the board's own font, not the browser's button font.
        assert board.evaluate(
            "getComputedStyle(document.querySelector('[data-fullscreen]')).fontFamily"
            " === getComputedStyle(document.body).fontFamily"
        )
        ARTIFACTS.mkdir(exist_ok=True)
        save_screenshot(board, ARTIFACTS / f"display-board-stopped-{language}.png")
        assert _fits_the_tv(board)
        assert _serious_violations(board) == []
        assert board.js_errors == []
    finally:
        context.close()


def test_the_board_turns_to_stopped_without_a_reload(browser, live_server, long_morning):
    from tests.browser.conftest import ARTIFACTS

    office = long_morning["office"]
    context, board = _board(browser, live_server, office, "id")
    try:
        expect(board.locator("[data-latest-number]")).to_have_text("A-002")
        expect(board.locator("[data-stopped]")).to_be_hidden()

        service_stop(office=office, now=timezone.now(), actor=long_morning["officer"])

        expect(board.locator("[data-stopped]")).to_be_visible(timeout=5_000)
        _shows_no_live_call(board)
        save_screenshot(board, ARTIFACTS / "display-board-stopped-live.png")
        assert _fits_the_tv(board)
        assert board.js_errors == []
    finally:
        context.close()


@pytest.fixture
def before_the_first_call(transactional_db, time_machine):
    """08:30: three people checked in at 08:00, no counter has called anyone yet."""
    office, at, people = _morning(time_machine, booked=3, checked_in=3)
    time_machine.move_to(at(8, 30), tick=True)
    desk = ServiceCounter.objects.create(office=office, name="Loket 1")
    return {"office": office, "people": people, "desk": desk}


NOTHING_TO_GO_ON = (
    "Belum dapat diperkirakan: hari ini belum ada nomor yang dipanggil, sehingga belum ada dasar perkiraannya."
)


def test_the_public_queue_says_why_there_is_no_estimate_and_its_updates_keep_saying_it(
    page, before_the_first_call, screenshot
):
    """The wait used to read "–", on the page and after each update."""
    office = before_the_first_call["office"]
    wait = page.locator('[data-track="regular"] [data-field="estimated_wait_text"]')

    page.goto(f"/offices/{office.code}/queue/")
    expect(wait).to_have_text(NOTHING_TO_GO_ON)
    with page.expect_response(lambda r: r.url.endswith(f"/api/v1/offices/{office.code}/queue/"), timeout=12_000):
        pass  # the page's own poll, every 5 s

    expect(wait).to_have_text(NOTHING_TO_GO_ON)
    expect(page.locator('[data-track="priority"] [data-field="estimated_wait_text"]')).to_have_text(
        "Saat ini tidak ada yang menunggu."
    )
    screenshot("queue-no-estimate")
    assert page.js_errors == []


def test_the_public_queue_lets_go_of_the_last_counter_without_a_reload(page, before_the_first_call):
    """Its script redrew the counters only when some were left: the last one retired stayed
    on the page as free until a reload."""
    office, desk = before_the_first_call["office"], before_the_first_call["desk"]
    counters = page.locator("[data-counters] li")

    page.goto(f"/offices/{office.code}/queue/")
    expect(counters).to_have_text(["Loket 1 Kosong"])
    desk.is_active = False
    desk.save(update_fields=["is_active"])
    cache.clear()

    expect(counters).to_have_text(["Tidak ada loket yang buka."], timeout=12_000)
    assert page.js_errors == []


def test_the_proof_says_why_there_is_no_estimate_until_the_first_call(page, before_the_first_call, screenshot):
    people, desk = before_the_first_call["people"], before_the_first_call["desk"]
    last = people[-1]
    wait = page.locator('.queue-live [data-field="estimated_wait"]')

    page.goto(f"/b/{last.code}/{last.token}/")
    expect(wait).to_have_text(NOTHING_TO_GO_ON)
    # A sentence, set smaller than the figures beside it.
    assert wait.evaluate("el => getComputedStyle(el).fontSize") == "16px"
    screenshot("proof-no-estimate")

    queue_call_next(office=before_the_first_call["office"], counter=desk, now=timezone.now())
    with page.expect_response(lambda r: r.url.endswith("/queue.json")):
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # as when the phone wakes

    expect(wait).to_have_text("sekitar 30\xa0menit")  # one ahead, one call in the last 30 minutes
    expect(wait).not_to_have_attribute("data-unknown", "")
    assert wait.evaluate("el => getComputedStyle(el).fontSize") == "20px"
    assert page.js_errors == []


def test_the_board_lets_go_of_a_call_once_it_is_served_without_a_reload(browser, live_server, long_morning):
    """Served or missed, a number stayed "now calling" and on its counter's tile."""
    from applicants.models import Booking, BookingStatus
    from applicants.services.queue import queue_missed, queue_served
    from tests.browser.conftest import ARTIFACTS

    office, officer = long_morning["office"], long_morning["officer"]
    context, board = _board(browser, live_server, office, "id")
    try:
        expect(board.locator("[data-latest-number]")).to_have_text("A-002")
        called = {b.queue_number: b for b in Booking.objects.filter(office=office, status=BookingStatus.CALLED)}

        queue_served(booking=called["A-002"], now=timezone.now(), actor=officer)

        # The earlier call still live at Loket 1 is the call now; Loket 2 is free.
        expect(board.locator("[data-latest-number]")).to_have_text("A-001", timeout=5_000)
        expect(board.locator("[data-latest-counter]")).to_have_text("Loket 1")
        expect(board.locator("[data-counters] li")).to_have_text(["Loket 1A-001", "Loket 2Kosong"])
        expect(board.locator("[data-recent] li")).to_have_text(["A-002 Loket 2"])

        queue_missed(booking=called["A-001"], now=timezone.now(), actor=officer)

        expect(board.locator("[data-latest-number]")).to_have_text("–", timeout=5_000)
        # Nobody called: the box is dimmed, not the bright yellow of a call.
        latest = board.locator(".display-latest")
        expect(latest).to_have_class(re.compile(r"\bis-idle\b"))
        assert latest.evaluate("el => getComputedStyle(el).backgroundColor") != HIGHLIGHT
        expect(board.locator("[data-counters] li.free")).to_have_count(2)
        expect(board.locator("[data-recent] li")).to_have_text(["A-002 Loket 2", "A-001 Loket 1"])
        save_screenshot(board, ARTIFACTS / "display-board-all-free.png")

        # Two calls live at once: the one at Loket 1 is on its tile, not "called before" as well.
        queue_call_next(
            office=office, counter=ServiceCounter.objects.get(office=office, name="Loket 1"), now=timezone.now()
        )
        queue_call_next(
            office=office, counter=ServiceCounter.objects.get(office=office, name="Loket 2"), now=timezone.now()
        )

        expect(board.locator("[data-latest-number]")).to_have_text("A-004", timeout=5_000)
        expect(latest).not_to_have_class(re.compile(r"\bis-idle\b"))
        expect(board.locator("[data-counters] li")).to_have_text(["Loket 1A-003", "Loket 2A-004"])
        expect(board.locator("[data-recent] li")).to_have_text(["A-002 Loket 2", "A-001 Loket 1"])
        assert board.js_errors == []
    finally:
        context.close()


def test_the_board_shows_open_counters_free_until_they_call_without_a_reload(
    browser, live_server, before_the_first_call
):
    """An open counter was missing from the board until its first call of the day."""
    office, desk = before_the_first_call["office"], before_the_first_call["desk"]
    for name in ("Loket 10", "Loket 2"):
        ServiceCounter.objects.create(office=office, name=name)
    context, board = _board(browser, live_server, office, "id")
    try:
        tiles, latest = board.locator("[data-counters] li"), board.locator(".display-latest")
        expect(tiles).to_have_text(["Loket 1Kosong", "Loket 2Kosong", "Loket 10Kosong"])
        expect(latest).to_have_class(re.compile(r"\bis-idle\b"))

        queue_call_next(office=office, counter=desk, now=timezone.now())

        expect(tiles).to_have_text(["Loket 1A-001", "Loket 2Kosong", "Loket 10Kosong"], timeout=5_000)
        # The call is drawn in the call's colours again, no longer dimmed.
        expect(latest).not_to_have_class(re.compile(r"\bis-idle\b"))
        expect(board.locator("[data-latest-number]")).to_have_text("A-001")
        assert board.js_errors == []
    finally:
        context.close()


TV_SIZES = [{"width": 1920, "height": 1080}, {"width": 1366, "height": 768}, {"width": 1280, "height": 720}]
# A big office (Surabaya, some 400 people a day) opens 20 counters and more, named up to
# ~25 characters, some with a word longer than a tile five a row is wide ("Kewarganegaraan").
COUNTER_NAMES = [
    "Loket 1", "Loket 2 Prioritas", "Loket 3", "Loket 4 Percepatan", "Loket 5", "Loket 6",
    "Loket 7", "Loket 8 Lansia", "Loket 9", "Loket 10", "Loket 11 Percepatan", "Loket 12",
    "Loket 13 Kewarganegaraan", "Loket 14 Perpanjangan", "Loket 15 Disabilitas", "Loket 16",
    "Loket 17", "Loket 18", "Loket 19 Prioritas", "Loket 20",
    "Loket 21", "Loket 22 Wawancara", "Loket 23", "Loket 24 Pengambilan", "Loket 25",
    "Loket 26 Prioritas", "Loket 27", "Loket 28 Perpanjangan", "Loket 29",
    "Loket 30 Kewarganegaraan", "Loket 31", "Loket 32 Percepatan", "Loket 33", "Loket 34",
    "Loket 35 Lansia", "Loket 36", "Loket 37", "Loket 38 Disabilitas", "Loket 39", "Loket 40",
]  # fmt: skip

# Each word of each element's text (its text nodes, display.js may set a long word in a
# span of its own), with the number of lines it is drawn on.
WORD_LINES = """selector => [...document.querySelectorAll(selector)].flatMap(el => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const words = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of node.textContent.matchAll(/\\S+/g)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            words.push([match[0], new Set([...range.getClientRects()].map(r => Math.round(r.top))).size]);
        }
    }
    return words;
})"""


def calling_at(time_machine, names: list[str], **office) -> Office:
    """08:30: a counter for each of ``names``. Each has served one person and called a
    second, but the last, whose second person was served too: a free tile among the
    others, and the numbers called before of the last counters."""
    from applicants.services.queue import queue_served

    people = 2 * len(names) + 4
    office, at, _people = _morning(time_machine, booked=people, checked_in=people, **office)
    officer = factories.StaffFactory(membership__office=office)
    desks = [ServiceCounter.objects.create(office=office, name=name) for name in names]
    second = dt.timedelta(seconds=1)
    for n, desk in enumerate(desks):
        first = queue_call_next(office=office, counter=desk, now=at(8, 5) + 2 * n * second, actor=officer)
        queue_served(booking=first, now=at(8, 5) + (2 * n + 1) * second, actor=officer)
    # From 08:10, one every 30 s: the last of 40 is called at 08:29:30.
    for n, desk in enumerate(desks):
        called = queue_call_next(office=office, counter=desk, now=at(8, 10) + 30 * n * second, actor=officer)
    if len(desks) > 1:
        queue_served(booking=called, now=at(8, 10) + (30 * len(desks) - 15) * second, actor=officer)
    time_machine.move_to(at(8, 30), tick=True)
    return office


@pytest.fixture
def counters_calling(transactional_db, time_machine, request):
    """``calling_at`` the first ``request.param`` of COUNTER_NAMES."""
    return calling_at(time_machine, COUNTER_NAMES[: request.param])


# What does not fit its box: a tile's name or number, "Now calling"'s number, a number called before.
OVERFLOWING = """() => [...document.querySelectorAll(
    '.display-counters li, .display-latest, .display-recent li'
)].filter(el => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)
  .map(el => el.textContent)"""


RECENT_ON_TWO_LINES = """() => [...document.querySelectorAll('[data-recent] li')].filter(
    li => li.getBoundingClientRect().height > 1.6 * parseFloat(getComputedStyle(li).fontSize)
).map(li => li.textContent)"""


def _font_size(page, selector) -> float:
    return page.locator(selector).first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")


@pytest.mark.parametrize("size", TV_SIZES, ids=lambda s: f"{s['width']}x{s['height']}")
@pytest.mark.parametrize("counters_calling", [1, 2, 6, 12, 20], indirect=True)
def test_the_board_keeps_counter_names_whole_on_every_tv(browser, live_server, counters_calling, size):
    """At 1920x1080 two tiles side by side left "Loket 1" one letter a line; more than nine
    tiles (twelve at 1920x1080) pushed the waiting counts off the TV."""
    from tests.browser.conftest import ARTIFACTS

    office = counters_calling
    count = ServiceCounter.objects.filter(office=office).count()
    context = browser.new_context(viewport=size, base_url=live_server.url, locale="id-ID")
    try:
        board = context.new_page()
        board.goto(f"/display/{office.display_token}/")
        board.wait_for_timeout(2_000)  # drawn once more by display.js from the state it polls
        ARTIFACTS.mkdir(exist_ok=True)
        save_screenshot(board, ARTIFACTS / f"display-board-{count}-counters-{size['width']}x{size['height']}.png")

        expect(board.locator("[data-counters] li")).to_have_count(count)
        words = board.evaluate(WORD_LINES, ".display-counter-name")
        assert len(words) == sum(len(name.split()) for name in COUNTER_NAMES[:count])
        # Whole, or (a word too long for a tile five a row, "Kewarganegaraan", kept at a size
        # that reads across the hall) broken only between syllables, with a hyphen.
        assert [word for word, lines in words if lines != 1 and "\u00ad" not in word] == []
        for selector in (".display-counter-number", ".display-counter-free", "[data-latest-number]"):
            assert [word for word, lines in board.evaluate(WORD_LINES, selector) if lines != 1] == []
        assert board.evaluate(OVERFLOWING) == []
        # Each number called before on one line with its counter ("Loket 11" over "Percepatan").
        assert board.evaluate(RECENT_ON_TWO_LINES) == []
        # All of it on the screen, the waiting counts at the bottom included.
        assert _fits_the_tv(board)
        for part in (".display-latest", ".display-counters", ".display-recent", ".display-foot"):
            expect(board.locator(part)).to_be_in_viewport(ratio=1)
    finally:
        context.close()


@pytest.mark.parametrize("size", TV_SIZES, ids=lambda s: f"{s['width']}x{s['height']}")
@pytest.mark.parametrize("counters_calling", [1, 3, 6, 12, 20], indirect=True)
def test_the_board_gives_its_room_to_the_call_not_to_an_empty_band(browser, live_server, counters_calling, size):
    """Every row of the board's grid was stretched: a band of nothing under the header, a
    sixth of a 1920x1080 TV with one counter."""
    office = counters_calling
    context = browser.new_context(viewport=size, base_url=live_server.url, locale="id-ID")
    try:
        board = context.new_page()
        board.goto(f"/display/{office.display_token}/")
        board.wait_for_timeout(2_000)
        head = board.locator(".display-head").bounding_box()
        latest = board.locator(".display-latest").bounding_box()
        assert latest["y"] - (head["y"] + head["height"]) <= 0.04 * size["height"]
        # "Now calling" reaches down to the numbers called before: the room left is its.
        recent = board.locator(".display-recent").bounding_box()
        assert recent["y"] - (latest["y"] + latest["height"]) <= 0.04 * size["height"]
        # Its number is the largest on the board, well above a tile's.
        assert _font_size(board, "[data-latest-number]") >= 2 * _font_size(board, ".display-counter-number")
        # A tile is as tall as its text (and its row), not stretched down the screen.
        # Measured in one go: display.js redraws the tiles as it polls, and a tile read one
        # at a time may be gone by the time it is measured.
        tallest = board.evaluate(
            "() => Math.max(...[...document.querySelectorAll('[data-counters] li')]"
            ".map(li => li.getBoundingClientRect().height))"
        )
        assert tallest <= 0.25 * size["height"]
    finally:
        context.close()


def test_the_board_still_fits_the_tv_as_counters_open_without_a_reload(browser, live_server, before_the_first_call):
    """The tiles' sizes follow their number, drawn by the page and by display.js alike: the
    board a TV opened at 08:00 with one counter still fits once twenty are open, and once
    twenty-six are, in two pages of thirteen."""
    from applicants.services.queue import counter_open

    office = before_the_first_call["office"]
    context, board = _board(browser, live_server, office, "id")
    try:
        tiles, shown = board.locator("[data-counters] li"), board.locator("[data-counters] li:not([hidden])")
        expect(tiles).to_have_count(1)
        for name in COUNTER_NAMES[1:20]:
            counter_open(office=office, name=name, now=timezone.now())

        expect(tiles).to_have_count(20, timeout=5_000)
        expect(shown).to_have_count(20)
        expect(board.locator("[data-pages]")).to_be_hidden()
        assert board.evaluate(OVERFLOWING) == []
        assert _fits_the_tv(board)
        expect(board.locator(".display-foot")).to_be_in_viewport(ratio=1)

        for name in COUNTER_NAMES[20:26]:
            counter_open(office=office, name=name, now=timezone.now())

        expect(tiles).to_have_count(26, timeout=5_000)
        expect(shown).to_have_count(13)
        expect(board.locator("[data-page-text]")).to_have_text(re.compile(r"^Halaman [12] dari 2$"))
        assert board.evaluate(OVERFLOWING) == []
        assert _fits_the_tv(board)
        expect(board.locator(".display-foot")).to_be_in_viewport(ratio=1)
        assert board.js_errors == []
    finally:
        context.close()


def test_the_public_queue_turns_to_closed_at_closing_time_without_a_reload(
    page, long_morning, time_machine, screenshot
):
    """After closing, "no one is waiting" would read as "come now": the page says it has
    closed, by itself, at the office's closing time (16:00 here)."""
    office, at = long_morning["office"], long_morning["at"]
    time_machine.move_to(at(15, 59, 55), tick=True)
    cache.clear()

    page.goto(f"/offices/{office.code}/queue/")
    assert page.locator('[data-testid="service-state"]').count() == 0

    notice = page.locator('[data-testid="service-state"][data-state="closed"]')
    expect(notice).to_be_visible(timeout=20_000)
    expect(notice).to_contain_text("16.00")
    expect(page.locator('[data-track="regular"] [data-field="estimated_wait_text"]')).to_have_text(
        "Kantor sudah tidak melayani lagi hari ini."
    )
    screenshot("queue-closed")
    assert page.js_errors == []


@pytest.fixture
def a_saturday(transactional_db, time_machine):
    """A Saturday at 09:00 at an office with no session that day and no closure record
    either (sessions are laid out on working days only), and its sessions on Monday."""
    office = factories.OfficeFactory(code="jakarta-timur", name="Kantor Imigrasi Kelas I Non TPI Jakarta Timur")
    saturday, monday = dt.date(2026, 12, 12), dt.date(2026, 12, 14)
    time_machine.move_to(dt.datetime.combine(saturday, dt.time(9), tzinfo=office.tz), tick=True)
    Slot.objects.create(office=office, date=monday, start=dt.time(8), end=dt.time(12), track=Track.REGULAR, capacity=60)
    ServiceCounter.objects.create(office=office, name="Loket 1")
    return {"office": office}


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("id", ("Tidak ada layanan hari ini.", "Hari layanan berikutnya: Senin, 14 Desember.")),
        ("en", ("There is no service today.", "The next service day is Monday, 14 December.")),
    ],
)
@pytest.mark.parametrize("tv", [TV, {"width": 1920, "height": 1080}], ids=["720p", "1080p"])
def test_on_a_day_without_sessions_the_board_says_there_is_no_service_and_the_next_day(
    browser, live_server, a_saturday, language, said, tv
):
    """The board waited with "Now calling –", free counters and "Numbers already called will
    be listed here." on a Saturday: numbers that would not come that day."""
    from tests.browser.conftest import ARTIFACTS

    office = a_saturday["office"]
    title, detail = said
    context, board = _board(browser, live_server, office, language)
    try:
        board.set_viewport_size(tv)
        for when in ("drawn by the server", "redrawn by display.js"):
            notice = board.locator("[data-stopped]")
            expect(notice).to_be_visible()
            expect(notice.locator("[data-stopped-title]")).to_have_text(title)
            expect(notice.locator("[data-stopped-detail]")).to_have_text(detail)
            expect(board.locator(".display-latest")).to_be_hidden()
            expect(board.locator(".display-counters")).to_be_hidden()
            expect(board.locator("[data-recent-none]")).to_be_hidden()
            assert _fits_the_tv(board), when
            board.wait_for_timeout(2_000)
        save_screenshot(board, ARTIFACTS / f"board-no-service-{language}-{tv['width']}.png")
        assert board.js_errors == []
    finally:
        context.close()
