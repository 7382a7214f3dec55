"""Rows of the applicant's pages that must hold together on a 360 px phone."""

import pytest

from tests.browser.public_data import bookable_weekday, booking_for, offices_with_sessions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["id", "en"])
def test_each_tracks_places_and_book_button_share_a_line(page, live_server, screenshot, language):
    offices = offices_with_sessions()
    date = bookable_weekday(offices["surabaya"])
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    page.goto(f"/offices/surabaya/?date={date.isoformat()}")
    rows = page.evaluate(
        """() => [...document.querySelectorAll('#day .track-row')].map(row => {
            const words = row.querySelector('span').getBoundingClientRect();
            const button = row.querySelector('.button').getBoundingClientRect();
            return {words: [words.top, words.bottom], button: [button.top, button.bottom]};
        })"""
    )
    screenshot(f"day-{language}")

    assert len(rows) == 4
    # Side by side: the button's box lies level with the words, not under them.
    assert all(row["button"][0] < row["words"][1] and row["words"][0] < row["button"][1] for row in rows)


def test_the_proofs_actions_are_one_column_of_equal_buttons(page, screenshot):
    offices = offices_with_sessions()
    proof = booking_for(offices["surabaya"], bookable_weekday(offices["surabaya"]))

    page.goto(f"/b/{proof.booking.code}/{proof.token}/")
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.actions')].flatMap(row => {
            const width = row.getBoundingClientRect().width;
            return [...row.children].filter(b => b.offsetParent)
                .map(b => ({row: width, button: b.getBoundingClientRect().width}));
        })"""
    )
    screenshot("proof-actions")

    assert len(boxes) >= 5
    assert all(abs(box["button"] - box["row"]) < 1 for box in boxes)
