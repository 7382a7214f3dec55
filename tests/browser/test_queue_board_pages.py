"""The TV board of a big office: any number of counters on every TV, in pages of tiles
that turn by themselves; long names kept whole; the stopped day and the morning before
the first number is over as composed screens. In Indonesian and English, at 1280x720,
1366x768 and 1920x1080, measured against the screen as people see it."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from applicants.services.queue import queue_call_next, queue_served
from applicants.services.rollover import service_stop
from applicants.views.queue_boards import BOARD_PAGE_SECONDS
from offices.services.directory import office_directory_read
from tests.browser import test_queue_boards
from tests.browser.conftest import ARTIFACTS, save_screenshot
from tests.browser.test_queue_boards import (
    COUNTER_NAMES,
    OVERFLOWING,
    TV,
    TV_SIZES,
    WORD_LINES,
    _board,
    _fits_the_tv,
    _font_size,
    calling_at,
)
from tests.browser.test_staff_flow import _serious_violations

# The board's mornings, fixtures of this module too.
long_morning = test_queue_boards.long_morning
before_the_first_call = test_queue_boards.before_the_first_call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The longest office name there is: two lines on a 1280x720 TV.
LONGEST_OFFICE_NAME = max((row.fields["name"] for row in office_directory_read()), key=len)
PAGE = {"id": "Halaman {} dari {}", "en": "Page {} of {}"}
RECENT_NONE = {
    "id": "Nomor yang sudah dipanggil akan tampil di sini.",
    "en": "Numbers already called will be listed here.",
}
STOPPED = {"id": "Layanan hari ini dihentikan.", "en": "Service has stopped for today."}

# The words of a name broken across lines where no hyphen is drawn: a break is allowed
# between words, after a hyphen, at a soft hyphen (drawn as a hyphen) and where display.js
# allows one after a slash ("Pengambilan/" over "Penyerahan"), nowhere else.
BROKEN_WITHOUT_HYPHEN = """selector => [...document.querySelectorAll(selector)].flatMap(el => {
    const chars = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.textContent.length; i++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            // The box the character is drawn in: a range next to a line break has an empty
            // one at the end of the line before as well.
            const rect = [...range.getClientRects()].sort((a, b) => b.width - a.width)[0];
            chars.push([node.textContent[i], rect && rect.width ? rect.bottom : null]);
        }
    }
    const broken = [];
    for (let i = 1; i < chars.length; i++) {
        const [before, low] = chars[i - 1];
        const [after, next] = chars[i];
        if (/\\s/.test(before + after) || low === null || next === null) continue;
        if (next > low + 2 && !"\\u00ad\\u200b-".includes(before)) broken.push(el.textContent);
    }
    return broken;
})"""

# The shown tiles' names, their numbers' type size, and the boxes of the board's parts.
SHOWN = """() => ({
    names: [...document.querySelectorAll('[data-counters] li:not([hidden]) .display-counter-name')]
        .map(el => el.textContent.replace(/[\\u00ad\\u200b]/g, '')),
    number: Math.min(...[...document.querySelectorAll('[data-counters] li:not([hidden]) .display-counter-number')]
        .map(el => parseFloat(getComputedStyle(el).fontSize))),
    page: document.querySelector('[data-page-text]').textContent,
})"""


def _board_on_a_clock(browser, live_server, office, language):
    """The board, its TV's clock Playwright's, set to the server's time and running with it
    until the test stops both (``_stop_clocks``)."""
    return _board(browser, live_server, office, language, clock=timezone.now())


def _stop_clocks(board, time_machine) -> None:
    """The server's clock and the TV's stopped at the same moment: from then on a page
    turns only when the test runs both on (``_run_clocks``), never while it measures, and
    without waiting for the turns in real time."""
    # A moment just ahead of the TV's clock, which runs on meanwhile: on a loaded machine
    # more than the margin can pass before the pause arrives ("Cannot fast-forward to the
    # past", seen in CI), so a missed moment is tried again further ahead.
    for margin_ms in (100, 400, 1_600, 6_400):
        moment = dt.datetime.fromtimestamp((board.evaluate("Date.now()") + margin_ms) / 1000, tz=dt.UTC)
        try:
            board.clock.pause_at(moment)
            break
        except PlaywrightError as error:
            if "to the past" not in str(error):
                raise
    else:
        pytest.fail("the TV's clock could not be paused ahead of itself")
    time_machine.move_to(moment, tick=False)
    board.polls_open = set()
    board.on("request", lambda request: board.polls_open.add(request))
    board.on("requestfinished", lambda request: board.polls_open.discard(request))
    board.on("requestfailed", lambda request: board.polls_open.discard(request))
    _polls_read(board)


CLOCK_STEP_MS = 250


def _run_clocks(board, time_machine, milliseconds: int) -> None:
    """Both clocks ``milliseconds`` on: the TV's timers due meanwhile fire (its page turns,
    its polls of the state, answered by a server whose clock agrees).

    In quarter-second steps, each waiting for the polls it fired to be answered and read:
    display.js sets the TV's clock by the server's (``clockOffset``), and a poll fired early
    in one long run and answered by a server already at the run's end set the TV that far
    ahead, so with two pages it could turn twice before the test looked (seen in loaded
    full runs)."""
    while milliseconds > 0:
        step = min(CLOCK_STEP_MS, milliseconds)
        time_machine.shift(dt.timedelta(milliseconds=step))
        board.clock.run_for(step)
        _polls_read(board)
        milliseconds -= step


def _polls_read(board) -> None:
    """Until every poll the TV has sent is answered, and its answer read."""
    board.evaluate("0")  # the requests the TV has made reach the test's listeners
    for _ in range(1_000):
        if not board.polls_open:
            break
        board.wait_for_timeout(5)
    board.evaluate("0")  # the answer's handler has run: the page takes one task at a time


def _to_the_next_turn(board) -> int:
    """Milliseconds from the TV's clock to its next page turn (display.js: every BOARD_PAGE_SECONDS)."""
    period = BOARD_PAGE_SECONDS * 1000
    return period - board.evaluate("Date.now()") % period


