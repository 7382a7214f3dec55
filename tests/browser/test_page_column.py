"""On a desktop, the header's brand, the page's heading and the footer's text start at one
left edge, and the footer's rule is no wider than the column."""

import pytest

from tests.browser.public_data import offices_with_sessions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1280])
def test_header_page_and_footer_share_one_column(page, width, screenshot):
    offices_with_sessions()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/offices/surabaya/")

    brand = page.locator(".brand").bounding_box()
    heading = page.locator("main h1").bounding_box()
    footer_text = page.locator(".site-footer p").first.bounding_box()
    assert abs(brand["x"] - heading["x"]) <= 1
    assert abs(footer_text["x"] - heading["x"]) <= 1
    rule = page.evaluate(
        """() => {
          const footer = document.querySelector('.site-footer');
          const main = document.querySelector('main');
          const f = getComputedStyle(footer), m = getComputedStyle(main);
          const before = getComputedStyle(footer, '::before');
          return {
            left: footer.getBoundingClientRect().left + parseFloat(f.paddingLeft),
            width: parseFloat(before.width),
            border: before.borderTopWidth,
            columnRight: main.getBoundingClientRect().right - parseFloat(m.paddingRight),
          };
        }"""
    )
    assert rule["border"] == "1px"
    assert abs(rule["left"] - heading["x"]) <= 1
    assert rule["left"] + rule["width"] <= rule["columnRight"] + 1
    screenshot(f"column-{width}")
