"""The home page: the search card, and the list of every office by province with each link a
thumb's target."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.public_data import offices_with_sessions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def viewport():
    return {"width": 360, "height": 740}


def _boxes(page) -> list[dict]:
    return page.evaluate(
        """() => [...document.querySelectorAll('details.province-group a')].map(a => {
            const r = a.getBoundingClientRect();
            return {text: a.textContent.trim(), top: r.top, bottom: r.bottom, width: r.width, height: r.height};
        })"""
    )


def test_every_office_link_of_the_province_list_is_44_px_at_least(page, screenshot):
    offices_with_sessions()
    factories.OfficeFactory(code="malang", name="Kantor Imigrasi Kelas I TPI Malang", province="Jawa Timur")

    page.goto("/")
    for summary in page.locator("details.province-group > summary").all():
        summary.click()
    expect(page.locator("details.province-group[open]")).to_have_count(2)
    screenshot("province-list")

    boxes = _boxes(page)
    assert {box["text"] for box in boxes} >= {
        "Kantor Imigrasi Kelas I Khusus TPI Surabaya",
        "ULP Imigrasi Sidoarjo",
        "Kantor Imigrasi Kelas I TPI Malang",
        "Kantor Imigrasi Kelas I TPI Makassar",
    }
    small = [box for box in boxes if box["height"] < 44 or box["width"] < 44]
    assert small == []
    # Targets one under another, never overlapping: a tap lands on one office only.
    ordered = sorted(boxes, key=lambda box: box["top"])
    assert all(upper["bottom"] <= lower["top"] + 0.5 for upper, lower in zip(ordered, ordered[1:], strict=False))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_on_a_desktop_the_links_stay_as_wide_as_their_names(browser, live_server, screenshot):
    offices_with_sessions()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url, locale="id-ID")
    try:
        page = context.new_page()
        page.goto("/")
        page.locator("details.province-group > summary").first.click()
        screenshot("province-list-desktop", target=page)

        list_width = page.locator("details.province-group[open] .compact-list").first.bounding_box()["width"]
        widths = [box["width"] for box in _boxes(page) if box["height"]]
        assert widths and max(widths) < list_width / 2
    finally:
        context.close()


def test_on_a_desktop_offices_near_me_stands_apart_from_the_search_row(browser, live_server, screenshot):
    offices_with_sessions()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url, locale="id-ID")
    try:
        page = context.new_page()
        page.goto("/")
        near_me = page.locator("[data-near-me] button")
        expect(near_me).to_be_visible()
        search = page.locator("form[role=search] button[type=submit]").bounding_box()
        near = near_me.bounding_box()
        card = page.locator("form[role=search]").bounding_box()
        screenshot("search-desktop", target=page)

        assert near["y"] >= search["y"] + search["height"] + 8
        # The card ends with its padding under the button, not an empty status line.
        assert card["y"] + card["height"] - (near["y"] + near["height"]) <= 20
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/?q=surabaya", "/offices/surabaya/"], ids=["search-card", "office-page"])
def test_a_service_point_under_its_office_is_44_px_tall(page, path, screenshot):
    """On a search result's card and on the office's own page, a service point's name was a
    19-pixel link, the only way to its calendar."""
    offices = offices_with_sessions()
    factories.OfficeFactory(
        code="lounge-ciputra", name="Immigration Lounge Ciputra World", kind="corner", parent=offices["surabaya"]
    )
    page.goto(path)
    links = page.locator(".service-points a")
    expect(links.first).to_be_visible()
    screenshot("service-points")

    boxes = [link.bounding_box() for link in links.all()]
    assert [round(box["height"]) for box in boxes if box["height"] < 44] == []
    ordered = sorted(boxes, key=lambda box: box["y"])
    assert all(a["y"] + a["height"] <= b["y"] + 0.5 for a, b in zip(ordered, ordered[1:], strict=False))


@pytest.mark.parametrize(
    ("path", "link"),
    [("/?q=surbaya", "[data-testid=search-suggestion] a"), ("/?lat=-7.3&lon=112.7", "a[href='/']:not(.brand)")],
    ids=["did-you-mean", "show-all-offices"],
)
def test_the_way_on_from_a_search_is_44_px_tall(page, path, link, screenshot):
    """ "Did you mean surabaya?" was a 19-pixel link, the only way on from an empty result;
    "Show all offices" under the offices near me was 38."""
    offices_with_sessions()
    page.goto(path)
    target = page.locator(f"main {link}")
    expect(target).to_be_visible()
    screenshot("way-on")

    assert target.bounding_box()["height"] >= 44
