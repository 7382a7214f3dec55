"""The day list on a supervisor's phone (390 pixels wide): each person a card, nothing
wider than the screen, tick boxes big enough to tap; on paper still the table."""

import pytest

from tests.browser import test_staff_screens
from tests.browser.conftest import save_screenshot, sign_in
from tests.browser.test_staff_flow import _serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The busy morning of the staff screens' tests: long names, three sessions, a walk-in.
busy_morning = test_staff_screens.busy_morning

PHONE = {"width": 390, "height": 844}
TAP_TARGET = 44  # CSS pixels (WCAG 2.5.5)

# Every element drawn past the screen's right edge, scroll boxes included: a table that
# scrolls sideways inside its box leaves the page itself as wide as the screen.
WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll('main *')]
    .filter(el => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && box.right > window.innerWidth + 0.5;
    })
    .map(el => `${el.tagName.toLowerCase()}.${el.className} ${el.textContent.trim().slice(0, 30)}`)"""


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, locale="id-ID", has_touch=True, is_mobile=True
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_day_list_fits_a_phone_and_its_tick_boxes_can_be_tapped(phone, live_server, busy_morning, language):
    from tests.browser.conftest import ARTIFACTS

    office = busy_morning["office"]
    sign_in(phone, live_server, busy_morning["supervisor"], language)
    page = phone.new_page()
    page.goto(f"/staff/{office.code}/list/")
    ARTIFACTS.mkdir(exist_ok=True)
    save_screenshot(page, ARTIFACTS / f"day-list-phone-{language}.png")

    assert page.evaluate(WIDER_THAN_THE_SCREEN) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert _serious_violations(page) == []
    # Each person's values are under their column's name, the long name in full.
    first_card = page.locator("table.day-list tbody tr").first
    assert first_card.evaluate("tr => getComputedStyle(tr).display") == "block"

    boxes = page.locator("label.tick-target")
    assert boxes.count() > 0
    target = boxes.first
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    assert box["width"] >= TAP_TARGET and box["height"] >= TAP_TARGET
    tick = target.locator("input[type=checkbox]")
    assert not tick.is_checked()
    # A thumb lands near the box's edge, not on the small square in its middle.
    page.touchscreen.tap(box["x"] + box["width"] - 4, box["y"] + box["height"] - 4)
    assert tick.is_checked()
    save_screenshot(page, ARTIFACTS / f"day-list-phone-{language}-ticked.png", full_page=False)


def test_on_paper_the_day_list_is_still_the_table(phone, live_server, busy_morning):
    """Printed from the same phone: the print layout does not take the cards."""
    from tests.browser.conftest import ARTIFACTS

    office = busy_morning["office"]
    sign_in(phone, live_server, busy_morning["supervisor"], "id")
    page = phone.new_page()
    page.goto(f"/staff/{office.code}/list/")
    page.emulate_media(media="print")
    save_screenshot(page, ARTIFACTS / "day-list-phone-print.png")

    table = page.locator("table.day-list").first
    assert table.evaluate("t => getComputedStyle(t).display") == "table"
    assert table.locator("thead").evaluate("h => getComputedStyle(h).display") == "table-header-group"
    assert table.locator("tbody tr").first.evaluate("tr => getComputedStyle(tr).display") == "table-row"
    # The "Came" column to tick by hand is there, the screen's tick boxes are not.
    assert table.locator("th.print-only").first.is_visible()
    assert not page.locator("label.tick-target").first.is_visible()
    assert table.locator("tbody td").nth(1).evaluate("td => getComputedStyle(td, '::before').content") == "none"
