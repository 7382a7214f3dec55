"""Generic browser fixtures: Debian's Chromium driven by Playwright, against live_server.

Never a downloaded browser: ``/usr/bin/chromium`` (or ``CHROMIUM_PATH``). Without it the
tests skip locally and fail in CI (``REQUIRE_SERVICES=1``). Screenshots go to
``test-artifacts/`` (ignored by git).
"""

import os
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 740}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@pytest.fixture(autouse=True, scope="module")
def _orm_beside_playwright():
    """Playwright's sync API runs an event loop in this thread while it is open; the ORM
    calls a test makes to set up data are still plain synchronous calls, so Django's
    guard is lifted, per browser test module only. Playwright itself is module-scoped
    for the same reason: after the module no loop runs, and nothing leaks to later tests
    (a subprocess inheriting the variable would fail the deploy checks)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def _playwright(_orm_beside_playwright):
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{CHROMIUM} is missing (REQUIRE_SERVICES=1: browser tests must not skip in CI)")
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def viewport():
    """Phone-sized by default; a test module may override this fixture."""
    return dict(PHONE)


@pytest.fixture
def browser_locale():
    return "id-ID"


@pytest.fixture
def context(browser, live_server, viewport, browser_locale):
    context = browser.new_context(viewport=viewport, locale=browser_locale, base_url=live_server.url)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page


@pytest.fixture
def screenshot(page, request):
    """``screenshot("proof")`` saves ``test-artifacts/<test name>-proof.png`` (full page)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str, target=None) -> Path:
        test_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        path = ARTIFACTS / f"{test_name}-{name}.png"
        save_screenshot(target or page, path)
        return path

    return take


def save_screenshot(target, path: Path, *, full_page: bool = True, attempts: int = 3) -> None:
    """``target.screenshot`` (a page or a locator) to ``path``. On a loaded machine Chromium
    now and then answers "Unable to capture screenshot" for a page that is there (seen
    once in CI with two test runs sharing two cores); the picture is for people to look
    at, so it is taken again before the test fails for it."""
    from playwright.sync_api import Error

    for attempt in range(1, attempts + 1):
        try:
            target.screenshot(path=str(path), full_page=full_page)
            return
        except Error as exc:
            if "Unable to capture screenshot" not in str(exc) or attempt == attempts:
                raise
            time.sleep(0.5 * attempt)


def sign_in(context, live_server, user, language: str | None = None) -> None:
    """``user`` signed in in the browser ``context`` (their session cookie, without the
    form), and the page language set when ``language`` is given."""
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    cookies = [{"name": name, "value": client.cookies[name].value, "url": live_server.url}]
    if language:
        cookies.append({"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url})
    context.add_cookies(cookies)


# For page.evaluate(LINES_OF, selector): each element's text, with the number of lines it is drawn on.
LINES_OF = """selector => [...document.querySelectorAll(selector)].map(el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    return [el.textContent.trim(), tops.size];
})"""
