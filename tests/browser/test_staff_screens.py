"""The staff screens on a busy morning, as the officers see them on a phone at the door,
on the desk PC and on the waiting room's TV: long office and applicant names, three-digit
queue numbers, two counters, a priority applicant and a walk-in."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applicants.models import QueueCounter, ServiceCounter
from applicants.queue_selectors import day_summary
from applicants.services.checkin import checkin_confirm
from applicants.services.queue import queue_call_next, queue_served
from applicants.services.walkin import walkin_register
from offices.models import OfficeMembership, Slot, Track
from tests import factories
from tests.browser.conftest import LINES_OF, save_screenshot, sign_in
from tests.staff.conftest import make_booking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 720}
TV = {"width": 1280, "height": 720}
LONG_NAME = "Raden Ayu Siti Nurhaliza Kusumawardhani Prawirodirdjo Hadiningrat"
SESSIONS = [(dt.time(8), dt.time(10)), (dt.time(10), dt.time(12)), (dt.time(13), dt.time(15))]
CAPACITY = {Track.REGULAR: 50, Track.EXPRESS: 10, Track.PRIORITY: 5}
# The figures of a session on "Today", in the order of its table's columns.
SESSION_FIGURES = (
    "capacity",
    "expected",
    "checked_in",
    "served",
    "missed",
    "waiting",
    "walk_ins",
    "average_wait_minutes",
    "p90_wait_minutes",
)


@pytest.fixture
def viewport():
    return PHONE


@pytest.fixture
def busy_morning(transactional_db, time_machine):
    """09:15 at a large office: the first session well under way, two counters calling."""
    office = factories.OfficeFactory(
        code="jakarta-selatan", name="Kantor Imigrasi Kelas I Khusus Non TPI Jakarta Selatan"
    )
    today = timezone.now().astimezone(office.tz).date()

    def at(hour, minute=0):
        return dt.datetime.combine(today, dt.time(hour, minute), tzinfo=office.tz)

    time_machine.move_to(at(8), tick=False)
    slots = {
        (start.hour, track): Slot.objects.create(
            office=office, date=today, start=start, end=end, track=track, capacity=CAPACITY[track]
        )
        for start, end in SESSIONS
        for track in Track
    }
    # Ninety-seven people were served before the system was used today: numbers have three digits.
    QueueCounter.objects.create(office=office, date=today, track=Track.REGULAR, last_number=97)
    first = [make_booking(slots[(8, Track.REGULAR)], name=LONG_NAME if n == 0 else None) for n in range(12)]
    express = [make_booking(slots[(8, Track.EXPRESS)]) for _ in range(3)]
    elderly = make_booking(slots[(8, Track.PRIORITY)], name="Mbah Sumarni", priority_group="elderly")
    later = [make_booking(slots[(hour, Track.REGULAR)]) for hour in (10, 13) for _ in range(5)]
    officer = factories.StaffFactory(username="petugas.jaksel", membership__office=office)
    supervisor = factories.StaffFactory(
        username="supervisor.jakarta.selatan",
        membership__office=office,
        membership__role=OfficeMembership.Role.SUPERVISOR,
    )
    desks = [
        ServiceCounter.objects.create(office=office, name="Loket 1"),
        ServiceCounter.objects.create(office=office, name="Loket 2 Prioritas", track=Track.PRIORITY),
    ]
    for minute, booking in enumerate([*first[:8], *express[:2], elderly]):
        checkin_confirm(office=office, booking=booking, now=at(8, 5 + minute))
    walkin_register(
        office=office,
        nik="3578011705900001",
        full_name="Ibu Hamil",
        birth_date=dt.date(1990, 5, 17),
        priority_group="pregnant",
        now=at(8, 20),
        actor=officer,
    )
    served = queue_call_next(office=office, counter=desks[0], now=at(8, 30), actor=officer)
    queue_served(booking=served, now=at(8, 40), actor=officer)
    for minute, desk in ((45, desks[1]), (50, desks[0])):
        queue_call_next(office=office, counter=desk, now=at(8, minute), actor=officer)
    time_machine.move_to(at(9, 15), tick=True)
    return {
        "office": office,
        "officer": officer,
        "supervisor": supervisor,
        "desks": desks,
        "later": later,
        "first": first,
    }


def _broken_numbers(page, selector) -> list[str]:
    found = page.evaluate(LINES_OF, selector)
    assert found, f"no {selector} on {page.url}"
    return [text for text, lines in found if lines != 1]


def test_queue_numbers_never_break_at_their_hyphen_on_a_phone(context, live_server, page, busy_morning, screenshot):
    office, desk = busy_morning["office"], busy_morning["desks"][0]
    sign_in(context, live_server, busy_morning["officer"], "id")

    page.goto(f"/staff/{office.code}/counter/")
    screenshot("counters")
    assert _broken_numbers(page, ".counter-list .muted") == []

    page.goto(f"/staff/{office.code}/counter/{desk.id}/")
    screenshot("counter")
    assert _broken_numbers(page, "#live-waiting .qn") == []
    assert _broken_numbers(page, ".queue-number") == []


@pytest.mark.parametrize("size", [PHONE, TV], ids=["phone", "tv"])
def test_the_display_board_draws_each_number_on_one_line(browser, live_server, busy_morning, size, tmp_path):
    from tests.browser.conftest import ARTIFACTS

    office = busy_morning["office"]
    context = browser.new_context(viewport=size, base_url=live_server.url, locale="id-ID")
    try:
        board = context.new_page()
        board.goto(f"/display/{office.display_token}/")
        # Once drawn by the page, once more by display.js from the state it polls.
        board.wait_for_function("document.querySelector('[data-counters] .display-counter-number') !== null")
        board.wait_for_timeout(2_000)
        ARTIFACTS.mkdir(exist_ok=True)
        save_screenshot(board, ARTIFACTS / f"display-board-{size['width']}.png")

        assert _broken_numbers(board, ".display-counter-number") == []
        assert _broken_numbers(board, "[data-latest-number]") == []
        assert _broken_numbers(board, "[data-recent] li > :first-child") == []
        assert board.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        if size == TV:
            # Full screen on the TV: nothing below the fold, the waiting counts included.
            assert board.evaluate("document.documentElement.scrollHeight <= window.innerHeight")
        else:
            # The office's name reads across the phone, the clock under it.
            assert board.locator(".display-head h1").bounding_box()["width"] >= 0.8 * PHONE["width"]
    finally:
        context.close()


def _screens(busy_morning) -> dict[str, str]:
    office, desk = busy_morning["office"], busy_morning["desks"][0]
    return {
        "checkin": f"/staff/{office.code}/checkin/",
        "walkin": f"/staff/{office.code}/walkin/",
        "counters": f"/staff/{office.code}/counter/",
        "counter": f"/staff/{office.code}/counter/{desk.id}/",
        "counter-priority": f"/staff/{office.code}/counter/{busy_morning['desks'][1].id}/",
        "day-list": f"/staff/{office.code}/list/",
        "today": f"/staff/{office.code}/today/",
        "stop": f"/staff/{office.code}/today/stop/",
        "utilization": "/staff/utilization/",
        "home": "/staff/?stay=1",
        "display": f"/display/{office.display_token}/",
    }


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("size", [PHONE, DESK], ids=["phone", "desk"])
def test_every_staff_screen_fits_and_has_no_serious_accessibility_violation(
    browser, live_server, busy_morning, language, size
):
    """A supervisor's view of each screen (it has every part an officer's has, and more)."""
    from tests.browser.conftest import ARTIFACTS
    from tests.browser.test_staff_flow import _serious_violations

    context = browser.new_context(viewport=size, base_url=live_server.url, locale="id-ID")
    try:
        sign_in(context, live_server, busy_morning["supervisor"], language)
        page = context.new_page()
        ARTIFACTS.mkdir(exist_ok=True)
        problems = {}
        for name, path in _screens(busy_morning).items():
            page.goto(path)
            save_screenshot(page, ARTIFACTS / f"staff-{name}-{size['width']}-{language}.png")
            found = _serious_violations(page)
            if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
                found.append("wider than the screen")
            if found:
                problems[name] = found
        assert problems == {}
    finally:
        context.close()


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_staff_header_takes_two_rows_on_the_desk_pc(context, live_server, page, busy_morning, language, viewport):
    """In Indonesian the supervisor's menu pushed sign-out and the language buttons onto
    rows of their own: four rows, a quarter of a 720-pixel screen, above every page."""
    sign_in(context, live_server, busy_morning["supervisor"], language)
    page.set_viewport_size(DESK)
    page.goto(f"/staff/{busy_morning['office'].code}/today/")

    def top(selector):
        return round(page.locator(selector).bounding_box()["y"])

    assert top(".lang-switch") - top(".brand") < 12
    assert top(".staff-logout") - top(".brand") < 12
    menu = {round(link.bounding_box()["y"]) for link in page.locator(".site-nav a").all()}
    assert len(menu) == 1, "the menu wraps"
    assert page.locator(".site-header").bounding_box()["height"] <= 110


@pytest.mark.parametrize(("size", "per_row"), [(PHONE, 2), (DESK, 4)], ids=["phone", "desk"])
def test_today_shows_its_totals_in_even_rows_and_session_times_on_one_line(
    context, live_server, page, busy_morning, size, per_row, screenshot
):
    sign_in(context, live_server, busy_morning["supervisor"], "id")
    page.set_viewport_size(size)
    page.goto(f"/staff/{busy_morning['office'].code}/today/")
    screenshot("today")

    rows: dict[int, int] = {}
    for stat in page.locator("#live-totals .stat").all():
        y = round(stat.bounding_box()["y"])
        rows[y] = rows.get(y, 0) + 1
    assert list(rows.values()) == [per_row] * (8 // per_row)
    assert _broken_numbers(page, ".bar-group .bar-label") == []
    assert _broken_numbers(page, "#live-sessions tbody th") == []


# The bottom of each header cell's text, in the page's pixels.
HEADER_TEXT_BOTTOMS = """selector => [...document.querySelectorAll(selector)].map(th => {
    const range = document.createRange();
    range.selectNodeContents(th);
    return [th.textContent.trim(), Math.round(range.getBoundingClientRect().bottom)];
})"""


def test_today_s_session_table_keeps_every_column_title_just_above_its_column(
    context, live_server, page, busy_morning, screenshot
):
    """On the narrowest desk PC that shows the table the long titles ("9 dari 10 orang
    menunggu paling lama") wrap onto several lines. Aligned to the top, the short ones
    ("Sesi", "Kuota") floated there too, with an empty band between them and the first
    row, as if the table had lost a row. (A phone shows cards, without titles.)"""
    sign_in(context, live_server, busy_morning["supervisor"], "id")
    page.set_viewport_size({"width": 960, "height": 720})
    page.goto(f"/staff/{busy_morning['office'].code}/today/")
    screenshot("today-table")

    bottoms = dict(page.evaluate(HEADER_TEXT_BOTTOMS, "#live-sessions thead th"))
    assert len(bottoms) == 10
    assert max(lines for _text, lines in page.evaluate(LINES_OF, "#live-sessions thead th")) > 1
    first_row = page.locator("#live-sessions tbody tr").first.bounding_box()["y"]
    for title, bottom in bottoms.items():
        assert first_row - 16 <= bottom <= first_row, f"{title!r} ends {first_row - bottom:.0f}px above the first row"


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("width", [1024, 1280])
def test_today_s_session_table_shows_every_column_on_the_desk_pc_without_scrolling(
    context, live_server, page, busy_morning, language, width
):
    """Its ten columns used to run 40-110 pixels past the card on a desk PC, in a box that
    scrolls: the last column, the longest waits, was cut off with nothing to say so."""
    sign_in(context, live_server, busy_morning["supervisor"], language)
    page.set_viewport_size({"width": width, "height": 720})
    page.goto(f"/staff/{busy_morning['office'].code}/today/")

    region = page.locator("#live-sessions .table-scroll")
    scroll_width, client_width = region.evaluate("box => [box.scrollWidth, box.clientWidth]")
    assert scroll_width <= client_width


@pytest.mark.parametrize("language", ["id", "en"])
def test_today_s_sessions_fit_a_tablet_without_scrolling_sideways(
    context, live_server, page, busy_morning, language, screenshot
):
    """At 768 pixels the ten columns ran past the card in a box that scrolls sideways: each
    session is a card instead, every value under its column's name."""
    sign_in(context, live_server, busy_morning["supervisor"], language)
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto(f"/staff/{busy_morning['office'].code}/today/")
    screenshot("today-sessions-tablet")

    region = page.locator("#live-sessions .table-scroll")
    scroll_width, client_width = region.evaluate("box => [box.scrollWidth, box.clientWidth]")
    assert scroll_width <= client_width
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    first = page.locator("#live-sessions tbody tr").first
    cells = first.locator("td").all()
    assert len(cells) == 9
    for cell in cells:
        label = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert label.strip('"') == cell.get_attribute("data-label") != ""
        assert cell.bounding_box()["width"] >= 100
        assert float(cell.evaluate("td => getComputedStyle(td).fontSize").removesuffix("px")) >= 15


@pytest.mark.parametrize("language", ["id", "en"])
def test_today_s_sessions_are_cards_on_a_phone_without_scrolling_sideways(
    context, live_server, page, busy_morning, language, screenshot
):
    """At 360 pixels the ten columns scrolled sideways in their box, the session's times
    out of sight while reading its waits: each session is a card, as on a tablet."""
    office = busy_morning["office"]
    sign_in(context, live_server, busy_morning["supervisor"], language)
    page.goto(f"/staff/{office.code}/today/")
    screenshot(f"today-sessions-phone-{language}")

    assert page.evaluate("document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth")
    for box in ("#live-sessions .table-scroll", "#live-sessions table.session-table"):
        scroll_width, client_width = page.locator(box).evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert scroll_width <= client_width, box
    with timezone.override(office.tz):
        summary = day_summary(office=office, now=timezone.now())
    cards = page.locator("#live-sessions tbody tr")
    assert cards.count() == len(summary["sessions"]) == 3
    right_edge = page.evaluate("document.documentElement.clientWidth")
    for card, row in zip(cards.all(), summary["sessions"], strict=True):
        assert card.evaluate("tr => getComputedStyle(tr).display") == "grid"
        clock = "%H.%M" if language == "id" else "%H:%M"
        assert card.locator("th").inner_text() == f"{row.start:{clock}}–{row.end:{clock}}"
        cells = card.locator("td").all()
        assert len(cells) == len(SESSION_FIGURES)
        for cell, key in zip(cells, SESSION_FIGURES, strict=True):
            label = cell.evaluate("td => getComputedStyle(td, '::before').content").strip('"')
            assert label == cell.get_attribute("data-label") != ""
            box = cell.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= right_edge, label
            assert cell.is_visible()
            if key.endswith("_minutes"):
                assert cell.inner_text().strip() != "", label
            else:
                assert cell.inner_text().strip() == str(getattr(row, key)), label
    # The first session is under way: people checked in, one served.
    assert summary["sessions"][0].checked_in > 0 and summary["sessions"][0].served == 1


def test_on_a_desk_pc_today_s_sessions_stay_a_table(context, live_server, page, busy_morning):
    sign_in(context, live_server, busy_morning["supervisor"], "id")
    page.set_viewport_size({"width": 960, "height": 720})
    page.goto(f"/staff/{busy_morning['office'].code}/today/")

    assert page.locator("#live-sessions table.session-table").evaluate("t => getComputedStyle(t).display") == "table"
    assert page.locator("#live-sessions thead").is_visible()


def test_a_table_that_scrolls_on_a_phone_shows_a_shadow_where_there_is_more(
    context, live_server, page, busy_morning, screenshot
):
    """The waiting times per day: its table is given the width of a longer one (an office
    name that does not wrap) to make it scroll in its box."""
    sign_in(context, live_server, busy_morning["supervisor"], "id")
    page.goto("/staff/waits/")
    region = page.locator(".table-scroll.wait-table").first
    region.evaluate("box => { box.querySelector('table').style.minWidth = '40rem'; }")
    screenshot("waits-table-scrolls")

    assert region.evaluate("box => box.scrollWidth > box.clientWidth")
    layers = region.evaluate("box => getComputedStyle(box).backgroundImage")
    attachments = region.evaluate("box => getComputedStyle(box).backgroundAttachment")
    assert layers.count("radial-gradient") == 2
    assert attachments.replace(" ", "") == "local,local,scroll,scroll"


def test_joining_a_counter_already_open_is_said_in_the_warning_colour(context, live_server, page, busy_morning):
    """ "Loket 1 was already open ...: you joined it" looked like any other note: it is the
    one an officer must not miss, since two desks now share one name."""
    sign_in(context, live_server, busy_morning["supervisor"], "en")
    page.set_viewport_size(DESK)
    page.goto(f"/staff/{busy_morning['office'].code}/counter/")
    page.locator("#open-title ~ form input[name=name]").fill("Loket 1")
    page.locator("#open-title ~ form button[type=submit]").click()

    note = page.locator(".messages .message-warning")
    expect(note).to_contain_text("you joined it")
    style = note.evaluate("el => [getComputedStyle(el).borderLeftColor, getComputedStyle(el).backgroundColor]")
    assert style == ["rgb(122, 79, 0)", "rgb(255, 241, 204)"]  # --warn, --warn-wash (static/css/app.css)


@pytest.mark.parametrize("language", ["id", "en"])
def test_on_a_phone_cancel_stands_apart_from_the_button_that_stops_the_day(
    context, live_server, page, busy_morning, language, screenshot
):
    """ "Cancel" sat flush under "Stop service and move everyone": a thumb meaning to go
    back landed next to the button that closes the rest of the day."""
    sign_in(context, live_server, busy_morning["supervisor"], language)
    page.goto(f"/staff/{busy_morning['office'].code}/today/stop/")
    screenshot(f"stop-service-{language}")

    stop = page.locator("form button[type=submit].danger").bounding_box()
    cancel = page.locator("form a.button.secondary").bounding_box()
    assert cancel["y"] - (stop["y"] + stop["height"]) >= 8
    assert page.evaluate("document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth")
