"""save_screenshot takes a picture again when Chromium could not capture it."""

import pytest
from playwright.sync_api import Error

from tests.browser.conftest import save_screenshot


class FlakyPage:
    def __init__(
        self, failures: int, message: str = "Protocol error (Page.captureScreenshot): Unable to capture screenshot"
    ):
        self.failures, self.message, self.calls = failures, message, []

    def screenshot(self, *, path, full_page):
        self.calls.append((path, full_page))
        if len(self.calls) <= self.failures:
            raise Error(self.message)


def test_a_capture_that_fails_once_is_taken_again(tmp_path):
    page = FlakyPage(failures=1)

    save_screenshot(page, tmp_path / "a.png")

    assert page.calls == [(str(tmp_path / "a.png"), True)] * 2


def test_a_capture_that_keeps_failing_fails_the_test(tmp_path):
    page = FlakyPage(failures=5)

    with pytest.raises(Error, match="Unable to capture screenshot"):
        save_screenshot(page, tmp_path / "a.png", full_page=False)
    assert len(page.calls) == 3


def test_any_other_error_is_not_retried(tmp_path):
    page = FlakyPage(failures=1, message="Target page, context or browser has been closed")

    with pytest.raises(Error, match="has been closed"):
        save_screenshot(page, tmp_path / "a.png")
    assert len(page.calls) == 1
