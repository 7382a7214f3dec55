"""axe-core (vendored, tests only) finds no serious or critical violation on the
applicant's main pages, at a phone's width, in both languages."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.public_data import NIK, bookable_weekday, booking_for, offices_with_sessions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def _violations(page) -> list[dict]:
    # Evaluated by the test driver, not added as an inline <script>: the pages'
    # Content-Security-Policy blocks inline scripts, as it should.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
            resultTypes: ['violations'],
        })"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.fixture
def public_pages():
    offices = offices_with_sessions()
    date = bookable_weekday(offices["surabaya"])
    proof = booking_for(offices["surabaya"], date)
    return {
        "home": "/",
        "search": "/?q=surabaya",
        "office": f"/offices/surabaya/?date={date.isoformat()}",
        "form": f"/offices/surabaya/book/?date={date.isoformat()}",
        "my-booking": "/my-booking/",
        "proof": f"/b/{proof.booking.code}/{proof.token}/",
        "renew-link": f"/b/{proof.booking.code}/{proof.token}/renew-link/",
        "contact": f"/b/{proof.booking.code}/{proof.token}/contact/",
    }


@pytest.mark.parametrize("language", ["id", "en"])
def test_main_pages_have_no_serious_accessibility_violation(page, public_pages, language, screenshot):
    found = {}
    page.goto("/")
    page.click(f"button.lang-button[value={language}]")
    expect(page.locator("html")).to_have_attribute("lang", language)
    for name, path in public_pages.items():
        page.goto(path)
        violations = _violations(page)
        if violations:
            found[name] = violations
    assert found == {}


def test_a_form_with_errors_has_no_serious_accessibility_violation(page, public_pages, screenshot):
    page.goto(public_pages["form"])
    page.fill("#id_nik", "123")
    page.fill("#id_birth_date_0", "17")
    page.fill("#id_birth_date_2", "1990")
    page.locator("form.form button[type=submit]").last.click()
    expect(page.locator("#id_nik_error")).to_be_visible()
    expect(page.locator("#id_birth_date_error")).to_be_visible()

    assert _violations(page) == []
    page.goto(public_pages["my-booking"])
    page.fill("#id_code", "ZZZZZZZZ")
    page.fill("#id_nik", NIK)
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert _violations(page) == []
    screenshot("lookup-error")
    page.goto(public_pages["contact"])
    page.fill("#id_phone", "12345")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("#id_phone_error")).to_be_visible()
    assert _violations(page) == []


def test_the_proof_with_its_new_secret_link_has_no_serious_accessibility_violation(page, public_pages):
    page.goto(public_pages["renew-link"])
    page.locator("form[data-submit-once] button[type=submit]").click()
    expect(page.locator("#renewed-heading")).to_be_visible()

    assert _violations(page) == []