def _readable_on(board, size) -> None:
    """All of the board on the screen, nothing cut off or broken in the middle of a word."""
    assert _fits_the_tv(board), size
    assert board.evaluate(OVERFLOWING) == [], size
    for part in (".display-head", ".display-latest", ".display-counters", ".display-recent", ".display-foot"):
        expect(board.locator(part)).to_be_in_viewport(ratio=1)
    for selector in (".display-counter-name", "[data-latest-counter]", ".display-recent-counter"):
        assert board.evaluate(BROKEN_WITHOUT_HYPHEN, selector) == [], (size, selector)


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("count", [4, 12, 20, 21, 25, 26, 40])
def test_a_big_office_board_shows_every_counter_readable_on_every_tv(
    browser, live_server, transactional_db, time_machine, count, language
):
    """26 counters and more ran off a 1280x720 TV, and 21 to 25 were never tried under an
    office name on two lines. Up to 20 tiles show at once, at the size twenty have (their
    numbers 5% of the screen's height); more turn in pages of as many each, named and
    marked, every counter on one of them, in order."""
    office = calling_at(time_machine, COUNTER_NAMES[:count], name=LONGEST_OFFICE_NAME)
    pages = -(-count // 20)
    context, board = _board_on_a_clock(browser, live_server, office, language)
    seen = []
    try:
        board.wait_for_timeout(2_000)  # drawn once more by display.js from the state it polls
        _readable_on(board, TV)  # as opened, whichever page it shows
        assert _serious_violations(board) == []
        _stop_clocks(board, time_machine)
        indicator = board.locator("[data-pages]")
        if pages == 1:
            expect(indicator).to_be_hidden()
        for _ in range(pages):
            if pages > 1:
                # Just turned: the page stays for the 8 s it takes to look at it on every TV.
                page_text = board.locator("[data-page-text]")
                shown = page_text.text_content()
                # A second past the turn: the TV's clock follows the server's as it polls
                # (display.js), which may put it a little behind its own.
                _run_clocks(board, time_machine, _to_the_next_turn(board) + 1_000)
                expect(page_text).not_to_have_text(shown)
                turned_to = page_text.text_content()
                _run_clocks(board, time_machine, BOARD_PAGE_SECONDS * 1000 - 2_000)
                expect(page_text).to_have_text(turned_to)
                expect(indicator).to_be_visible()
            page_seen = None
            for size in TV_SIZES:
                board.set_viewport_size(size)
                board.wait_for_timeout(100)
                _readable_on(board, size)
                drawn = board.evaluate(SHOWN)
                assert page_seen is None or drawn["names"] == page_seen["names"], "turned while measured"
                page_seen = drawn
                assert drawn["number"] >= 0.05 * size["height"], size
                # The office's long name is whole, on two lines at most.
                head = board.locator(".display-head h1").bounding_box()
                assert head["height"] <= 2.6 * _font_size(board, ".display-head h1")
                name = f"{count}-counters-{language}-{size['width']}x{size['height']}"
                if pages > 1:
                    name += "-page" + re.search(r"\d+", drawn["page"]).group(0)
                save_screenshot(board, ARTIFACTS / f"display-board-{name}.png")
            assert len(page_seen["names"]) <= 20
            seen.append(page_seen)
        # Every counter on a page, once, in order; the pages about as full as each other.
        shown_names = sorted((p["names"] for p in seen), key=lambda names: COUNTER_NAMES.index(names[0]))
        assert [name for names in shown_names for name in names] == COUNTER_NAMES[:count]
        assert max(map(len, shown_names)) - min(map(len, shown_names)) <= 1
        assert {p["page"] for p in seen} == (
            {PAGE[language].format(n, pages) for n in range(1, pages + 1)} if pages > 1 else {seen[0]["page"]}
        )
        assert board.js_errors == []
    finally:
        context.close()


# Names as staff type them: words too long for a tile five a row, even at the smallest
# size a word is set in, and a name typed without spaces.
UNBROKEN_NAMES = [
    *COUNTER_NAMES[:4],
    "Loket 5 Pengambilan/Penyerahan",
    *COUNTER_NAMES[5:18],
    "LoketPengambilanPasporElektronik",
    "Loket 20",
]


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_word_longer_than_its_line_is_set_smaller_or_hyphenated_never_cut(
    browser, live_server, transactional_db, time_machine, language
):
    """At five tiles a row a word of more than about 12 letters was cut anywhere
    ("Kewarganegara" over "an"). It is set smaller to fit, down to 70% of its size, and
    past that broken between syllables with a hyphen (or after a slash), in a tile,
    "Now calling" and the numbers called before alike."""
    office = calling_at(time_machine, UNBROKEN_NAMES)
    context, board = _board(browser, live_server, office, language)
    try:
        board.wait_for_timeout(2_000)
        # The name without spaces is now calling, and among the numbers called before.
        assert (
            board.locator("[data-latest-counter]").evaluate("el => el.textContent.replace(/[\\u00ad\\u200b]/g, '')")
            == UNBROKEN_NAMES[-2]
        )
        for size in TV_SIZES:
            board.set_viewport_size(size)
            board.wait_for_timeout(100)
            save_screenshot(
                board, ARTIFACTS / f"display-board-long-words-{language}-{size['width']}x{size['height']}.png"
            )
            _readable_on(board, size)
            scales = board.evaluate(
                """() => [...document.querySelectorAll('.display-fit')].map(
                    span => parseFloat(getComputedStyle(span).fontSize)
                        / parseFloat(getComputedStyle(span.parentNode).fontSize))"""
            )
            assert scales and min(scales) >= 0.69, size
            # Nothing else is made smaller: the words that fit keep their size.
            assert board.evaluate(WORD_LINES, ".display-counter-name") and all(
                lines == 1
                for word, lines in board.evaluate(WORD_LINES, ".display-counter-name")
                if "\u00ad" not in word and "\u200b" not in word
            ), size
        assert board.js_errors == []
    finally:
        context.close()


def _stopped_screen(board, size, language) -> dict:
    """The stopped board's parts, measured; all of it on the screen."""
    expect(board.locator("[data-stopped]")).to_be_visible()
    assert _fits_the_tv(board), size
    boxes = board.evaluate(
        """() => Object.fromEntries(['.display-head', '[data-stopped]', '.display-recent'].map(s => {
            const box = document.querySelector(s).getBoundingClientRect();
            return [s, {top: box.top, bottom: box.bottom, height: box.height}];
        }))"""
    )
    head, box = boxes[".display-head"], boxes["[data-stopped]"]
    # The notice fills the screen under the header; its words, large, in its middle third.
    assert box["top"] - head["bottom"] <= 0.04 * size["height"], size
    assert box["height"] >= 0.45 * size["height"], size
    expect(board.locator(".display-stopped-title")).to_have_text(STOPPED[language])
    title = board.locator(".display-stopped-title").bounding_box()
    detail = board.locator(".display-stopped-detail").bounding_box()
    middle = (title["y"] + detail["y"] + detail["height"]) / 2
    assert abs(middle - (box["top"] + box["bottom"]) / 2) <= box["height"] / 6, size
    assert _font_size(board, ".display-stopped-title") >= 0.07 * size["height"], size
    assert board.evaluate(OVERFLOWING) == []
    # None is waiting any more: "0 priority · 0 express · 0 regular" is gone.
    expect(board.locator(".display-waiting")).to_be_hidden()
    return boxes


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_stopped_board_is_a_whole_screen_on_every_tv(browser, live_server, long_morning, language):
    """The notice sat on top of a screen half empty, as if the board had not loaded."""
    service_stop(office=long_morning["office"], now=timezone.now(), actor=long_morning["officer"])
    context, board = _board(browser, live_server, long_morning["office"], language)
    try:
        board.wait_for_timeout(2_000)
        for size in TV_SIZES:
            board.set_viewport_size(size)
            boxes = _stopped_screen(board, size, language)
            # The last numbers called under it, down to the bottom of the screen.
            expect(board.locator("[data-recent] li")).to_have_text(["A-002 Loket 2", "A-001 Loket 1"])
            recent = boxes[".display-recent"]
            assert recent["top"] - boxes["[data-stopped]"]["bottom"] <= 0.04 * size["height"], size
            assert recent["bottom"] >= 0.85 * size["height"], size
            save_screenshot(board, ARTIFACTS / f"display-board-stopped-{language}-{size['width']}x{size['height']}.png")
        assert board.js_errors == []
    finally:
        context.close()


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_board_stopped_before_any_call_gives_the_notice_the_room(
    browser, live_server, before_the_first_call, language
):
    """No number was called: no "called before" heading over nothing, the notice down to the bottom."""
    service_stop(office=before_the_first_call["office"], now=timezone.now())
    context, board = _board(browser, live_server, before_the_first_call["office"], language)
    try:
        board.wait_for_timeout(2_000)
        for size in TV_SIZES:
            board.set_viewport_size(size)
            boxes = _stopped_screen(board, size, language)
            expect(board.locator(".display-recent")).to_be_hidden()
            assert boxes["[data-stopped]"]["bottom"] >= 0.9 * size["height"], size
        save_screenshot(board, ARTIFACTS / f"display-board-stopped-before-any-call-{language}.png")
        assert board.js_errors == []
    finally:
        context.close()


@pytest.mark.parametrize("language", ["id", "en"])
def test_before_a_number_is_over_the_board_says_where_they_will_be(
    browser, live_server, before_the_first_call, language
):
    """ "Called before" stood over an empty list until the day's first call was over."""
    office, desk = before_the_first_call["office"], before_the_first_call["desk"]
    context, board = _board(browser, live_server, office, language)
    try:
        none_yet = board.locator("[data-recent-none]")
        board.wait_for_timeout(2_000)
        for size in TV_SIZES:
            board.set_viewport_size(size)
            expect(none_yet).to_have_text(RECENT_NONE[language])
            expect(none_yet).to_be_in_viewport(ratio=1)
            assert _fits_the_tv(board), size
            # Under its heading, in the heading's column.
            heading = board.locator("#recent-title").bounding_box()
            line = none_yet.bounding_box()
            assert 0 <= line["y"] - (heading["y"] + heading["height"]) <= 0.03 * size["height"], size
            assert abs(line["x"] - heading["x"]) <= 1, size
            save_screenshot(
                board, ARTIFACTS / f"display-board-none-called-{language}-{size['width']}x{size['height']}.png"
            )

        # The first call is live: it is "now calling", not yet one called before.
        called = queue_call_next(office=office, counter=desk, now=timezone.now())
        expect(board.locator("[data-latest-number]")).to_have_text("A-001", timeout=5_000)
        expect(none_yet).to_be_visible()

        queue_served(booking=called, now=timezone.now())
        expect(board.locator("[data-recent] li")).to_have_text(["A-001 Loket 1"], timeout=5_000)
        expect(none_yet).to_be_hidden()
        assert board.js_errors == []
    finally:
        context.close()


# Every part of a tile's name, as drawn: its text and its type size in pixels.
NAME_SIZES = """() => [...document.querySelectorAll('[data-counters] li:not([hidden]) .display-counter-name')]
    .flatMap(name => [name, ...name.querySelectorAll('.display-fit')])
    .map(el => [el.textContent.replace(/[\\u00ad\\u200b]/g, ''), parseFloat(getComputedStyle(el).fontSize)])"""


@pytest.mark.parametrize("language", ["id", "en"])
def test_long_counter_names_stay_legible_with_twenty_tiles_on_a_720p_tv(
    browser, live_server, transactional_db, time_machine, language
):
    """At five tiles a row "Kewarganegaraan" was set at 70% of the tiles' type, about 15
    pixels on a 1280x720 TV: too small to read across the hall. No part of a name is set
    under 20 pixels there; a word still too long is broken between syllables."""
    office = calling_at(time_machine, COUNTER_NAMES[:20])
    context, board = _board(browser, live_server, office, language)
    try:
        board.wait_for_timeout(2_000)
        for size in TV_SIZES:
            board.set_viewport_size(size)
            board.wait_for_timeout(100)
            save_screenshot(
                board, ARTIFACTS / f"display-board-20-legible-{language}-{size['width']}x{size['height']}.png"
            )
            _readable_on(board, size)
            sizes = board.evaluate(NAME_SIZES)
            assert any(text == "Kewarganegaraan" for text, _px in sizes)
            smallest = min(px for _text, px in sizes)
            assert smallest >= 20 * size["height"] / 720, (size, sorted(sizes, key=lambda s: s[1])[:3])
        assert board.js_errors == []
    finally:
        context.close()


# The shown tiles' heights, and how far the lowest of them ends above the list's bottom.
TILE_ROWS = """() => {
    const list = document.querySelector('[data-counters]').getBoundingClientRect();
    const tiles = [...document.querySelectorAll('[data-counters] li:not([hidden])')]
        .map(li => li.getBoundingClientRect());
    return {
        heights: tiles.map(box => box.height),
        gap: list.bottom - Math.max(...tiles.map(box => box.bottom)),
        list: list.height,
    };
}"""


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("count", [9, 20, 25])
def test_every_page_of_tiles_fills_the_board_in_rows_of_one_height(
    browser, live_server, transactional_db, time_machine, count, language
):
    """Rows sized to their names: a row with "Kewarganegaraan" broken onto a third line
    was taller than the others, the last row shorter, and the tiles ended well above the
    waiting counts. The rows share the column's height, every tile as tall as the others,
    on every page alike (the page of 12 of 25 counters keeps the tiles of the page of 13)."""
    office = calling_at(time_machine, COUNTER_NAMES[:count], name=LONGEST_OFFICE_NAME)
    pages = -(-count // 20)
    context, board = _board_on_a_clock(browser, live_server, office, language)
    try:
        board.wait_for_timeout(2_000)
        _stop_clocks(board, time_machine)
        heights = {}
        for turn in range(pages):
            if turn:
                _run_clocks(board, time_machine, _to_the_next_turn(board) + 1_000)
            for size in TV_SIZES:
                board.set_viewport_size(size)
                board.wait_for_timeout(100)
                _readable_on(board, size)
                rows = board.evaluate(TILE_ROWS)
                assert max(rows["heights"]) - min(rows["heights"]) <= 2, (size, rows["heights"])
                heights.setdefault(size["width"], []).append(rows["heights"][0])
                if len(rows["heights"]) == max(-(-count // pages), 1):
                    # The fullest page's rows reach the bottom of the column.
                    assert rows["gap"] <= 2, (size, rows)
        for width, seen in heights.items():
            assert max(seen) - min(seen) <= 2, (width, seen)
        assert board.js_errors == []
    finally:
        context.close()
